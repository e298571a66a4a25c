/**
 * A session as `roleplay sessions` lists it, computed from the run state a fold of its journal gives, and the
 * `summary.json` sidecar that saves the next listing that fold. No zod at run time: the journal writer uses it.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import type { RunStatus } from '../engine/events.js';
import type { RunState } from '../views/runState.js';
import type { StoredSummarySchema, SummarySidecarSchema } from './summarySchema.js';
import { writeFileAtomicSync } from './atomicWrite.js';

export const SUMMARY_FILE = 'summary.json';

/** `running` while another process writes the session (its lock names a live pid); `interrupted` when it died. */
export type SessionStatus = RunStatus | 'interrupted' | 'running';

export type StoredSummary = z.output<typeof StoredSummarySchema>;
export type SummarySidecar = z.output<typeof SummarySidecarSchema>;

export type SessionSummary = Omit<StoredSummary, 'startedAt' | 'status'> & {
  id: string;
  dir: string;
  /** When the run started: from the session id's UTC stamp, else the journal's modification time. */
  startedAt: Date | null;
  status: SessionStatus;
  /** Set when the journal could not be read at all; the other fields are then empty. */
  error?: string;
  /** The label the person gave it (`--label`), read from its folder. */
  label?: string | null;
};

/** `20250102-030405-abcdef` → 2025-01-02T03:04:05Z; null for anything else. */
export function dateFromSessionId(id: string): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})(?:-|$)/.exec(id);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return Number.isNaN(date.getTime()) ? null : date;
}

export interface JournalFacts {
  id: string;
  dir: string;
  /** Events (lines) in the journal. */
  events: number;
  /** The last event's `t`. */
  lastT: number;
  torn: boolean;
  /** The journal's modification time, for a session id without a date in it. */
  mtimeMs: number | null;
  /** Whether a live process holds the session's lock. */
  running: boolean;
}

/** The summary of a journal folded into `state`. */
export function summaryFromState(state: RunState, facts: JournalFacts): SessionSummary {
  const conversations = [...state.conversations.values()];
  const startedAt = dateFromSessionId(state.sessionId || facts.id) ?? (facts.mtimeMs === null ? null : new Date(facts.mtimeMs - facts.lastT));
  return {
    id: facts.id,
    dir: facts.dir,
    startedAt,
    task: state.task,
    provider: state.provider,
    model: state.model,
    status: state.finished?.status ?? (facts.running ? 'running' : 'interrupted'),
    reason: state.finished?.reason ?? null,
    turns: state.totals.turns,
    conversations: { ended: conversations.filter((c) => c.endReason !== null).length, total: conversations.length },
    promptTokens: state.totals.promptTokens,
    completionTokens: state.totals.completionTokens,
    estimated: state.totals.estimated,
    durationMs: facts.lastT,
    events: facts.events,
    torn: facts.torn,
    fork: state.session.fork,
  };
}

/**
 * Writes `summary.json` for the closed journal `events.jsonl` in `dir`: to a temporary file, then renamed over
 * the old one, so a listing never reads half of it. Only a cache: a failure to write it is not the run's.
 */
export function writeSummarySidecar(dir: string, summary: SessionSummary, journalFile = path.join(dir, 'events.jsonl')): boolean {
  try {
    const { size, mtimeMs } = statSync(journalFile);
    const { id: _id, dir: _dir, error: _error, label: _label, startedAt, status, ...rest } = summary;
    const sidecar: SummarySidecar = {
      format: 'roleplay-summary',
      version: 1,
      journal: { size, mtimeMs },
      summary: {
        ...rest,
        startedAt: (startedAt ?? new Date(mtimeMs - rest.durationMs)).toISOString(),
        status: status === 'running' ? 'interrupted' : status,
      },
    };
    writeFileAtomicSync(path.join(dir, SUMMARY_FILE), `${JSON.stringify(sidecar)}\n`);
    return true;
  } catch {
    return false;
  }
}
