/** Colours and symbols. Each role keeps one colour for the whole session: its place in the workflow picks it. */
import type { ConversationStatus } from '../views/runState.js';

export { CUSTOMER_COLOR, roleColor } from '../views/palette.js';

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
