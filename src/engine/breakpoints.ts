/** Matching breakpoints against the run: before a turn, and after a reply. The specs are parsed by the config. */
import type { Workflow } from '../config/resolve.js';
import type { Breakpoint } from '../config/breakpointSpec.js';

export { parseBreakpoints, type Breakpoint } from '../config/breakpointSpec.js';

/** Every breakpoint that stops the turn about to start. */
export function breakpointsBefore(
  breakpoints: readonly Breakpoint[],
  workflow: Workflow,
  next: { conversationId: string | null; kind: string; role: string | null },
): Array<{ spec: string; message: string }> {
  const hits: Array<{ spec: string; message: string }> = [];
  for (const bp of breakpoints) {
    if (bp.kind === 'role' && next.role === bp.id) hits.push({ spec: bp.spec, message: `${bp.name} is about to speak` });
    if (next.kind !== 'start' || !next.conversationId) continue;
    if (bp.kind === 'conversation' && next.conversationId === bp.id) hits.push({ spec: bp.spec, message: `before conversation "${bp.name}"` });
    if (bp.kind === 'phase') {
      const phase = workflow.phases.find((p) => p.id === bp.id);
      if (phase?.conversations[0] === next.conversationId) hits.push({ spec: bp.spec, message: `before phase "${bp.name}"` });
    }
  }
  return hits;
}

/** The `request:` breakpoint that stops this turn's request before it is sent, if one does. */
export function requestBreakpoint(breakpoints: readonly Breakpoint[], next: { kind: string; role: string | null }): Breakpoint | undefined {
  if (next.kind === 'sanity' && !breakpoints.some((bp) => bp.kind === 'request' && bp.id === null)) return undefined;
  return breakpoints.find((bp) => bp.kind === 'request' && (bp.id === null || bp.id === next.role));
}

export function breakpointAfterReply(breakpoints: readonly Breakpoint[], text: string): { spec: string; message: string } | undefined {
  for (const bp of breakpoints) {
    if (bp.kind === 'match' && bp.pattern.test(text)) return { spec: bp.spec, message: `the reply matched ${bp.pattern}` };
  }
  return undefined;
}
