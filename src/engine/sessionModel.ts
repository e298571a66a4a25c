/**
 * The one truth of a session: a pure reducer over the engine's events. The engine changes its state only by
 * emitting an event and applying it here; `--resume` folds the journal with the same function; the views build on
 * it. So a resumed run sends the same next request as the live run would have, by construction.
 */
import type { ResolvedConfig } from '../config/resolve.js';
import type { EngineEvent, EventOf, RunStatus, Side, TurnKind, Usage } from './events.js';
import { customerContent, type ThreadEntry } from './thread.js';

export interface Reply {
  turnId: string;
  text: string;
  side: Side;
  status: 'complete' | 'interrupted';
  endsConversation: boolean;
}

export interface CustomerRecord {
  id: string;
  text: string;
  /** The conversation in progress when it was sent (where the transcript shows it). */
  sentIn: string | null;
  /** The turn whose request carries it; null while it waits for one. */
  heardBy: string | null;
  withdrawn: 'rewind' | 'no-turn-left' | null;
}

export interface TurnRecord {
  turnId: string;
  conversationId: string | null;
  kind: TurnKind;
  side: Side | null;
  role: string | null;
  model: string;
  /** The named endpoint that served it; undefined: the default one. */
  endpoint: string | undefined;
  prompt: string;
  status: 'streaming' | 'complete' | 'interrupted' | 'failed';
  /** Whether its prompt and reply are in the thread. */
  stands: boolean;
  discarded: boolean;
  /** The customer messages its request delivered, as thread entries. */
  heard: ThreadEntry[];
  /** A person wrote the reply (`turn.started.author`), not the model. */
  byPerson: boolean;
  /** Its reply is a draft that waits for the person's approval (`--approve`). */
  draft: boolean;
}

export interface SessionModel {
  started: EventOf<'run.started'> | null;
  config: ResolvedConfig | null;
  thread: readonly ThreadEntry[];
  customers: ReadonlyMap<string, CustomerRecord>;
  /** Customer messages no turn has heard yet, in the order they were sent. */
  waiting: readonly string[];
  produced: ReadonlyMap<string, { text: string; incomplete: boolean }>;
  sanityDone: boolean;
  phasesStarted: ReadonlySet<string>;
  phasesEnded: ReadonlySet<string>;
  conversationsEnded: ReadonlySet<string>;
  /** The conversation in progress (also one stopped by a quit, a budget or a failure) and its standing replies. */
  current: { conversationId: string; replies: readonly Reply[] } | null;
  turns: ReadonlyMap<string, TurnRecord>;
  lastTurnId: string | null;
  turnCounter: number;
  customerCounter: number;
  /** A draft that waits for the person's approval (`--approve`): it is in no thread until `turn.approved`. */
  draft: { turnId: string; text: string } | null;
  /** Usage by turn, with the model that served it, for pricing. */
  usage: ReadonlyArray<{ model: string; endpoint: string | undefined; usage: Usage }>;
  finished: { status: RunStatus; reason: string | null } | null;
  lastSeq: number;
  lastT: number;
  /** The session this one was forked from, and before which of its replies (`run.forked`); null for an original. */
  fork: { parent: string; reply: number } | null;
}

export const emptySession: SessionModel = {
  started: null,
  config: null,
  thread: [],
  customers: new Map(),
  waiting: [],
  produced: new Map(),
  sanityDone: false,
  phasesStarted: new Set(),
  phasesEnded: new Set(),
  conversationsEnded: new Set(),
  current: null,
  turns: new Map(),
  lastTurnId: null,
  turnCounter: 0,
  customerCounter: 0,
  draft: null,
  usage: [],
  finished: null,
  lastSeq: 0,
  lastT: 0,
  fork: null,
};

/** The number in an id like `t12` or `c3`. */
const counter = (id: string) => Number(id.slice(1)) || 0;
const withSet = <T>(set: ReadonlySet<T>, value: T) => new Set(set).add(value);
const withEntry = <K, V>(map: ReadonlyMap<K, V>, key: K, value: V) => new Map(map).set(key, value);

/** Customer messages heard by a turn that left nothing in the thread wait again, in the order they were sent. */
function unhear(model: SessionModel, turn: TurnRecord): Pick<SessionModel, 'customers' | 'waiting'> {
  if (!turn.heard.length) return { customers: model.customers, waiting: model.waiting };
  const customers = new Map(model.customers);
  const back: string[] = [];
  for (const entry of turn.heard) {
    const record = entry.customerId ? customers.get(entry.customerId) : undefined;
    if (record && record.heardBy === turn.turnId) {
      customers.set(record.id, { ...record, heardBy: null });
      back.push(record.id);
    }
  }
  const waiting = [...back, ...model.waiting].sort((a, b) => counter(a) - counter(b));
  return { customers, waiting };
}

/** A reply that stands: its prompt and text (after the customer messages its request carried) enter the thread. */
function standing(
  model: SessionModel,
  at: Pick<SessionModel, 'lastSeq' | 'lastT'>,
  turn: TurnRecord,
  text: string,
  status: 'complete' | 'interrupted' | 'failed',
  endsConversation: boolean,
): SessionModel {
  const thread = [
    ...model.thread,
    ...turn.heard,
    { role: 'user' as const, content: turn.prompt, conversationId: turn.conversationId, turnId: turn.turnId },
    { role: 'assistant' as const, content: text, conversationId: turn.conversationId, turnId: turn.turnId },
  ];
  let { current, sanityDone } = model;
  if (turn.kind === 'sanity') sanityDone = true;
  else if (current && current.conversationId === turn.conversationId && turn.side) {
    const reply: Reply = {
      turnId: turn.turnId,
      text,
      side: turn.side,
      status: status === 'complete' ? 'complete' : 'interrupted',
      endsConversation,
    };
    current = { ...current, replies: [...current.replies, reply] };
  }
  return { ...model, ...at, thread, current, sanityDone, turns: withEntry(model.turns, turn.turnId, turn) };
}

export function reduceSession(model: SessionModel, event: EngineEvent): SessionModel {
  const at = { lastSeq: event.seq, lastT: event.t };
  switch (event.type) {
    case 'run.started':
      return { ...emptySession, ...at, started: event, config: event.config };
    case 'run.resumed':
    case 'run.forked': {
      // A reply the run was killed in the middle of never ended: it is generated again, and hears again.
      let next: SessionModel = { ...model, ...at, finished: null };
      // A fork goes on with its own config, and remembers where it came from.
      if (event.type === 'run.forked') next = { ...next, config: event.config, fork: { parent: event.parent, reply: event.reply } };
      for (const turn of model.turns.values()) {
        if (turn.status !== 'streaming') continue;
        next = { ...next, ...unhear(next, turn), turns: withEntry(next.turns, turn.turnId, { ...turn, status: 'interrupted', discarded: true }) };
      }
      return next;
    }
    case 'config.reloaded':
      return { ...model, ...at, config: event.config };
    case 'phase.started':
      return { ...model, ...at, phasesStarted: withSet(model.phasesStarted, event.phaseId), sanityDone: true };
    case 'phase.ended':
      return { ...model, ...at, phasesEnded: withSet(model.phasesEnded, event.phaseId) };
    case 'conversation.started':
      return { ...model, ...at, current: { conversationId: event.conversationId, replies: [] } };
    case 'conversation.ended': {
      // Stopped by a quit, a budget or a failure: the conversation is where a resume goes on.
      if (event.reason === 'quit' || event.reason === 'budget' || event.reason === 'failed') return { ...model, ...at };
      const produced = event.artifact
        ? withEntry(model.produced, event.artifact.id, { text: event.artifact.text, incomplete: event.artifact.incomplete })
        : model.produced;
      return { ...model, ...at, produced, conversationsEnded: withSet(model.conversationsEnded, event.conversationId), current: null };
    }
    case 'customer.message': {
      const record: CustomerRecord = { id: event.customerId, text: event.text, sentIn: event.conversationId, heardBy: null, withdrawn: null };
      return {
        ...model,
        ...at,
        customers: withEntry(model.customers, record.id, record),
        waiting: [...model.waiting, record.id],
        customerCounter: Math.max(model.customerCounter, counter(record.id)),
      };
    }
    case 'customer.withdrawn': {
      const customers = new Map(model.customers);
      for (const id of event.customerIds) {
        const record = customers.get(id);
        if (record) customers.set(id, { ...record, heardBy: null, withdrawn: event.reason });
      }
      const gone = new Set(event.customerIds);
      return { ...model, ...at, customers, waiting: model.waiting.filter((id) => !gone.has(id)) };
    }
    case 'turn.started': {
      const config = model.config;
      const conversation = config?.workflow.conversations.find((c) => c.id === event.conversationId);
      const customers = new Map(model.customers);
      const heard: ThreadEntry[] = [];
      for (const id of event.heard) {
        const record = customers.get(id);
        if (!record) continue;
        customers.set(id, { ...record, heardBy: event.turnId });
        const content = config ? customerContent(config, record.text, conversation) : record.text;
        heard.push({ role: 'user', content, conversationId: event.conversationId, turnId: event.turnId, customerId: id });
      }
      const heardIds = new Set(event.heard);
      const turn: TurnRecord = {
        turnId: event.turnId,
        conversationId: event.conversationId,
        kind: event.kind,
        side: event.side,
        role: event.role,
        model: event.model,
        endpoint: event.endpoint,
        // The thread keeps the prompt the run built: a request edited before sending counts for its own turn only.
        prompt: (event.original ?? event.request).add.at(-1)?.content ?? '',
        status: 'streaming',
        stands: false,
        discarded: false,
        heard,
        byPerson: event.author === 'person',
        draft: false,
      };
      return {
        ...model,
        ...at,
        customers,
        waiting: model.waiting.filter((id) => !heardIds.has(id)),
        turns: withEntry(model.turns, turn.turnId, turn),
        lastTurnId: turn.turnId,
        turnCounter: Math.max(model.turnCounter, counter(turn.turnId)),
      };
    }
    case 'usage': {
      const turn = model.turns.get(event.turnId);
      return { ...model, ...at, usage: [...model.usage, { model: turn?.model ?? '', endpoint: turn?.endpoint, usage: event.usage }] };
    }
    case 'turn.ended': {
      const turn = model.turns.get(event.turnId);
      if (!turn) return { ...model, ...at };
      const stands = event.status !== 'failed' && event.text !== '';
      if (stands && event.draft) {
        // Heard by the draft, but in no thread until it is accepted; taken back, its customer messages wait again.
        const drafted: TurnRecord = { ...turn, status: event.status, draft: true };
        return { ...model, ...at, draft: { turnId: turn.turnId, text: event.text }, turns: withEntry(model.turns, turn.turnId, drafted) };
      }
      const ended: TurnRecord = { ...turn, status: event.status, stands };
      if (!stands) return { ...model, ...at, ...unhear(model, turn), turns: withEntry(model.turns, turn.turnId, ended) };
      return standing(model, at, ended, event.text, event.status, event.endsConversation);
    }
    case 'turn.approved': {
      const turn = model.turns.get(event.turnId);
      if (!turn || model.draft?.turnId !== turn.turnId) return { ...model, ...at };
      const accepted: TurnRecord = { ...turn, draft: false, stands: true };
      return standing({ ...model, draft: null }, at, accepted, event.text, 'complete', event.endsConversation);
    }
    case 'turn.discarded': {
      const turn = model.turns.get(event.turnId);
      if (!turn) return { ...model, ...at };
      const gone: TurnRecord = { ...turn, stands: false, discarded: true, draft: false };
      const current = model.current && { ...model.current, replies: model.current.replies.filter((r) => r.turnId !== turn.turnId) };
      // A sanity check taken back (regenerated, or cut short by a quit) is asked again, unless a phase has begun.
      const sanityDone = turn.kind === 'sanity' ? model.phasesStarted.size > 0 : model.sanityDone;
      return {
        ...model,
        ...at,
        ...unhear(model, turn),
        sanityDone,
        draft: model.draft?.turnId === turn.turnId ? null : model.draft,
        thread: model.thread.filter((entry) => entry.turnId !== turn.turnId),
        current,
        turns: withEntry(model.turns, turn.turnId, gone),
      };
    }
    case 'turn.edited': {
      const thread = model.thread.map((entry) =>
        entry.turnId === event.turnId && entry.role === 'assistant' ? { ...entry, content: event.text } : entry,
      );
      const current = model.current && {
        ...model.current,
        replies: model.current.replies.map((r) =>
          r.turnId === event.turnId ? { ...r, text: event.text, endsConversation: event.endsConversation } : r,
        ),
      };
      const produced = event.artifact
        ? withEntry(model.produced, event.artifact.id, { text: event.artifact.text, incomplete: event.artifact.incomplete })
        : model.produced;
      return { ...model, ...at, thread, current, produced };
    }
    case 'run.finished':
      return { ...model, ...at, finished: { status: event.status, reason: event.reason } };
    default:
      return { ...model, ...at };
  }
}

export function foldSession(events: Iterable<EngineEvent>, from: SessionModel = emptySession): SessionModel {
  let model = from;
  for (const event of events) model = reduceSession(model, event);
  return model;
}

/** The customer messages of the conversation in progress that a turn heard, newest last. */
export function waitingCustomers(model: SessionModel): CustomerRecord[] {
  return model.waiting.flatMap((id) => model.customers.get(id) ?? []);
}
