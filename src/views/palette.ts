/**
 * The colours and symbols every view draws with: each role's colour (the TUI's, the HTML report's), the symbol,
 * word and colour of each conversation status, and the one 16-colour terminal theme that turns those colour names
 * into RGB for the pictures of the TUI (the README's SVG, the asciicast's header) and for the HTML report.
 */
import type { ConversationStatus, RunState } from './runState.js';

/** A dark theme's 16 colours (VS Code's terminal): 0-7 normal, 8-15 bright. */
export const TERMINAL_THEME = {
  fg: '#d4d4d4',
  bg: '#1e1e1e',
  palette: [
    '#000000',
    '#cd3131',
    '#0dbc79',
    '#e5e510',
    '#2472c8',
    '#bc3fbc',
    '#11a8cd',
    '#e5e5e5',
    '#666666',
    '#f14c4c',
    '#23d18b',
    '#f5f543',
    '#3b8eea',
    '#d670d6',
    '#29b8db',
    '#ffffff',
  ],
} as const;

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

const BASE = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'] as const;

/** A colour name as chalk and Ink spell it ('cyan', 'cyanBright', 'gray'), as RGB in the terminal theme. */
export function themeColor(name: RoleColor): string {
  if (name === 'gray') return TERMINAL_THEME.palette[8];
  const bright = name.endsWith('Bright');
  const index = BASE.indexOf(name.replace(/Bright$/, '') as (typeof BASE)[number]);
  return TERMINAL_THEME.palette[(index < 0 ? 7 : index) + (bright ? 8 : 0)] ?? TERMINAL_THEME.fg;
}
