/** Finding text on screen: in the lines of one view, or through the transcript's conversations in timeline order. */
import stripAnsi from 'strip-ansi';
import type { RunState } from '../views/runState.js';
import type { LineSource } from './transcriptLayout.js';
import { viewable, type Match } from './useControls.js';

const matches = (pattern: RegExp, line: string) => pattern.test(stripAnsi(line));

/** The next line of `source` after `from` (before it, for -1) that matches, wrapping around; `from` itself last. */
export function findInSource(source: LineSource, pattern: RegExp, from: Match, step: 1 | -1): Match | null {
  const n = source.length;
  for (let k = 1; k <= n; k++) {
    const line = (((from.line + step * k) % n) + n) % n;
    if (matches(pattern, source.at(line))) return { ...from, line };
  }
  return null;
}

/** The last line of one conversation's transcript that matches: where a `match:` breakpoint's reply matched. */
export function lastMatchIn(source: LineSource, pattern: RegExp, conversationId: string | null): Match | null {
  for (let line = source.length - 1; line >= 0; line--) {
    if (matches(pattern, source.at(line))) return { view: 'transcript', conversationId, line };
  }
  return null;
}

/** The next match through the conversations (the sanity check first), from `from` on, wrapping around the run. */
export function findInTranscript(
  state: RunState,
  linesOf: (conversationId: string | null) => LineSource,
  pattern: RegExp,
  from: Match,
  step: 1 | -1,
): Match | null {
  const ids = viewable(state);
  const at = Math.max(0, ids.indexOf(from.conversationId));
  for (let k = 0; k <= ids.length; k++) {
    const id = ids[(((at + step * k) % ids.length) + ids.length) % ids.length] ?? null;
    const source = linesOf(id);
    const n = source.length;
    // The conversation it starts in: after `from` first; the lines before it come last, when it comes round again.
    const first = k === 0 ? from.line + step : step === 1 ? 0 : n - 1;
    const stop = k === ids.length ? from.line + step : step === 1 ? n : -1;
    for (let line = first; step === 1 ? line < Math.min(n, stop) : line > Math.max(-1, stop); line += step) {
      if (line >= 0 && line < n && matches(pattern, source.at(line))) return { view: 'transcript', conversationId: id, line };
    }
  }
  return null;
}
