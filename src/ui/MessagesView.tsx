/** Every warning, error, breakpoint and budget notice of the run, whole and in order: what the message rows cut. */
import chalk from 'chalk';
import { Box, Text } from 'ink';
import wrapAnsi from 'wrap-ansi';
import type { RunState } from '../views/runState.js';
import { sanitize } from '../text/sanitize.js';
import { LinesView } from './LinesView.js';
import type { LineSource } from './transcriptLayout.js';

const MARK = { warning: chalk.yellow('⚠'), error: chalk.red('✗'), breakpoint: chalk.yellow('⏸'), budget: chalk.yellow('$') } as const;

/** Laid out again only when a message comes or the width changes. */
let kept: { log: RunState['log']; count: number; width: number; source: LineSource } | null = null;

export function messageLogLines(state: RunState, width: number): LineSource {
  if (kept && kept.log === state.log && kept.count === state.log.length && kept.width === width) return kept.source;
  const lines: string[] = [];
  if (state.log.length === 0) lines.push(chalk.dim('No warning, error or breakpoint so far.'));
  const start = state.log[0]?.t ?? 0;
  for (const entry of state.log) {
    const at = chalk.dim(`+${Math.round((entry.t - start) / 1000)}s`.padStart(6));
    const body = wrapAnsi(sanitize(entry.text), Math.max(10, width - 9), { hard: true }).split('\n');
    body.forEach((line, i) => lines.push(i === 0 ? `${at} ${MARK[entry.kind]} ${line}` : `         ${line}`));
  }
  const source = { length: lines.length, at: (i: number) => lines[i] ?? '' };
  kept = { log: state.log, count: state.log.length, width, source };
  return source;
}

export function MessagesView({ source, height, top }: { source: LineSource; height: number; top: number | null }) {
  return (
    <Box flexDirection="column" height={height}>
      <Text bold>
        Messages <Text dimColor>(m or esc closes, ↑↓ scroll)</Text>
      </Text>
      <LinesView source={source} height={height - 1} top={top} />
    </Box>
  );
}
