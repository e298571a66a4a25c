/** `roleplay sessions --tree`: the sessions as the lineage their forks make, each fork under its parent. */
import type { SessionSummary } from '../session/sessionSummary.js';
import { oneLine } from '../text/sanitize.js';
import { count } from '../text/count.js';

const TASK_WIDTH = 50;

/** Roots newest first (as the plain listing); a session's forks under it by fork point, then oldest first. */
export function sessionTree(sessions: readonly SessionSummary[]): string[] {
  const ids = new Set(sessions.map((s) => s.id));
  const children = new Map<string, SessionSummary[]>();
  const roots: SessionSummary[] = [];
  for (const s of sessions) {
    const parent = s.fork?.parent;
    if (parent && ids.has(parent) && parent !== s.id) children.set(parent, [...(children.get(parent) ?? []), s]);
    else roots.push(s);
  }
  const lines: string[] = [];
  const describe = (s: SessionSummary) => {
    const at = s.fork ? `@${s.fork.reply} ` : '';
    const label = s.label ? `[${oneLine(s.label, 60)}] ` : '';
    const facts = s.error ? `unreadable: ${oneLine(s.error, TASK_WIDTH)}` : `${s.status}, ${count(s.turns, 'turn')}, ${oneLine(s.model, 30)}`;
    const task = s.fork || s.error ? '' : `  ${oneLine(s.task, TASK_WIDTH)}`;
    // A fork of a session that is gone still says where it came from.
    const orphan = s.fork && !ids.has(s.fork.parent) ? ` (forked from ${s.fork.parent}, not here)` : '';
    return `${s.id} ${at}${label}${facts}${task}${orphan}`;
  };
  const walk = (s: SessionSummary, prefix: string, last: boolean, root: boolean, seen: Set<string>) => {
    lines.push(root ? describe(s) : `${prefix}${last ? '└─ ' : '├─ '}${describe(s)}`);
    if (seen.has(s.id)) return;
    seen.add(s.id);
    const kids = [...(children.get(s.id) ?? [])].sort(
      (x, y) =>
        (x.fork?.reply ?? 0) - (y.fork?.reply ?? 0) || (x.startedAt?.getTime() ?? 0) - (y.startedAt?.getTime() ?? 0) || x.id.localeCompare(y.id),
    );
    const inner = root ? '' : `${prefix}${last ? '   ' : '│  '}`;
    kids.forEach((kid, i) => walk(kid, inner, i === kids.length - 1, false, seen));
  };
  const seen = new Set<string>();
  for (const root of roots) walk(root, '', true, true, seen);
  return lines;
}
