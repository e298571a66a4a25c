/** Tokens and cost of the run so far, per phase, conversation and role; it scrolls like the help. */
import chalk from 'chalk';
import { Box, Text } from 'ink';
import type { RunState } from '../views/runState.js';
import { costReport, formatUsd, type CostLine, type CostOf } from '../session/costReport.js';
import { sanitize } from '../text/sanitize.js';
import { LinesView } from './LinesView.js';
import type { LineSource } from './transcriptLayout.js';

/**
 * The last lines made, with what they were made from: the report changes only when a turn's usage arrives (the
 * totals move, or the last turn's usage object is new), a turn is taken back (revision), turns are added, the
 * workflow is reloaded, or the width or the prices change; not per streamed token.
 */
let kept: { key: unknown[]; source: LineSource } | null = null;

export function costLines(state: RunState, costOf: CostOf, width: number): LineSource {
  const t = state.totals;
  const lastUsage = state.lastTurnId ? state.turns.get(state.lastTurnId)?.usage : undefined;
  const key = [state, costOf, width, state.revision, state.turns.size, t.promptTokens, t.completionTokens, t.estimated, lastUsage, state.workflow];
  if (kept && kept.key.length === key.length && kept.key.every((v, i) => v === key[i])) return kept.source;
  const source = layCosts(state, costOf, width);
  kept = { key, source };
  return source;
}

function layCosts(state: RunState, costOf: CostOf, width: number): LineSource {
  const report = costReport(state, costOf);
  const nameWidth = Math.max(12, Math.min(32, width - 44));
  const row = (l: CostLine) => {
    const name = sanitize(l.name);
    const shown = name.length > nameWidth ? `${name.slice(0, nameWidth - 1)}…` : name.padEnd(nameWidth);
    const tokens = `${l.estimated ? '~' : ''}${l.promptTokens + l.completionTokens}`;
    return `${shown} ${String(l.turns).padStart(5)} ${tokens.padStart(10)} ${formatUsd(l).padStart(11)}`;
  };
  const header = (title: string) => chalk.bold(`${title.padEnd(nameWidth)} ${'calls'.padStart(5)} ${'tokens'.padStart(10)} ${'cost'.padStart(11)}`);
  const lines = [
    row(report.total),
    chalk.dim('calls: requests paid for, taken-back replies included. ~ estimated from the text.'),
    chalk.dim('n/a: no price known for a model; add it under "prices" in the config.'),
    '',
    header('Phase'),
    ...report.phases.map(row),
    '',
    header('Conversation'),
    ...report.conversations.map(row),
    '',
    header('Role'),
    ...report.roles.map(row),
    ...(report.endpoints ? ['', header('Endpoint / model'), ...report.models.map(row)] : []),
  ];
  return { length: lines.length, at: (i) => lines[i] ?? '' };
}

export function CostView({ source, height, top }: { source: LineSource; height: number; top: number | null }) {
  return (
    <Box flexDirection="column" height={height} paddingX={1}>
      <Text bold>
        Tokens and cost <Text dimColor>($ or esc closes, ↑↓ scroll)</Text>
      </Text>
      <LinesView source={source} height={height - 1} top={top} />
    </Box>
  );
}
