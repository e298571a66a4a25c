/**
 * What the TUI's branch keys work with: the sessions around the one on screen (its parent, its siblings, its own
 * forks) and what leaving the TUI for another session means (`TuiNext`), which the CLI then carries out.
 */
import path from 'node:path';
import { listSessions, type SessionSummary } from '../session/sessionStore.js';
import { writeLabel } from '../session/labels.js';
import type { RunState } from '../views/runState.js';

/** Where the TUI goes when it is left for another session. */
export type TuiNext = { kind: 'fork'; dir: string; reply: number } | { kind: 'open'; dir: string } | { kind: 'compare'; a: string; b: string };

export interface BranchActions {
  /** The folder of the session on screen. */
  dir: string;
  /** Leaves the TUI for another session (its journal saved first). */
  leave(next: TuiNext): void;
}

export interface BranchEntry {
  summary: SessionSummary;
  /** How it stands to the session on screen. */
  relation: 'parent' | 'this' | 'sibling' | 'fork';
}

/** The sessions of a session's family, oldest first: its parent, then the parent's forks (it among them), then its own. */
export function branchesOf(dir: string): BranchEntry[] {
  const outDir = path.dirname(path.dirname(dir));
  const id = path.basename(dir);
  const all = listSessions(outDir).filter((s) => !s.error);
  const me = all.find((s) => s.id === id);
  if (!me) return [];
  const byAge = (a: SessionSummary, b: SessionSummary) => (a.startedAt?.getTime() ?? 0) - (b.startedAt?.getTime() ?? 0) || a.id.localeCompare(b.id);
  const parentId = me.fork?.parent;
  const parent = parentId ? all.find((s) => s.id === parentId) : undefined;
  const siblings = parentId ? all.filter((s) => s.fork?.parent === parentId).sort(byAge) : [me];
  const forks = all.filter((s) => s.fork?.parent === id).sort(byAge);
  return [
    ...(parent ? [{ summary: parent, relation: 'parent' as const }] : []),
    ...siblings.map((s) => ({ summary: s, relation: s.id === id ? ('this' as const) : ('sibling' as const) })),
    ...forks.map((s) => ({ summary: s, relation: 'fork' as const })),
  ];
}

/** Labels a session; returns what was wrong, or null. */
export function labelSession(dir: string, text: string): string | null {
  try {
    writeLabel(dir, text);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** A reply's number in its run (from 1), as `--fork` and `roleplay diff` count: turns not taken back, in run order. */
export function replyNumber(state: RunState, turnId: string): number | null {
  let n = 0;
  for (const turn of state.turns.values()) {
    if (turn.discarded) continue;
    n++;
    if (turn.turnId === turnId) return n;
  }
  return null;
}
