/**
 * What the views show of a run: the session model (the same fold the engine and `--resume` use, so a view can
 * never disagree with what the model was sent) plus what only a view needs: streaming text, activity, timings and
 * totals. Views (the TUI, the headless view, transcript.md, export) fold events into it with `applyEvent`. The
 * view's part mutates in place so a token costs O(1); views track changes with `version`.
 */
import type {
  ConversationEndReason,
  EngineEvent,
  Hold,
  Mode,
  NextTurn,
  ReplyFinish,
  RunStatus,
  Side,
  TurnKind,
  Usage,
  WorkflowOutline,
} from '../engine/events.js';
import { formatUsdAmount } from '../text/formatDuration.js';
import { emptySession, reduceSession, type CustomerRecord, type SessionModel } from '../engine/sessionModel.js';

/**
 * The key views total usage under: the model id, or for a named endpoint its name and the model id apart (a tab
 * is in neither), so that each is priced as it was served.
 */
export function usageKey(model: string, endpoint: string | undefined): string {
  return endpoint === undefined ? model : `${endpoint}\t${model}`;
}

export function fromUsageKey(key: string): { model: string; endpoint: string | undefined } {
  const tab = key.indexOf('\t');
  return tab < 0 ? { model: key, endpoint: undefined } : { endpoint: key.slice(0, tab), model: key.slice(tab + 1) };
}

export type ConversationStatus = 'pending' | 'active' | 'done' | 'turn-limit' | 'skipped' | 'quit' | 'budget' | 'failed';

export interface TurnView {
  turnId: string;
  conversationId: string | null;
  kind: TurnKind;
  role: string | null;
  side: Side | null;
  index: number;
  model: string;
  /** The named endpoint that served the turn; undefined: the default one. */
  endpoint: string | undefined;
  text: string;
  /**
   * How `text` grew while the reply streamed: the pieces added to it (a token each) since it was last set whole,
   * and how many times it was set whole. A view that lays out the growing reply reads only the pieces it has not
   * seen yet and never all of `text`, which V8 would copy whole (flatten) every frame. Emptied when the turn ends.
   */
  growth: { pieces: string[]; resets: number };
  /** The model's thinking, apart from the reply ('' for none). */
  reasoning: string;
  /** Set when the reply is not whole: cut off, filtered, refused (`turn.ended.finish`). */
  finish: ReplyFinish | null;
  status: 'streaming' | 'complete' | 'interrupted' | 'failed';
  speaker: string | null;
  usage: Usage | null;
  durationMs: number | null;
  firstTokenMs: number | null;
  retry: { attempt: number; maxAttempts: number; delayMs: number; reason: string; at: number } | null;
  warnings: string[];
  discarded: boolean;
  /** True once the user replaced the reply's text (`turn.edited`). */
  edited: boolean;
  /** A person wrote the reply (a seat they play), not the model. */
  byPerson: boolean;
  /** `draft`: the reply waits for the person's approval (`--approve`); `accepted`/`edited`: what they did with it. */
  approval: 'draft' | 'accepted' | 'edited' | null;
  /** The person edited the request before it was sent (a `request:` breakpoint). */
  requestEdited: boolean;
  /** How many replies in this place were taken back with `r` before this one. */
  regenerations: number;
  /** Taken back with `r`: the next reply in its place is its regeneration. */
  regeneratedAway: boolean;
  startedAt: number;
}

export type TranscriptItem = { kind: 'turn'; turnId: string } | { kind: 'customer'; customerId: string; text: string };

export interface ConversationView {
  id: string;
  name: string;
  phaseId: string;
  lead: string;
  assistant: string;
  input: string;
  output: string;
  maxTurns: number;
  status: ConversationStatus;
  turns: number;
  items: TranscriptItem[];
  endReason: ConversationEndReason | null;
  /** How many times the conversation was rewound (`conversation.rewound`). */
  rewinds: number;
}

export type Activity = 'starting' | 'generating' | 'waiting' | 'paused' | 'retrying' | 'done';

export interface RunState {
  version: number;
  /** The session model, folded from the same events by the same reducer as the engine's. */
  session: SessionModel;
  sessionId: string;
  task: string;
  provider: string;
  model: string;
  mode: Mode;
  context: 'thread' | 'scoped' | 'server';
  workflow: WorkflowOutline | null;
  conversations: Map<string, ConversationView>;
  turns: Map<string, TurnView>;
  /** Turns outside any conversation (the sanity check) and customer messages sent before the first one. */
  preamble: TranscriptItem[];
  activeConversationId: string | null;
  activeTurnId: string | null;
  /** The turn that started last, still set after it ends. */
  lastTurnId: string | null;
  activity: Activity;
  /** What the run waits for, each reason on its own; null while it goes. */
  waiting: { holds: Hold[]; next: NextTurn } | null;
  finished: { status: RunStatus; reason: string | null } | null;
  totals: {
    promptTokens: number;
    completionTokens: number;
    estimated: boolean;
    /** Replies that stand: not failed, not stopped before their first word, not taken back. */
    turns: number;
    /** Time spent generating, summed over turns. */
    durationMs: number;
    /** Usage per model, so a view can price it without walking every turn. */
    byModel: Map<string, Usage>;
  };
  /** Bumped when a finished turn changes (discarded or edited), so views caching laid-out transcripts rebuild them. */
  revision: number;
  /** The artifacts produced so far: the session model's. */
  artifacts: ReadonlyMap<string, { text: string; incomplete: boolean }>;
  warnings: Array<{ code: string; message: string; turnId?: string | undefined }>;
  /** How many warnings there were when the last turn started: the ones after are news. */
  warningsBeforeTurn: number;
  /** The config's own prices (USD per 1M tokens by model), on top of the built-in table. */
  prices: Record<string, { input: number; output: number }>;
  lastError: string | null;
  /** Every warning, error and breakpoint of the run, in order, for the message log. */
  log: Array<{ kind: 'warning' | 'error' | 'breakpoint' | 'budget'; text: string; t: number }>;
}

export function createRunState(): RunState {
  return {
    version: 0,
    session: emptySession,
    sessionId: '',
    task: '',
    provider: '',
    model: '',
    mode: 'step',
    context: 'thread',
    workflow: null,
    conversations: new Map(),
    turns: new Map(),
    preamble: [],
    activeConversationId: null,
    activeTurnId: null,
    lastTurnId: null,
    activity: 'starting',
    waiting: null,
    finished: null,
    totals: { promptTokens: 0, completionTokens: 0, estimated: false, turns: 0, durationMs: 0, byModel: new Map() },
    revision: 0,
    artifacts: emptySession.produced,
    warnings: [],
    warningsBeforeTurn: 0,
    prices: {},
    lastError: null,
    log: [],
  };
}

const END_STATUS: Record<ConversationEndReason, ConversationStatus> = {
  'end-marker': 'done',
  'turn-limit': 'turn-limit',
  skipped: 'skipped',
  'phase-skipped': 'skipped',
  quit: 'quit',
  budget: 'budget',
  failed: 'failed',
};

function itemsFor(state: RunState, conversationId: string | null): TranscriptItem[] {
  return (conversationId && state.conversations.get(conversationId)?.items) || state.preamble;
}

/** The reply's text set whole (not grown by a token): what a view kept of its growth no longer holds. */
function setText(turn: TurnView, text: string): void {
  turn.text = text;
  turn.growth = { pieces: [], resets: turn.growth.resets + 1 };
}

export function applyEvent(state: RunState, event: EngineEvent): RunState {
  state.version++;
  // A token changes no fact of the session model (only its position in the journal): skipping it keeps a token O(1).
  if (event.type !== 'token' && event.type !== 'reasoning') {
    state.session = reduceSession(state.session, event);
    state.artifacts = state.session.produced;
  }
  switch (event.type) {
    case 'run.started': {
      Object.assign(state, {
        sessionId: event.sessionId,
        task: event.task,
        provider: event.provider,
        model: event.model,
        mode: event.mode,
        context: event.context,
        workflow: event.workflow,
        prices: event.config?.prices ?? {},
      });
      for (const phase of event.workflow.phases) {
        for (const c of phase.conversations) {
          state.conversations.set(c.id, {
            ...c,
            phaseId: phase.id,
            status: 'pending',
            turns: 0,
            items: [],
            endReason: null,
            rewinds: 0,
          });
        }
      }
      break;
    }
    case 'run.resumed':
    case 'run.forked':
      Object.assign(state, { provider: event.provider, model: event.model, mode: event.mode, finished: null, activity: 'starting' });
      if (event.type === 'run.forked')
        Object.assign(state, { sessionId: event.sessionId, context: event.config.context, prices: event.config.prices });
      // A reply the run was killed in the middle of never ended: the resume generates it again.
      for (const turn of state.turns.values()) {
        if (turn.status === 'streaming') Object.assign(turn, { status: 'interrupted', discarded: true });
      }
      state.activeTurnId = null;
      state.revision++;
      // The conversation a quit, a budget or a failure stopped goes on.
      if (state.session.current) {
        const conv = state.conversations.get(state.session.current.conversationId);
        if (conv) Object.assign(conv, { status: 'active', endReason: null });
        state.activeConversationId = state.session.current.conversationId;
      }
      break;
    case 'conversation.started': {
      const conv = state.conversations.get(event.conversationId);
      if (conv) conv.status = 'active';
      state.activeConversationId = event.conversationId;
      break;
    }
    case 'conversation.ended': {
      const conv = state.conversations.get(event.conversationId);
      if (conv) {
        conv.status = END_STATUS[event.reason];
        conv.endReason = event.reason;
        conv.turns = event.turns;
      }
      break;
    }
    case 'phase.ended': {
      if (event.skipped) {
        const phase = state.workflow?.phases.find((p) => p.id === event.phaseId);
        for (const c of phase?.conversations ?? []) {
          const conv = state.conversations.get(c.id);
          if (conv?.status === 'pending') conv.status = 'skipped';
        }
      }
      break;
    }
    case 'turn.started': {
      state.turns.set(event.turnId, {
        turnId: event.turnId,
        conversationId: event.conversationId,
        kind: event.kind,
        role: event.role,
        side: event.side,
        index: event.index,
        model: event.model,
        endpoint: event.endpoint,
        text: '',
        growth: { pieces: [], resets: 0 },
        reasoning: '',
        finish: null,
        status: 'streaming',
        speaker: null,
        usage: null,
        durationMs: null,
        firstTokenMs: null,
        retry: null,
        warnings: [],
        discarded: false,
        edited: false,
        byPerson: event.author === 'person',
        approval: null,
        requestEdited: event.original !== undefined,
        regenerations: 0,
        regeneratedAway: false,
        startedAt: event.t,
      });
      const items = itemsFor(state, event.conversationId);
      // A reply stopped before its first word, asked for again: the new attempt takes its place in the views.
      for (const item of items) {
        const before = item.kind === 'turn' ? state.turns.get(item.turnId) : undefined;
        if (
          before &&
          !before.discarded &&
          before.status === 'interrupted' &&
          !before.text &&
          before.index === event.index &&
          before.kind === event.kind
        ) {
          before.discarded = true;
          state.revision++;
        }
      }
      // A reply regenerated in this place (`r`): the new one counts the ones it replaces.
      const newTurn = state.turns.get(event.turnId);
      for (const item of items) {
        const before = item.kind === 'turn' ? state.turns.get(item.turnId) : undefined;
        if (newTurn && before?.regeneratedAway && before.index === event.index && before.kind === event.kind) {
          newTurn.regenerations = Math.max(newTurn.regenerations, before.regenerations + 1);
        }
      }
      items.push({ kind: 'turn', turnId: event.turnId });
      state.warningsBeforeTurn = state.warnings.length;
      state.activeTurnId = event.turnId;
      state.lastTurnId = event.turnId;
      state.activity = 'generating';
      state.waiting = null;
      break;
    }
    case 'token': {
      const turn = state.turns.get(event.turnId);
      if (turn) {
        turn.text += event.text;
        turn.growth.pieces.push(event.text);
        turn.retry = null;
      }
      if (state.activity === 'retrying') state.activity = 'generating';
      break;
    }
    case 'reasoning': {
      const turn = state.turns.get(event.turnId);
      if (turn) {
        turn.reasoning += event.text;
        turn.retry = null;
      }
      if (state.activity === 'retrying') state.activity = 'generating';
      break;
    }
    case 'retrying': {
      const turn = state.turns.get(event.turnId);
      if (turn) {
        setText(turn, '');
        turn.reasoning = '';
        turn.retry = { attempt: event.attempt, maxAttempts: event.maxAttempts, delayMs: event.delayMs, reason: event.reason, at: event.t };
      }
      state.activity = 'retrying';
      break;
    }
    case 'usage': {
      const turn = state.turns.get(event.turnId);
      if (turn) turn.usage = event.usage;
      state.totals.promptTokens += event.usage.promptTokens;
      state.totals.completionTokens += event.usage.completionTokens;
      state.totals.estimated ||= event.usage.estimated;
      if (turn) {
        const key = usageKey(turn.model, turn.endpoint);
        const sum = state.totals.byModel.get(key) ?? { promptTokens: 0, completionTokens: 0, estimated: false };
        sum.promptTokens += event.usage.promptTokens;
        sum.completionTokens += event.usage.completionTokens;
        sum.estimated ||= event.usage.estimated;
        state.totals.byModel.set(key, sum);
      }
      break;
    }
    case 'turn.ended': {
      const turn = state.turns.get(event.turnId);
      if (turn) {
        setText(turn, event.text);
        Object.assign(turn, {
          reasoning: event.reasoning ?? turn.reasoning,
          finish: event.finish ?? null,
          status: event.status,
          speaker: event.speaker,
          durationMs: event.durationMs,
          firstTokenMs: event.firstTokenMs,
          retry: null,
          approval: event.draft ? 'draft' : null,
        });
        const conv = turn.conversationId ? state.conversations.get(turn.conversationId) : undefined;
        if (conv && event.status !== 'failed') conv.turns = turn.index + 1;
      }
      // Replies that stand: a failed turn, or one stopped before its first word, left none.
      if (event.status !== 'failed' && event.text) state.totals.turns++;
      state.totals.durationMs += event.durationMs;
      state.activeTurnId = null;
      state.activity = 'waiting';
      break;
    }
    case 'turn.discarded': {
      const turn = state.turns.get(event.turnId);
      if (turn) {
        if (!turn.discarded && turn.status !== 'failed' && turn.status !== 'streaming' && turn.text) state.totals.turns--;
        turn.discarded = true;
        turn.regeneratedAway = event.reason === 'regenerate';
        state.revision++;
        const conv = turn.conversationId ? state.conversations.get(turn.conversationId) : undefined;
        if (conv) conv.turns = turn.index;
      }
      break;
    }
    case 'turn.approved': {
      const turn = state.turns.get(event.turnId);
      if (turn) {
        setText(turn, event.text);
        turn.approval = event.edited ? 'edited' : 'accepted';
        turn.edited ||= event.edited;
        state.revision++;
      }
      break;
    }
    case 'turn.edited': {
      const turn = state.turns.get(event.turnId);
      if (turn) {
        setText(turn, event.text);
        turn.edited = true;
        state.revision++;
      }
      break;
    }
    case 'conversation.rewound': {
      const conv = state.conversations.get(event.conversationId);
      if (conv) conv.rewinds++;
      break;
    }
    case 'config.reloaded':
      // Shown on the role line like a run-wide warning, but as news, not a problem.
      state.warnings.push({ code: 'config-reloaded', message: `config reloaded: ${event.changed.join(', ') || 'nothing changed'}` });
      state.prices = event.config.prices ?? {};
      for (const c of event.config.workflow.conversations) {
        const view = state.conversations.get(c.id);
        if (view) view.maxTurns = c.maxTurns;
      }
      break;
    case 'customer.message':
      itemsFor(state, event.conversationId).push({ kind: 'customer', customerId: event.customerId, text: event.text });
      break;
    case 'customer.withdrawn':
      state.revision++;
      break;
    case 'mode.changed':
      state.mode = event.mode;
      break;
    case 'waiting':
      state.waiting = { holds: event.holds, next: event.next };
      state.activity = event.holds.some((h) => h.kind !== 'step') ? 'paused' : 'waiting';
      break;
    case 'resumed':
      state.waiting = null;
      // A replay paused mid-reply goes on with that reply.
      state.activity = state.activeTurnId ? 'generating' : 'waiting';
      break;
    case 'warning': {
      state.warnings.push({ code: event.code, message: event.message, turnId: event.turnId });
      state.log.push({ kind: 'warning', text: event.message, t: event.t });
      const turn = event.turnId ? state.turns.get(event.turnId) : undefined;
      turn?.warnings.push(event.message);
      break;
    }
    case 'error':
      state.lastError = event.message;
      state.log.push({ kind: 'error', text: event.message, t: event.t });
      break;
    case 'breakpoint':
      state.log.push({ kind: 'breakpoint', text: `Breakpoint ${event.spec}: ${event.message}`, t: event.t });
      break;
    case 'budget.reached':
      state.log.push({ kind: 'budget', text: holdText({ kind: 'budget', spentUsd: event.spentUsd, maxUsd: event.maxUsd }), t: event.t });
      break;
    case 'run.finished':
      state.finished = { status: event.status, reason: event.reason };
      state.activity = 'done';
      state.waiting = null;
      state.activeTurnId = null;
      break;
    case 'phase.started':
      break;
  }
  return state;
}

/** The sanity check's turn, if the run has one: its answer is the first thing a run learns about its model. */
export function sanityTurn(state: RunState): TurnView | undefined {
  for (const item of state.preamble) {
    const turn = item.kind === 'turn' ? state.turns.get(item.turnId) : undefined;
    if (turn?.kind === 'sanity' && !turn.discarded) return turn;
  }
  return undefined;
}

export function nameOf(state: RunState, kind: 'roles' | 'artifacts', id: string | null): string {
  if (!id) return '';
  return state.workflow?.[kind].find((x) => x.id === id)?.name ?? id;
}

/** Why a customer message was withdrawn, as the views say it. */
export const WITHDRAWN: Record<'rewind' | 'no-turn-left', string> = {
  rewind: 'it came after the turn rewound to, so no model heard it',
  'no-turn-left': 'no turn was left to hear it',
};

/**
 * What became of a customer message, in words, for documents: null when a turn heard it, else why none did (yet).
 */
export function customerNote(state: RunState, customerId: string): string | null {
  const fate = customerFate(state, customerId);
  if (!fate) return null;
  switch (customerStatus(state, customerId)) {
    case 'withdrawn':
      return `withdrawn: ${WITHDRAWN[fate.withdrawn ?? 'rewind']}`;
    case 'waiting':
      return 'not heard yet: the next turn (or a --resume) delivers it';
    case 'heard':
      return null;
  }
}

/**
 * `heard` once a reply that ended carries the message (one still streaming, or cut off by a crash, does not yet);
 * `withdrawn` when no turn will; `waiting` otherwise.
 */
export function customerStatus(state: RunState, customerId: string): 'heard' | 'waiting' | 'withdrawn' {
  const fate = customerFate(state, customerId);
  if (fate?.withdrawn) return 'withdrawn';
  const turn = fate?.heardBy ? state.session.turns.get(fate.heardBy) : undefined;
  return turn !== undefined && turn.status !== 'streaming' ? 'heard' : 'waiting';
}

/** What became of a customer message: waiting for a turn, heard by one, or withdrawn. */
export function customerFate(state: RunState, customerId: string): CustomerRecord | undefined {
  return state.session.customers.get(customerId);
}

/** One line per hold, for the views: why the run waits. */
export function holdText(hold: Hold): string {
  switch (hold.kind) {
    case 'step':
      return 'step mode: space sends the next turn';
    case 'breakpoint':
      return `Breakpoint ${hold.spec}: ${hold.message}`;
    case 'budget':
      return `Budget of ${formatUsdAmount(hold.maxUsd)} reached (${formatUsdAmount(hold.spentUsd)} spent): space goes on anyway`;
    case 'failure':
    case 'stopped':
      return hold.message;
    case 'person':
      return `Your turn as ${hold.name}: write the reply (enter opens it, h hands the seat back to the model)`;
    case 'request':
      return `Breakpoint ${hold.spec}: the request of ${hold.name} waits: e edits it, space sends it as it is`;
    case 'approval':
      return `${hold.name}'s reply is a draft: space accepts it, e edits it, r regenerates it`;
  }
}

/** How the views mark a reply that is not whole, the same words everywhere. */
export const FINISH_MARKS: Record<ReplyFinish, string> = {
  length: "cut off: the server's token limit",
  content_filter: "filtered: the server's content filter stopped it",
  refusal: 'refused: the model declined the turn',
  'size-limit': 'cut off: the reply size limit (--max-reply-chars)',
};
