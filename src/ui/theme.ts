/** Colours and symbols. Each role keeps one colour for the whole session: its place in the workflow picks it. */
import type { ConversationStatus } from '../views/runState.js';
import type { RunState } from '../views/runState.js';

// Yellow is kept for the customer, red for errors.
const ROLE_PALETTE = ['cyan', 'magenta', 'green', 'blue', 'cyanBright', 'magentaBright', 'greenBright', 'blueBright', 'white'] as const;
export type RoleColor = (typeof ROLE_PALETTE)[number] | 'yellow' | 'gray';
export const CUSTOMER_COLOR = 'yellow' as const;

export function roleColor(state: RunState, roleId: string | null): RoleColor {
  if (!roleId) return 'gray';
  const index = state.workflow?.roles.findIndex((r) => r.id === roleId) ?? -1;
  return index < 0 ? 'gray' : (ROLE_PALETTE[index % ROLE_PALETTE.length] ?? 'white');
}

export const STATUS_ICON: Record<ConversationStatus, string> = {
  pending: '○',
  active: '●',
  done: '✓',
  'turn-limit': '⚑',
  skipped: '↷',
  quit: '■',
  budget: '$',
  failed: '✗',
};

export const STATUS_WORD: Record<ConversationStatus, string> = {
  pending: 'pending',
  active: 'active',
  done: 'done',
  'turn-limit': 'ended at the turn limit',
  skipped: 'skipped',
  quit: 'stopped by quit',
  budget: 'stopped by the budget',
  failed: 'failed',
};

export const STATUS_COLOR: Record<ConversationStatus, 'gray' | 'green' | 'yellow' | 'red'> = {
  pending: 'gray',
  active: 'green',
  done: 'green',
  'turn-limit': 'yellow',
  skipped: 'gray',
  quit: 'gray',
  budget: 'yellow',
  failed: 'red',
};
