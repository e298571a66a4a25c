/**
 * Breakpoints pause a run: before a conversation or a phase, when a role is about to speak, or when a
 * reply matches a pattern. The same spec strings work in the config and on the command line:
 * `conversation:Coding (Code)`, `phase:Testing`, `role:CTO`, `match:/TODO|FIXME/i` or `match:some text`.
 */
import type { Workflow } from '../config/resolve.js';

export type Breakpoint =
  | { spec: string; kind: 'conversation' | 'phase' | 'role'; id: string; name: string }
  | { spec: string; kind: 'match'; pattern: RegExp };

const KINDS = ['conversation', 'phase', 'role', 'match'] as const;

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
    return { error: `"${spec}" is not a breakpoint: use conversation:<name>, phase:<name>, role:<name> or match:<text or /regex/flags>` };
  }
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
  const list = kind === 'role' ? workflow.roles : kind === 'phase' ? workflow.phases : workflow.conversations;
  const found = find(list, value);
  if (!found) return { error: `"${spec}": unknown ${kind} "${value}" (known: ${list.map((x) => x.name).join(', ')})` };
  return { spec, kind: kind as 'conversation' | 'phase' | 'role', id: found.id, name: found.name };
}

export function parseBreakpoints(specs: readonly string[], workflow: Workflow): Breakpoint[] {
  return specs.map((spec) => {
    const parsed = parseBreakpoint(spec, workflow);
    if ('error' in parsed) throw new Error(parsed.error);
    return parsed;
  });
}

/** The breakpoint that stops the turn about to start, if any. */
export function breakpointBefore(
  breakpoints: readonly Breakpoint[],
  workflow: Workflow,
  next: { conversationId: string | null; kind: string; role: string | null },
): { spec: string; message: string } | undefined {
  for (const bp of breakpoints) {
    if (bp.kind === 'role' && next.role === bp.id) return { spec: bp.spec, message: `${bp.name} is about to speak` };
    if (next.kind !== 'start' || !next.conversationId) continue;
    if (bp.kind === 'conversation' && next.conversationId === bp.id) return { spec: bp.spec, message: `before conversation "${bp.name}"` };
    if (bp.kind === 'phase') {
      const phase = workflow.phases.find((p) => p.id === bp.id);
      if (phase?.conversations[0] === next.conversationId) return { spec: bp.spec, message: `before phase "${bp.name}"` };
    }
  }
  return undefined;
}

export function breakpointAfterReply(breakpoints: readonly Breakpoint[], text: string): { spec: string; message: string } | undefined {
  for (const bp of breakpoints) {
    if (bp.kind === 'match' && bp.pattern.test(text)) return { spec: bp.spec, message: `the reply matched ${bp.pattern}` };
  }
  return undefined;
}
