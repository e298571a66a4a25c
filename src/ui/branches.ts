/**
 * What the TUI's branch keys work with: the sessions around the one on screen (its parent, its siblings, its own
 * forks) and what leaving the TUI for another session means (`TuiNext`), which the CLI then carries out. Reading
 * the session folders is branchFamily.ts's, loaded when the list is first opened: the session store and its zod
 * schemas are not part of the TUI's start.
 */
import type { SessionSummary } from '../session/sessionStore.js';
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
