/**
 * The end of a run, under the transcript: how it ended, what it wrote and where, what the turn limit cut short,
 * and the commands that take the session further.
 */
import { Box, Text } from 'ink';
import prettyMs from 'pretty-ms';
import { nameOf, type RunState } from '../views/runState.js';
import { sanitize } from '../text/sanitize.js';
import { formatCost, formatTokens, totalCost, type CostOf } from './Footer.js';
import { count } from '../text/count.js';

/** Where the session was saved, and the commands that export and replay it; a replay has none. */
export interface Saved {
  dir: string;
  commands: string[];
}

const HOW: Record<string, string> = {
  completed: 'Run completed',
  failed: 'Run failed',
  quit: 'Run stopped',
  budget: 'Run stopped at its budget',
};

/** The summary's lines, so the App can give the transcript what is left. */
export function summaryLines(state: RunState, costOf: CostOf, saved: Saved | undefined): Array<{ text: string; color?: string; dim?: boolean }> {
  const finished = state.finished;
  if (!finished) return [];
  const t = state.totals;
  const tilde = t.estimated ? '~' : '';
  // Time spent generating: the same in a replay as in the run (a replay's own clock runs at its speed).
  const took = prettyMs(t.durationMs, { secondsDecimalDigits: 0 });
  const head = [
    HOW[finished.status] ?? 'Run ended',
    count(t.turns, 'turn'),
    `${took} generating`,
    `${tilde}${formatTokens(t.promptTokens + t.completionTokens)} tokens`,
    formatCost(totalCost(t.byModel, costOf), t.estimated),
  ].join(' · ');
  const lines: Array<{ text: string; color?: string; dim?: boolean }> = [
    {
      text: finished.reason ? `${head} · ${sanitize(finished.reason)}` : head,
      color: finished.status === 'completed' ? 'green' : finished.status === 'failed' ? 'red' : 'yellow',
    },
  ];
  const written = [...state.artifacts].map(([id, a]) => `${sanitize(nameOf(state, 'artifacts', id))}${a.incomplete ? ' (incomplete)' : ''}`);
  if (written.length) {
    lines.push({
      text: `${written.length} artifact${written.length === 1 ? '' : 's'}${saved ? ` in ${sanitize(saved.dir)}/artifacts/` : ''} (o shows them):`,
    });
    lines.push({ text: `  ${written.join(', ')}`, dim: true });
  } else lines.push({ text: 'No artifact was written' });
  const cut = [...state.conversations.values()].filter((c) => c.status === 'turn-limit').map((c) => sanitize(c.name));
  if (cut.length) lines.push({ text: `Cut by the turn limit (${cut.length}): ${cut.join(', ')}`, color: 'yellow' });
  if (saved) {
    lines.push({ text: `Session: ${sanitize(saved.dir)}` });
    for (const command of saved.commands) lines.push({ text: `  ${sanitize(command)}`, dim: true });
  }
  return lines;
}

export function RunSummary({ lines, width }: { lines: ReturnType<typeof summaryLines>; width: number }) {
  return (
    <Box flexDirection="column" width={width} flexShrink={0}>
      <Text dimColor>{'─'.repeat(Math.max(0, width))}</Text>
      {lines.map((line, i) => (
        <Text key={i} wrap="truncate-end" color={line.color} dimColor={line.dim} bold={i === 0}>
          {line.text}
        </Text>
      ))}
    </Box>
  );
}
