/** The branch list's keys, in one table: the list's footer and the help overlay are drawn from it. */
import type { Key } from 'ink';

export type BranchCommand = 'up' | 'down' | 'open' | 'compare' | 'label' | 'close';

interface BranchKey {
  command: BranchCommand;
  matches: (input: string, key: Key) => boolean;
  /** Empty for a key that shares the line of the one before it. */
  label: string;
  /** A word for the list's footer. */
  hint: string;
  description: string;
}

export const BRANCH_KEYS: readonly BranchKey[] = [
  { command: 'up', hint: 'choose', matches: (input, key) => key.upArrow || input === 'k', label: '↑↓/jk', description: 'choose a session' },
  { command: 'down', hint: '', matches: (input, key) => key.downArrow || input === 'j', label: '', description: '' },
  {
    command: 'open',
    hint: 'open',
    matches: (_input, key) => key.return,
    label: 'enter',
    description: 'open it (resume it, or replay it once completed)',
  },
  { command: 'compare', hint: 'compare', matches: (input) => input === 'c', label: 'c', description: 'compare it with this session, turn by turn' },
  {
    command: 'label',
    hint: 'label',
    matches: (input) => input === 'L',
    label: 'L',
    description: 'label it (enter saves, an empty label removes it)',
  },
  {
    command: 'close',
    hint: 'close',
    matches: (input, key) => key.escape || input === 'b' || input === 'q',
    label: 'esc/b',
    description: 'close the list',
  },
];

export function branchCommandFor(input: string, key: Key): BranchCommand | undefined {
  return BRANCH_KEYS.find((k) => k.matches(input, key))?.command;
}
