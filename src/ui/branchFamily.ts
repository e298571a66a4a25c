/**
 * The branch list's sessions, read from the session folders: loaded by the TUI when `b` first opens the list, so
 * that the session store (and the journal's zod schemas) are not loaded before the first frame.
 */
import path from 'node:path';
import { listSessions, type SessionSummary } from '../session/sessionStore.js';
import { writeLabel } from '../session/labels.js';
import type { BranchEntry } from './branches.js';

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
