/** Every key, generated from the keymap, and what the timeline's symbols mean; it scrolls when the screen is short. */
import chalk from 'chalk';
import { BRANCH_KEYS } from './branchKeys.js';
import { COMPARE_KEYS } from './compareKeys.js';
import { Box, Text } from 'ink';
import { EDITOR_KEYS } from './editor/editorKeys.js';
import { KEYMAP } from './keymap.js';
import { LinesView } from './LinesView.js';
import { STATUS_COLOR, STATUS_ICON, STATUS_WORD } from './theme.js';
import type { LineSource } from './transcriptLayout.js';

export function helpLines(): LineSource {
  const labelWidth = Math.max(...KEYMAP.map((b) => b.label.length)) + 2;
  const lines = [
    ...KEYMAP.map((b) => chalk.bold.cyan(b.label.padEnd(labelWidth)) + b.description),
    '',
    chalk.bold('In the input (c, e, h, /)'),
    ...EDITOR_KEYS.map((k) => chalk.bold.cyan(k.label.padEnd(Math.max(labelWidth, 18))) + k.description),
    '',
    chalk.dim(
      `In the branch list (b): ${BRANCH_KEYS.filter((k) => k.label)
        .map((k) => `${k.label} ${k.hint}`)
        .join(' · ')}.`,
    ),
    chalk.dim(
      `In the compare view (c there, or roleplay diff): ${COMPARE_KEYS.filter((k) => k.label)
        .map((k) => `${k.label} ${k.hint}`)
        .join(' · ')}.`,
    ),
    chalk.dim('The mouse wheel scrolls too (--no-mouse leaves the mouse to the terminal; Shift selects text meanwhile).'),
    chalk.dim('Footer: tokens in and out, cost (~ when estimated), latency to the first token / for the whole reply.'),
  ];
  const legend = (Object.keys(STATUS_ICON) as Array<keyof typeof STATUS_ICON>).map(
    (status) => `${chalk[STATUS_COLOR[status]](STATUS_ICON[status])} ${STATUS_WORD[status]}`,
  );
  lines.push(legend.slice(0, 4).join('   '), legend.slice(4).join('   '), `${chalk.magenta('↺n')} rewound n times`);
  return { length: lines.length, at: (i) => lines[i] ?? '' };
}

export function HelpOverlay({ height, top }: { height: number; top: number | null }) {
  return (
    <Box flexDirection="column" height={height} paddingX={1}>
      <Text bold>
        Keys <Text dimColor>(? or esc closes, ↑↓ scroll)</Text>
      </Text>
      <LinesView source={helpLines()} height={height - 1} top={top} />
    </Box>
  );
}
