/**
 * Forks: a new session that starts as a recorded one up to the start of one of its replies, then runs on its own
 * (`roleplay --fork <session>@<n>`, `f` in the TUI). The child's journal holds the parent's events before that
 * reply (its `run.started` renamed to the child), then `run.forked`; the parent's files are only read. Replies are
 * numbered from 1 in run order, as the transcript and the export show them: every turn not taken back.
 */
import type { EngineEvent } from '../engine/events.js';
import { UsageError } from '../errors.js';
import { foldEvents, isRunning, openSession, type Journal, type ResolveOptions } from './sessionStore.js';

export interface ReplyRef {
  /** 1-based, in run order. */
  number: number;
  turnId: string;
  /** The seq of its `turn.started`: a fork before it keeps the events before that. */
  seq: number;
}

/** The replies of a journal as its views number them: turns not taken back, in the order they started. */
function numberReplies(events: readonly EngineEvent[]): ReplyRef[] {
  const state = foldEvents(events);
  const seqOf = new Map<string, number>();
  for (const event of events) if (event.type === 'turn.started') seqOf.set(event.turnId, event.seq);
  const replies: ReplyRef[] = [];
  for (const turn of state.turns.values()) {
    if (turn.discarded) continue;
    replies.push({ number: replies.length + 1, turnId: turn.turnId, seq: seqOf.get(turn.turnId) ?? 0 });
  }
  return replies;
}

/** `<session>@<n>` → its parts; anything else is one line that says what to write. */
function parseForkSpec(spec: string): { session: string; reply: number } {
  const at = spec.lastIndexOf('@');
  const session = at === -1 ? '' : spec.slice(0, at).trim();
  const number = at === -1 ? '' : spec.slice(at + 1).trim();
  if (!session || !/^\d+$/.test(number) || Number(number) < 1) {
    throw new UsageError(`--fork takes <session>@<reply>, e.g. latest@3 (reply numbers start at 1), not "${spec}"`);
  }
  return { session, reply: Number(number) };
}

/** The events a fork of `parent` before reply `reply` starts with, as the child `childId`. */
function forkHistory(events: readonly EngineEvent[], reply: number, childId: string, parentId: string): EngineEvent[] {
  const replies = numberReplies(events);
  const target = replies[reply - 1];
  if (!target) {
    const range = replies.length === 0 ? 'it has no replies yet' : `its replies are 1 to ${replies.length}`;
    throw new UsageError(`session ${parentId} has no reply ${reply} to fork before: ${range}`);
  }
  return events.filter((e) => e.seq < target.seq).map((e) => (e.type === 'run.started' ? { ...e, sessionId: childId } : e));
}

export interface ForkSource {
  parent: Journal;
  parentId: string;
  reply: number;
  history: EngineEvent[];
}

/** Reads the session a `--fork` names and cuts its history; a session still being written cannot be forked. */
export function openForkSource(spec: string, childId: string, options: ResolveOptions): ForkSource {
  const { session, reply } = parseForkSpec(spec);
  const parent = openSession(session, options);
  const parentId = parent.events[0]?.type === 'run.started' ? parent.events[0].sessionId : session;
  if (isRunning(parent.dir)) {
    throw new UsageError(`session ${parentId} is still being written by another roleplay: fork it once that run has stopped`);
  }
  return { parent, parentId, reply, history: forkHistory(parent.events, reply, childId, parentId) };
}
