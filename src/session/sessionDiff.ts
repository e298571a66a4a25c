/**
 * Two recorded runs side by side, turn by turn (`roleplay diff a b`, the TUI's compare view): their replies aligned
 * by phase, conversation, kind and place in the conversation, and for each pair what changed in the request sent
 * (messages added, changed, removed) and in the reply, with tokens, cost and latency of both. Any two sessions
 * compare, forks of one another or not. The alignment and the text differences are jsdiff's (`diff`).
 */
import { diffArrays, diffLines } from 'diff';
import type { EngineEvent, TurnKind, Usage } from '../engine/events.js';
import { RequestBook } from '../engine/requestDelta.js';
import type { ChatMessage } from '../providers/types.js';
import { nameOf } from '../views/runState.js';
import { pricer } from './pricing.js';
import { foldEvents } from './sessionStore.js';

export const DIFF_FORMAT = 'roleplay-diff';
export const DIFF_VERSION = 1;

/** One reply of a run, with what was sent for it and what it cost. */
export interface DiffTurn {
  /** Its number in the run, from 1 (see fork.ts). */
  number: number;
  turnId: string;
  /** What it is aligned by: phase, conversation, kind and 0-based place in the conversation. */
  key: string;
  phase: string | null;
  conversation: string | null;
  kind: TurnKind;
  index: number;
  role: string | null;
  model: string;
  status: string;
  request: readonly ChatMessage[];
  reply: string;
  usage: Usage | null;
  costUsd: number | null;
  durationMs: number | null;
  firstTokenMs: number | null;
}

export interface RunFacts {
  id: string;
  model: string;
  replies: number;
  tokens: { prompt: number; completion: number };
  costUsd: number | null;
  durationMs: number;
}

export interface MessageChange {
  change: 'added' | 'removed' | 'changed';
  /** 1-based place in a's request (removed, changed) and in b's (added, changed). */
  a: number | null;
  b: number | null;
  role: string;
  /** For a changed message: its lines, each marked ` `, `-` or `+`. */
  lines?: string[];
  /** For an added or removed message: its text. */
  text?: string;
}

export interface TurnPair {
  /** Where it stands in the workflow, e.g. `Design › Brainstorm, reply 2 (CPO)`. */
  where: string;
  key: string;
  a: DiffTurn | null;
  b: DiffTurn | null;
  same: boolean;
  /** Empty when the requests are the same. */
  request: MessageChange[];
  modelChanged: boolean;
  /** The reply's lines marked ` `, `-`, `+`; null when the replies are the same (or one side has none). */
  reply: string[] | null;
}

export interface SessionDiff {
  a: RunFacts;
  b: RunFacts;
  same: boolean;
  /** The index in `turns` of the first pair that differs. */
  firstDifference: number | null;
  turns: TurnPair[];
}

/** The replies of a journal in run order, as `numberReplies` numbers them, with their requests resolved. */
function diffTurns(events: readonly EngineEvent[]): { turns: DiffTurn[]; facts: Omit<RunFacts, 'id'> & { id: string } } {
  const state = foldEvents(events);
  const book = new RequestBook();
  for (const event of events) if (event.type === 'turn.started') book.add(event);
  const price = pricer(state.prices);
  const phaseOf = new Map<string, { id: string; name: string }>();
  for (const phase of state.workflow?.phases ?? []) for (const c of phase.conversations) phaseOf.set(c.id, phase);
  const turns: DiffTurn[] = [];
  for (const turn of state.turns.values()) {
    if (turn.discarded) continue;
    const phase = turn.conversationId ? phaseOf.get(turn.conversationId) : undefined;
    const cost = turn.usage ? price(turn.model, turn.usage) : undefined;
    turns.push({
      number: turns.length + 1,
      turnId: turn.turnId,
      key: `${phase?.id ?? '-'}/${turn.conversationId ?? '-'}/${turn.kind}/${turn.index}`,
      phase: phase?.name ?? null,
      conversation: turn.conversationId ? (state.conversations.get(turn.conversationId)?.name ?? turn.conversationId) : null,
      kind: turn.kind,
      index: turn.index,
      role: turn.role ? nameOf(state, 'roles', turn.role) : null,
      model: turn.model,
      status: turn.status,
      request: book.get(turn.turnId) ?? [],
      reply: turn.text,
      usage: turn.usage,
      costUsd: cost ?? null,
      durationMs: turn.durationMs,
      firstTokenMs: turn.firstTokenMs,
    });
  }
  const costs = turns.map((t) => t.costUsd);
  const facts = {
    id: state.sessionId,
    model: state.model,
    replies: turns.length,
    tokens: { prompt: state.totals.promptTokens, completion: state.totals.completionTokens },
    costUsd: costs.every((c) => c === null) ? null : costs.reduce<number>((sum, c) => sum + (c ?? 0), 0),
    durationMs: state.totals.durationMs,
  };
  return { turns, facts };
}

const sameMessage = (a: ChatMessage, b: ChatMessage) => a === b || (a.role === b.role && a.content === b.content);

/** The lines of two texts, each marked ` ` (both), `-` (only a) or `+` (only b). */
export function lineDiff(a: string, b: string): string[] {
  const lines: string[] = [];
  for (const part of diffLines(a, b)) {
    const mark = part.added ? '+' : part.removed ? '-' : ' ';
    for (const line of part.value.replace(/\n$/, '').split('\n')) lines.push(`${mark}${line}`);
  }
  return lines;
}

/** What b's request adds to, changes in and removes from a's; a removed message next to an added one is a change. */
export function requestChanges(a: readonly ChatMessage[], b: readonly ChatMessage[]): MessageChange[] {
  const changes: MessageChange[] = [];
  let i = 0;
  let j = 0;
  const parts = diffArrays([...a], [...b], { comparator: sameMessage });
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p];
    if (!part) continue;
    if (!part.added && !part.removed) {
      i += part.count;
      j += part.count;
      continue;
    }
    const next = parts[p + 1];
    if (part.removed && next?.added) {
      const paired = Math.min(part.count, next.count);
      for (let k = 0; k < paired; k++) {
        const x = a[i + k];
        const y = b[j + k];
        if (x && y) changes.push({ change: 'changed', a: i + k + 1, b: j + k + 1, role: y.role, lines: lineDiff(x.content, y.content) });
      }
      for (let k = paired; k < part.count; k++) changes.push(removed(a, i + k));
      for (let k = paired; k < next.count; k++) changes.push(added(b, j + k));
      i += part.count;
      j += next.count;
      p++;
      continue;
    }
    if (part.removed) {
      for (let k = 0; k < part.count; k++) changes.push(removed(a, i + k));
      i += part.count;
    } else {
      for (let k = 0; k < part.count; k++) changes.push(added(b, j + k));
      j += part.count;
    }
  }
  return changes;
}

function removed(list: readonly ChatMessage[], at: number): MessageChange {
  return { change: 'removed', a: at + 1, b: null, role: list[at]?.role ?? '', text: list[at]?.content ?? '' };
}

function added(list: readonly ChatMessage[], at: number): MessageChange {
  return { change: 'added', a: null, b: at + 1, role: list[at]?.role ?? '', text: list[at]?.content ?? '' };
}

function whereOf(turn: DiffTurn): string {
  if (turn.kind === 'sanity') return 'sanity check';
  const place = [turn.phase, turn.conversation].filter(Boolean).join(' › ');
  return `${place}, reply ${turn.index + 1}${turn.role ? ` (${turn.role})` : ''}`;
}

function pairOf(a: DiffTurn | null, b: DiffTurn | null): TurnPair {
  const any = (a ?? b) as DiffTurn;
  if (!a || !b) return { where: whereOf(any), key: any.key, a, b, same: false, request: [], modelChanged: false, reply: null };
  const request = requestChanges(a.request, b.request);
  const modelChanged = a.model !== b.model;
  const replySame = a.reply === b.reply && a.status === b.status;
  return {
    where: whereOf(b),
    key: b.key,
    a,
    b,
    same: request.length === 0 && !modelChanged && replySame,
    request,
    modelChanged,
    reply: replySame ? null : lineDiff(a.reply, b.reply),
  };
}

/** Aligns two runs turn by turn and says what differs. */
export function diffSessions(aEvents: readonly EngineEvent[], bEvents: readonly EngineEvent[]): SessionDiff {
  const a = diffTurns(aEvents);
  const b = diffTurns(bEvents);
  const turns: TurnPair[] = [];
  let i = 0;
  let j = 0;
  for (const part of diffArrays(
    a.turns.map((t) => t.key),
    b.turns.map((t) => t.key),
  )) {
    for (let k = 0; k < part.count; k++) {
      if (part.removed) turns.push(pairOf(a.turns[i++] ?? null, null));
      else if (part.added) turns.push(pairOf(null, b.turns[j++] ?? null));
      else turns.push(pairOf(a.turns[i++] ?? null, b.turns[j++] ?? null));
    }
  }
  const first = turns.findIndex((t) => !t.same);
  return { a: a.facts, b: b.facts, same: first === -1, firstDifference: first === -1 ? null : first, turns };
}
