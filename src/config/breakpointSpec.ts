/**
 * Breakpoint specs, as the config and `--break` give them: `conversation:Coding (Code)`, `phase:Testing`,
 * `role:CTO`, `match:/TODO|FIXME/i` or `match:some text`, and `request:CTO` (or `request:*`, every turn) to edit the
 * request before it is sent. Parsing them is config; matching them is the engine's.
 */

interface Named {
  id: string;
  name: string;
}
/** The part of a workflow a spec names things in. */
interface Workflow {
  roles: Named[];
  phases: Named[];
  conversations: Named[];
}

export type Breakpoint =
  | { spec: string; kind: 'conversation' | 'phase' | 'role'; id: string; name: string }
  | { spec: string; kind: 'match'; pattern: RegExp }
  /** `id` null: every turn's request. */
  | { spec: string; kind: 'request'; id: string | null; name: string };

const KINDS = ['conversation', 'phase', 'role', 'match', 'request'] as const;

function find(list: Array<{ id: string; name: string }>, ref: string) {
  const wanted = ref.trim().toLowerCase();
  return list.find((item) => item.id === wanted || item.name.toLowerCase() === wanted);
}

/** Parses one spec against the workflow; returns a message that says what to fix when it is wrong. */
export function parseBreakpoint(spec: string, workflow: Workflow): Breakpoint | { error: string } {
  const colon = spec.indexOf(':');
  const kind = colon > 0 ? spec.slice(0, colon).trim().toLowerCase() : '';
  const value = colon > 0 ? spec.slice(colon + 1).trim() : '';
  if (!(KINDS as readonly string[]).includes(kind) || !value) {
    return {
      error: `"${spec}" is not a breakpoint: use conversation:<name>, phase:<name>, role:<name>, match:<text or /regex/flags> or request:<role or *>`,
    };
  }
  if (kind === 'request' && (value === '*' || value.toLowerCase() === 'all')) return { spec, kind: 'request', id: null, name: 'every turn' };
  if (kind === 'match') {
    const literal = /^\/(.+)\/([a-z]*)$/s.exec(value);
    try {
      const pattern = literal
        ? new RegExp(literal[1] ?? '', (literal[2] ?? '').replace(/[gy]/g, ''))
        : new RegExp(value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
      return { spec, kind: 'match', pattern };
    } catch (error) {
      return { error: `"${spec}": ${error instanceof Error ? error.message : String(error)}` };
    }
  }
  const list = kind === 'role' || kind === 'request' ? workflow.roles : kind === 'phase' ? workflow.phases : workflow.conversations;
  const found = find(list, value);
  if (!found) return { error: `"${spec}": unknown ${kind === 'request' ? 'role' : kind} "${value}" (known: ${list.map((x) => x.name).join(', ')})` };
  if (kind === 'request') return { spec, kind: 'request', id: found.id, name: found.name };
  return { spec, kind: kind as 'conversation' | 'phase' | 'role', id: found.id, name: found.name };
}

export function parseBreakpoints(specs: readonly string[], workflow: Workflow): Breakpoint[] {
  return specs.map((spec) => {
    const parsed = parseBreakpoint(spec, workflow);
    if ('error' in parsed) throw new Error(parsed.error);
    return parsed;
  });
}
