/** Every key, generated from the keymap, and what the timeline's symbols mean; it scrolls when the screen is short. */
import chalk from 'chalk';
import { BRANCH_KEYS } from './branchKeys.js';
import { COMPARE_KEYS } from './compareKeys.js';
import { Box, Text } from 'ink';
import wrapAnsi from 'wrap-ansi';
import { EDITOR_KEYS } from './editor/editorKeys.js';
import { KEYMAP } from './keymap.js';
import { LinesView } from './LinesView.js';
import { STATUS_COLOR, STATUS_ICON, STATUS_WORD } from './theme.js';
import type { LineSource } from './transcriptLayout.js';

/** `text` wrapped to `width`: its first row after `first`, the rest under it, `indent` columns in. */
function hanging(first: string, text: string, width: number, indent: number): string[] {
  return wrapAnsi(text, Math.max(10, width - indent), { hard: true })
    .split('\n')
    .map((row, i) => (i === 0 ? first : ' '.repeat(indent)) + row);
}

/** The help's lines, wrapped to `width`: a key's description goes on under its own column, not past the edge. */
export function helpLines(width: number): LineSource {
  const labelWidth = Math.max(...KEYMAP.map((b) => b.label.length)) + 2;
  const editorWidth = Math.max(labelWidth, 18);
  const note = (text: string) => hanging('', chalk.dim(text), width, 0);
  const lines = [
    ...KEYMAP.flatMap((b) => hanging(chalk.bold.cyan(b.label.padEnd(labelWidth)), b.description, width, labelWidth)),
    '',
    chalk.bold('In the input (c, e, h, /)'),
    ...EDITOR_KEYS.flatMap((k) => hanging(chalk.bold.cyan(k.label.padEnd(editorWidth)), k.description, width, editorWidth)),
    '',
    ...note(
      `In the branch list (b): ${BRANCH_KEYS.filter((k) => k.label)
        .map((k) => `${k.label} ${k.hint}`)
        .join(' · ')}.`,
    ),
    ...note(
      `In the compare view (c there, or roleplay diff): ${COMPARE_KEYS.filter((k) => k.label)
        .map((k) => `${k.label} ${k.hint}`)
        .join(' · ')}.`,
    ),
    ...note('The mouse wheel scrolls too (--no-mouse leaves the mouse to the terminal; Shift selects text meanwhile).'),
    ...note('Footer: tokens in and out, cost (~ when estimated), latency to the first token / for the whole reply.'),
  ];
  const legend = (Object.keys(STATUS_ICON) as Array<keyof typeof STATUS_ICON>).map(
    (status) => `${chalk[STATUS_COLOR[status]](STATUS_ICON[status])} ${STATUS_WORD[status]}`,
  );
  lines.push(legend.slice(0, 4).join('   '), legend.slice(4).join('   '), `${chalk.magenta('↺n')} rewound n times`);
  return { length: lines.length, at: (i) => lines[i] ?? '' };
}

/** The help, its lines (helpLines) laid out by the caller for the width inside the overlay's padding. */
export function HelpOverlay({ source, height, top }: { source: LineSource; height: number; top: number | null }) {
  return (
    <Box flexDirection="column" height={height} paddingX={1}>
      <Text bold>
        Keys <Text dimColor>(? or esc closes, ↑↓ scroll)</Text>
      </Text>
      <LinesView source={source} height={height - 1} top={top} />
    </Box>
  );
}
