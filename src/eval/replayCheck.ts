/**
 * `roleplay check`: a recorded session as a regression test of the templates and the engine. The engine runs again
 * with today's config, on a provider that answers every turn with the reply the recording holds, while a driver
 * repeats what the person did between turns (customer messages, skips, edits, regenerates, rewinds). Each request
 * the engine builds is compared with the recorded one; the first that differs is the answer. No model is called.
 */
import type { ResolvedConfig } from '../config/resolve.js';
import { Engine } from '../engine/engine.js';
import type { EngineEvent, EventOf, RunStatus } from '../engine/events.js';
import { RequestBook } from '../engine/requestDelta.js';
import { ProviderError, type ChatMessage, type ModelRequest, type Provider, type StreamChunk } from '../providers/types.js';

/** One recorded turn whose request the engine must build again. */
interface RecordedTurn {
  turnId: string;
  event: EventOf<'turn.started'>;
  messages: readonly ChatMessage[];
  ended: EventOf<'turn.ended'> | null;
  usage: EventOf<'usage'>['usage'] | null;
  /** What stopped the reply while it streamed, when it was interrupted. */
  stoppedBy: 'user' | 'regenerate' | 'skip' | 'phase' | null;
}

type Action =
  | { kind: 'turn'; turn: RecordedTurn }
  | { kind: 'customer'; text: string }
  | { kind: 'skip'; scope: 'conversation' | 'phase' }
  | { kind: 'edit'; text: string }
  | { kind: 'regenerate' }
  | { kind: 'rewind'; turnId: string };

interface Script {
  started: EventOf<'run.started'>;
  actions: Action[];
  turns: number;
  finished: RunStatus | null;
}

/** What the recording's events say the run did, as actions the driver can repeat, in order. */
function scriptOf(events: readonly EngineEvent[]): Script {
  const first = events[0];
  if (first?.type !== 'run.started') throw new Error('the journal does not start with run.started');
  const book = new RequestBook();
  const actions: Action[] = [];
  const open = new Map<string, RecordedTurn>();
  let finished: RunStatus | null = null;
  let lastEnded: RecordedTurn | null = null;
  for (const event of events) {
    switch (event.type) {
      case 'turn.started': {
        const turn: RecordedTurn = { turnId: event.turnId, event, messages: book.add(event), ended: null, usage: null, stoppedBy: null };
        open.set(event.turnId, turn);
        actions.push({ kind: 'turn', turn });
        lastEnded = null;
        break;
      }
      case 'usage': {
        const turn = open.get(event.turnId);
        if (turn) turn.usage = event.usage;
        break;
      }
      case 'turn.ended': {
        const turn = open.get(event.turnId);
        if (!turn) break;
        turn.ended = event;
        open.delete(event.turnId);
        lastEnded = event.status === 'interrupted' ? turn : null;
        if (event.status === 'interrupted') turn.stoppedBy = 'user';
        break;
      }
      case 'turn.discarded': {
        if (event.reason === 'quit') {
          // Cut short by a quit: a resume asked for the same turn again, and so will the engine.
          removeTurn(actions, event.turnId);
        } else if (event.reason === 'regenerate') {
          if (lastEnded?.turnId === event.turnId) lastEnded.stoppedBy = 'regenerate';
          else actions.push({ kind: 'regenerate' });
        }
        lastEnded = null;
        break;
      }
      case 'conversation.rewound': {
        const to = event.discarded[0];
        if (to) actions.push({ kind: 'rewind', turnId: to });
        lastEnded = null;
        break;
      }
      case 'run.resumed':
        // A turn the kill left open never ended: the resume asked for it again.
        for (const id of open.keys()) removeTurn(actions, id);
        open.clear();
        lastEnded = null;
        break;
      case 'customer.message':
        actions.push({ kind: 'customer', text: event.text });
        break;
      case 'turn.edited':
        actions.push({ kind: 'edit', text: event.text });
        lastEnded = null;
        break;
      case 'conversation.ended':
        if (event.reason === 'skipped' || event.reason === 'phase-skipped') {
          const scope = event.reason === 'skipped' ? 'conversation' : 'phase';
          // `s` while the reply streamed stopped it; the skip follows from that, not from the gate.
          if (lastEnded) lastEnded.stoppedBy = scope === 'phase' ? 'phase' : 'skip';
          else actions.push({ kind: 'skip', scope });
        }
        lastEnded = null;
        break;
      case 'run.finished':
        finished = event.status;
        break;
      default:
        break;
    }
  }
  for (const id of open.keys()) removeTurn(actions, id);
  return { started: first, actions, turns: actions.filter((a) => a.kind === 'turn').length, finished };
}

function removeTurn(actions: Action[], turnId: string): void {
  const at = actions.findIndex((a) => a.kind === 'turn' && a.turn.turnId === turnId);
  if (at !== -1) actions.splice(at, 1);
}

export interface CheckDifference {
  /** 1-based number of the request, in the order the run sends them. */
  request: number;
  /** Where it stands in the run: "turn t5 (Design (Modalities), CPO, reply 2)". */
  where: string;
  /** What differs, a few lines. */
  lines: string[];
}

export interface CheckResult {
  /** Requests that matched (all of them, when nothing differs). */
  matched: number;
  /** Requests the recording holds. */
  recorded: number;
  difference: CheckDifference | null;
  /** How the recorded run ended, or null when it was cut off. */
  recordedStatus: RunStatus | null;
}

/** A provider that answers each turn with the reply the recording holds; `next` is set before each request. */
class RecordedReplies implements Provider {
  readonly label: string;
  next: RecordedTurn | null = null;

  constructor(
    label: string,
    private readonly interrupt: (turn: RecordedTurn) => void,
  ) {
    this.label = label;
  }

  async *stream(_request: ModelRequest, signal: AbortSignal): AsyncIterable<StreamChunk> {
    const turn = this.next;
    this.next = null;
    if (!turn?.ended || signal.aborted) throw new ProviderError('no recorded reply for this request', false);
    const { text, status } = turn.ended;
    if (text) yield { type: 'delta', text };
    if (status === 'failed') throw new ProviderError('the recorded turn failed', false);
    if (turn.usage && !turn.usage.estimated)
      yield { type: 'usage', promptTokens: turn.usage.promptTokens, completionTokens: turn.usage.completionTokens };
    await Promise.resolve();
    if (status === 'interrupted') this.interrupt(turn);
  }
}

/**
 * Runs the recorded session again with `config` and compares every request. `events` is the whole journal, as
 * read by the journal reader.
 */
export async function checkRecording(events: readonly EngineEvent[], config: ResolvedConfig): Promise<CheckResult> {
  const script = scriptOf(events);
  const { started } = script;
  let engine: Engine | null = null;
  const provider = new RecordedReplies(started.provider, (turn) => {
    if (!engine) return;
    if (turn.stoppedBy === 'regenerate') engine.regenerate();
    else if (turn.stoppedBy === 'skip') engine.skipConversation();
    else if (turn.stoppedBy === 'phase') engine.skipPhase();
    else engine.abort();
  });
  const live: Engine = new Engine({
    config,
    provider,
    task: started.task,
    sessionId: started.sessionId,
    model: started.model,
    mode: 'step',
    onFailure: 'pause',
    onBreakpoint: 'log',
    endpoint: started.endpoint,
  });
  engine = live;
  const book = new RequestBook();
  const idOf = new Map<string, string>();
  let cursor = 0;
  let matched = 0;
  let difference: CheckDifference | null = null;
  let awaitingTurn = false;
  /** Gates and turns the engine went through: how the driver tells whether an action of its own was taken up. */
  let moves = 0;
  /** The last pair of turns whose requests were the same. */
  let last: { today: string; recorded: string } | null = null;

  const stop = (found: CheckDifference) => {
    difference ??= found;
    live.quit('check: found a difference');
  };
  const recordedEnd = () => {
    if (script.finished === 'completed') {
      return [`the recorded run completed after ${script.turns} request${script.turns === 1 ? '' : 's'}; today's run asks for one more`];
    }
    return null;
  };

  /** Repeats the person's actions up to the next recorded turn, at the gate before a turn. */
  const drive = () => {
    if (difference || awaitingTurn) return;
    while (cursor < script.actions.length) {
      const action = script.actions[cursor] as Action;
      if (action.kind === 'turn') {
        awaitingTurn = true;
        live.step();
        return;
      }
      cursor++;
      if (action.kind === 'customer') {
        live.intervene(action.text);
        continue;
      }
      const before = moves;
      if (action.kind === 'skip') {
        if (action.scope === 'phase') live.skipPhase();
        else live.skipConversation();
      } else if (action.kind === 'edit') live.edit(action.text);
      else if (action.kind === 'regenerate') live.regenerate();
      else live.rewind(idOf.get(action.turnId) ?? action.turnId);
      // A refused action leaves the gate waiting without a word: go on with the next one. (A regenerate or a rewind
      // lets the turn go at once, without a new wait: then the engine has moved and nothing is left to do here.)
      setImmediate(() => {
        if (moves === before && !difference) drive();
      });
      return;
    }
    // The recording ends here.
    const more = recordedEnd();
    if (more) stop({ request: matched + 1, where: 'after the last recorded request', lines: more });
    else live.quit('check: the recording ends here');
  };

  live.subscribe((event) => {
    if (event.type === 'waiting') {
      moves++;
      // The engine waits at a gate: whatever was asked of it before is behind it.
      awaitingTurn = false;
      drive();
      return;
    }
    if (event.type !== 'turn.started') return;
    moves++;
    awaitingTurn = false;
    const messages = book.add(event);
    if (difference) return;
    // Actions the engine went past without a gate (a regenerate lets the turn go at once) are behind it now.
    while (cursor < script.actions.length && script.actions[cursor]?.kind !== 'turn') cursor++;
    const action = script.actions[cursor];
    const request = matched + 1;
    if (action?.kind !== 'turn') {
      const lines = recordedEnd() ?? [`the recording stops after ${script.turns} requests`];
      stop({ request, where: describeTurn(event, config), lines });
      return;
    }
    cursor++;
    const recorded = action.turn;
    idOf.set(recorded.turnId, event.turnId);
    // Both requests are stored as deltas on the request before: when those two were the pair just found the same,
    // the messages both keep from them are the same too, and only the rest is compared.
    const known =
      last && event.request.base === last.today && recorded.event.request.base === last.recorded
        ? Math.min(event.request.keep, recorded.event.request.keep)
        : 0;
    const lines = compareRequests(recorded, event, messages, known);
    if (lines.length) {
      stop({ request, where: describeTurn(recorded.event, started.config), lines });
      return;
    }
    matched++;
    last = { today: event.turnId, recorded: recorded.turnId };
    provider.next = recorded;
  });

  const result = await live.run();
  if (!difference && matched < script.turns) {
    const next = script.actions.slice(cursor).find((a): a is Extract<Action, { kind: 'turn' }> => a.kind === 'turn');
    difference = {
      request: matched + 1,
      where: next ? describeTurn(next.turn.event, started.config) : 'the end of the run',
      lines: [
        `today's run ${result.status === 'completed' ? 'ends' : `stops (${result.reason ?? result.status})`} after ${matched} request${matched === 1 ? '' : 's'}; the recording has ${script.turns}`,
      ],
    };
  }
  return { matched, recorded: script.turns, difference, recordedStatus: script.finished };
}

/** "turn t5 (Design (Modalities), CPO, reply 2)", or "turn t1 (the sanity check)". */
function describeTurn(event: EventOf<'turn.started'>, config: ResolvedConfig): string {
  if (event.kind === 'sanity') return `turn ${event.turnId} (the sanity check)`;
  const { conversations, roles } = config.workflow;
  const conversation = conversations.find((c) => c.id === event.conversationId)?.name ?? event.conversationId ?? '?';
  const role = roles.find((r) => r.id === event.role)?.name ?? event.role ?? '?';
  return `turn ${event.turnId} (${conversation}, ${role}, reply ${event.index + 1})`;
}

/** The lines that say how today's request differs from the recorded one; none when they are the same. */
function compareRequests(recorded: RecordedTurn, today: EventOf<'turn.started'>, messages: readonly ChatMessage[], known = 0): string[] {
  const was = recorded.event;
  const lines: string[] = [];
  if (was.conversationId !== today.conversationId || was.kind !== today.kind || was.role !== today.role || was.index !== today.index) {
    lines.push(`recorded for ${shortTurn(was)}, today for ${shortTurn(today)}`);
  }
  if (was.model !== today.model) lines.push(`model: recorded ${JSON.stringify(was.model)}, today ${JSON.stringify(today.model)}`);
  if (was.temperature !== today.temperature) {
    lines.push(`temperature: recorded ${String(was.temperature ?? 'default')}, today ${String(today.temperature ?? 'default')}`);
  }
  const before = recorded.messages;
  const count = Math.max(before.length, messages.length);
  for (let i = known; i < count; i++) {
    const a = before[i];
    const b = messages[i];
    if (a && b && a.role === b.role && a.content === b.content) continue;
    const of = `message ${i + 1} of ${messages.length} (recorded: ${before.length})`;
    if (!a) lines.push(`${of}: today's request has an extra ${b?.role} message`, `+ ${clip(b?.content ?? '', 0)}`);
    else if (!b) lines.push(`${of}: today's request lacks the recorded ${a.role} message`, `- ${clip(a.content, 0)}`);
    else if (a.role !== b.role) lines.push(`${of}: role: recorded ${a.role}, today ${b.role}`);
    else lines.push(...textDiff(of, a.content, b.content));
    break;
  }
  return lines;
}

function shortTurn(event: EventOf<'turn.started'>): string {
  return event.kind === 'sanity' ? 'the sanity check' : `${event.conversationId ?? '?'} ${event.role ?? '?'} reply ${event.index + 1}`;
}

/** The first line that differs between two texts, each shown around where they part. */
function textDiff(of: string, was: string, now: string): string[] {
  const a = was.split('\n');
  const b = now.split('\n');
  let line = 0;
  while (line < a.length && line < b.length && a[line] === b[line]) line++;
  const left = a[line];
  const right = b[line];
  let column = 0;
  if (left !== undefined && right !== undefined) while (column < left.length && column < right.length && left[column] === right[column]) column++;
  const shown = (text: string | undefined) => (text === undefined ? '(no such line)' : text === '' ? '(an empty line)' : clip(text, column));
  return [`${of}, line ${line + 1}:`, `- ${shown(left)}`, `+ ${shown(right)}`];
}

/** A line cut to about 100 characters around `column`, with every control character shown escaped. */
function clip(text: string, column: number): string {
  const width = 100;
  const start = Math.max(0, Math.min(column - 30, text.length - width));
  const cut = text.slice(start, start + width);
  const safe = JSON.stringify(cut).slice(1, -1);
  return `${start > 0 ? '…' : ''}${safe}${start + width < text.length ? '…' : ''}`;
}
