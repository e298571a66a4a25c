/**
 * Rebuilds where a run stood from its journal alone: the thread, the artifacts so far, and the position
 * (which conversations ended, and the replies of the one in progress). A turn that never ended (a crash,
 * `kill -9` mid-reply) is left out, so it is generated again; a completed turn is neither lost nor repeated.
 */
import type { ResolvedConfig } from '../config/resolve.js';
import type { EngineEvent, EventOf, Side } from './events.js';
import { hasEndMarker } from './protocol.js';
import { customerMessage, type ThreadEntry } from './requestBuilder.js';

export interface ResumedReply {
  turnId: string;
  /** The START, SWITCH or sanity message that asked for this reply. */
  prompt: string;
  text: string;
  side: Side;
  status: 'complete' | 'interrupted';
  endsConversation: boolean;
}

export interface ResumePoint {
  /** The events already in the journal, for views to fold before new ones arrive. */
  history: EngineEvent[];
  started: EventOf<'run.started'>;
  config: ResolvedConfig;
  thread: ThreadEntry[];
  produced: Map<string, { text: string; incomplete: boolean }>;
  sanityDone: boolean;
  startedPhases: Set<string>;
  endedPhases: Set<string>;
  endedConversations: Set<string>;
  /** The conversation that was in progress, with its replies so far. */
  current: { conversationId: string; replies: ResumedReply[] } | undefined;
  customerSinceReply: string[];
  lastSeq: number;
  lastT: number;
  turnCounter: number;
  finished: EventOf<'run.finished'> | undefined;
  /** USD spent so far, priced the way the new run prices turns. */
  spent(costOf?: (model: string, usage: EventOf<'usage'>['usage']) => number | undefined): number;
}

export class ResumeError extends Error {}

export function resumePoint(history: EngineEvent[]): ResumePoint {
  const started = history.find((e): e is EventOf<'run.started'> => e.type === 'run.started');
  if (!started) throw new ResumeError('the journal has no run.started event');
  if (!started.config) throw new ResumeError('the journal was written by an older roleplay and holds no config');
  // Journals written before a field existed lack it: fill in its default.
  let config: ResolvedConfig = { ...started.config, breakpoints: started.config.breakpoints ?? [], prices: started.config.prices ?? {} };
  const conversations = new Map(config.workflow.conversations.map((c) => [c.id, c]));
  const point: ResumePoint = {
    history,
    started,
    config,
    thread: [],
    produced: new Map(),
    sanityDone: false,
    startedPhases: new Set(),
    endedPhases: new Set(),
    endedConversations: new Set(),
    current: undefined,
    customerSinceReply: [],
    lastSeq: 0,
    lastT: 0,
    turnCounter: 0,
    finished: undefined,
    spent: (costOf) =>
      costOf
        ? history.reduce((sum, e) => {
            if (e.type !== 'usage') return sum;
            const model = turnStarts.get(e.turnId)?.model;
            return sum + ((model && costOf(model, e.usage)) || 0);
          }, 0)
        : 0,
  };
  const turnStarts = new Map<string, EventOf<'turn.started'>>();
  for (const event of history) {
    point.lastSeq = Math.max(point.lastSeq, event.seq);
    point.lastT = Math.max(point.lastT, event.t);
    switch (event.type) {
      case 'phase.started':
        point.startedPhases.add(event.phaseId);
        break;
      case 'phase.ended':
        point.endedPhases.add(event.phaseId);
        break;
      case 'conversation.started':
        point.current = { conversationId: event.conversationId, replies: [] };
        break;
      case 'conversation.ended':
        // A conversation cut short by a quit (Ctrl+C, a budget) or a failure is where the resume picks up.
        if (event.reason === 'quit' || event.reason === 'failed') break;
        point.endedConversations.add(event.conversationId);
        if (event.artifact) point.produced.set(event.artifact.id, { text: event.artifact.text, incomplete: event.artifact.incomplete });
        point.current = undefined;
        break;
      case 'customer.message':
        point.thread.push({
          role: 'user',
          content: customerMessage(config, event.text, event.conversationId ? conversations.get(event.conversationId) : undefined),
          conversationId: event.conversationId,
          customer: event.text,
        });
        break;
      case 'turn.started': {
        turnStarts.set(event.turnId, event);
        const n = Number(event.turnId.replace(/^t/, ''));
        if (Number.isFinite(n)) point.turnCounter = Math.max(point.turnCounter, n);
        break;
      }
      case 'turn.ended': {
        const start = turnStarts.get(event.turnId);
        if (!start || !event.text || (event.status !== 'complete' && event.status !== 'interrupted')) break;
        const prompt = start.request.at(-1)?.content ?? '';
        point.thread.push(
          { role: 'user', content: prompt, conversationId: start.conversationId, turnId: event.turnId },
          { role: 'assistant', content: event.text, conversationId: start.conversationId, turnId: event.turnId },
        );
        if (start.kind === 'sanity') point.sanityDone = true;
        else if (point.current && start.conversationId === point.current.conversationId && start.side) {
          point.current.replies.push({
            turnId: event.turnId,
            prompt,
            text: event.text,
            side: start.side,
            status: event.status,
            endsConversation: event.endsConversation,
          });
        }
        break;
      }
      case 'turn.discarded':
        point.thread = point.thread.filter((entry) => entry.turnId !== event.turnId);
        if (point.current) point.current.replies = point.current.replies.filter((r) => r.turnId !== event.turnId);
        break;
      case 'run.finished':
        point.finished = event;
        break;
      case 'config.reloaded':
        config = { ...event.config, breakpoints: event.config.breakpoints ?? [], prices: event.config.prices ?? {} };
        point.config = config;
        break;
      case 'turn.edited':
        for (const entry of point.thread) {
          if (entry.turnId === event.turnId && entry.role === 'assistant') entry.content = event.text;
        }
        for (const reply of point.current?.replies ?? []) {
          if (reply.turnId === event.turnId) {
            reply.text = event.text;
            reply.endsConversation = reply.status === 'complete' && hasEndMarker(event.text);
          }
        }
        break;
      default:
        break;
    }
  }
  // What the customer said after the last reply that stands is news to the next one.
  const lastReply = point.thread.findLastIndex((entry) => entry.turnId !== undefined);
  point.customerSinceReply = point.thread.slice(lastReply + 1).flatMap((entry) => (entry.customer === undefined ? [] : [entry.customer]));
  // Any conversation started counts as past the sanity check, even if the check itself was skipped.
  if (point.startedPhases.size > 0) point.sanityDone = true;
  return point;
}
