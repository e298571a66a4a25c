/**
 * What makes a sequence of valid events a journal: the order rules of docs/journal.md, checked one event at a time
 * with a few sets of ids (never the text). Each rule returns what is wrong, for the reader to prefix with file:line.
 */
import type { EngineEvent, EventOf } from '../engine/events.js';

export class JournalOrder {
  private lastSeq = 0;
  private started = false;
  /** Phase id → its conversations' ids, from run.started's workflow outline. */
  private readonly phases = new Map<string, Set<string>>();
  private readonly conversationPhase = new Map<string, string>();
  private readonly turnsStarted = new Set<string>();
  private readonly turnsOpen = new Set<string>();
  private readonly customerSent = new Set<string>();
  /** The turn.started before, and the length of its request: all that a delta's `base` and `keep` are checked with. */
  private previousTurn: { turnId: string; length: number } | null = null;

  /** What is wrong with this event coming next, or null. */
  check(event: EngineEvent): string | null {
    if (event.seq <= this.lastSeq) return `seq ${event.seq} comes after seq ${this.lastSeq}: the events are out of order`;
    this.lastSeq = event.seq;
    if (!this.started) {
      if (event.type !== 'run.started') return `the first event is ${event.type}, not run.started; is this a roleplay events.jsonl?`;
      this.started = true;
      for (const phase of event.workflow.phases) {
        this.phases.set(phase.id, new Set(phase.conversations.map((c) => c.id)));
        for (const c of phase.conversations) this.conversationPhase.set(c.id, phase.id);
      }
      return null;
    }
    switch (event.type) {
      case 'run.started':
        return 'a second run.started: a journal holds one run (a --resume appends run.resumed)';
      case 'run.resumed':
      case 'run.forked':
        // The run before was killed or finished: whatever reply it was writing never ends.
        this.turnsOpen.clear();
        return null;
      case 'phase.started':
      case 'phase.ended':
        return this.phases.has(event.phaseId) ? null : `phase "${event.phaseId}" is not a phase of the run's workflow`;
      case 'conversation.started': {
        const phase = this.conversationPhase.get(event.conversationId);
        if (phase === undefined) return unknownConversation(event.conversationId);
        return phase === event.phaseId ? null : `conversation "${event.conversationId}" is in phase "${phase}", not "${event.phaseId}"`;
      }
      case 'conversation.ended':
      case 'conversation.rewound':
        return this.conversationPhase.has(event.conversationId) ? null : unknownConversation(event.conversationId);
      case 'turn.started':
        return this.turnStarted(event);
      case 'token':
      case 'reasoning':
      case 'usage':
      case 'retrying':
      case 'turn.ended':
        if (!this.turnsOpen.has(event.turnId)) {
          return `${event.type} for turn "${event.turnId}", which ${this.turnsStarted.has(event.turnId) ? 'has already ended' : 'has not started'}`;
        }
        if (event.type === 'turn.ended') this.turnsOpen.delete(event.turnId);
        return null;
      case 'turn.discarded':
      case 'turn.edited':
      case 'turn.approved':
        return this.turnsStarted.has(event.turnId) && !this.turnsOpen.has(event.turnId)
          ? null
          : `${event.type} for turn "${event.turnId}", which has not ended`;
      case 'customer.message':
        if (this.customerSent.has(event.customerId)) return `customer message "${event.customerId}" is sent a second time`;
        this.customerSent.add(event.customerId);
        return null;
      case 'customer.withdrawn':
        return this.unsent(event.customerIds, 'withdraws');
      default:
        return null;
    }
  }

  private turnStarted(event: EventOf<'turn.started'>): string | null {
    if (this.turnsStarted.has(event.turnId)) return `turn "${event.turnId}" starts a second time`;
    if (event.conversationId !== null && !this.conversationPhase.has(event.conversationId)) return unknownConversation(event.conversationId);
    const problem = this.unsent(event.heard, 'hears') ?? this.deltaProblem(event);
    if (problem) return problem;
    this.turnsStarted.add(event.turnId);
    this.turnsOpen.add(event.turnId);
    this.previousTurn = { turnId: event.turnId, length: event.request.keep + event.request.add.length };
    return null;
  }

  private deltaProblem({ request }: EventOf<'turn.started'>): string | null {
    const previous = this.previousTurn;
    if (request.base === null) return request.keep === 0 ? null : `request.keep is ${request.keep} but request.base is null (nothing to keep)`;
    if (!previous) return `request.base is "${request.base}", but no turn started before`;
    if (request.base !== previous.turnId) return `request.base is "${request.base}", but the turn that started before is "${previous.turnId}"`;
    return request.keep <= previous.length
      ? null
      : `request.keep is ${request.keep}, but the request of turn "${previous.turnId}" has ${previous.length} messages`;
  }

  private unsent(ids: readonly string[], verb: string): string | null {
    const missing = ids.find((id) => !this.customerSent.has(id));
    return missing === undefined ? null : `${verb} customer message "${missing}", which was never sent`;
  }
}

function unknownConversation(id: string): string {
  return `conversation "${id}" is not a conversation of the run's workflow`;
}
