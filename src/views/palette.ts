/**
 * The colours every view draws with: each role's colour (the TUI's, the HTML report's), and the one 16-colour
 * terminal theme that turns those colour names into RGB for the pictures of the TUI (the README's SVG, the
 * asciicast's header, the HTML report).
 */
import type { RunState } from './runState.js';

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
