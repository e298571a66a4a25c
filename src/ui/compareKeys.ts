/** The compare view's keys, in one table: its footer is drawn from it, and README and the help list the same. */
import type { Key } from 'ink';

export type CompareCommand = 'nextDifference' | 'previousDifference' | 'up' | 'down' | 'pageUp' | 'pageDown' | 'top' | 'bottom' | 'close';

interface CompareKey {
  command: CompareCommand;
  matches: (input: string, key: Key) => boolean;
  label: string;
  hint: string;
}

export const COMPARE_KEYS: readonly CompareKey[] = [
  { command: 'nextDifference', matches: (input) => input === 'n', label: 'n', hint: 'next difference' },
  { command: 'previousDifference', matches: (input) => input === 'N' || input === 'p', label: 'N/p', hint: 'previous' },
  { command: 'up', matches: (input, key) => key.upArrow || input === 'k', label: '↑↓/jk', hint: 'scroll' },
  { command: 'down', matches: (input, key) => key.downArrow || input === 'j', label: '', hint: '' },
  { command: 'pageUp', matches: (_input, key) => key.pageUp, label: 'PgUp/PgDn', hint: 'page' },
  { command: 'pageDown', matches: (input, key) => key.pageDown || input === ' ', label: '', hint: '' },
  { command: 'top', matches: (input, key) => key.home || input === 'g', label: 'g/G', hint: 'top/bottom' },
  { command: 'bottom', matches: (input, key) => key.end || input === 'G', label: '', hint: '' },
  { command: 'close', matches: (input, key) => input === 'q' || key.escape || (key.ctrl && input === 'c'), label: 'q/esc', hint: 'close' },
];

export function compareCommandFor(input: string, key: Key): CompareCommand | undefined {
  return COMPARE_KEYS.find((k) => k.matches(input, key))?.command;
}
