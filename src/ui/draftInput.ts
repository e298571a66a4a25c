/**
 * Editing the customer's message, key by key. Pastes keep their newlines: either bracketed (the terminal
 * marks the paste) or as one chunk with newlines in it.
 */
import type { Key } from 'ink';

export const PASTE_START = '[200~';
export const PASTE_END = '[201~';

export type DraftResult = { draft: string; action?: 'submit' | 'cancel' };

export function editDraft(draft: string, input: string, key: Key, pasting: boolean): DraftResult {
  // Typed text and Enter can reach us as one chunk ("hello\r"): that is a submit, not a paste.
  if (!pasting && /^[^\r\n]+\r$/.test(input)) return { draft: draft + input.slice(0, -1), action: 'submit' };
  if (pasting || (input.length > 1 && /[\r\n]/.test(input))) {
    return { draft: draft + (key.return ? '\n' : input.replace(/\r\n?/g, '\n')) };
  }
  if (key.escape) return { draft, action: 'cancel' };
  // Alt+Enter (ESC CR) adds a line; a plain Enter sends.
  if (key.return) return key.meta ? { draft: `${draft}\n` } : { draft, action: 'submit' };
  // Ink reports the Backspace key of most terminals (DEL) as `delete`.
  if (key.backspace || key.delete) return { draft: [...draft].slice(0, -1).join('') };
  if (key.ctrl && input === 'u') return { draft: '' };
  if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) return { draft };
  if (key.pageUp || key.pageDown || key.home || key.end) return { draft };
  return { draft: draft + input.replace(/\t/g, '  ') };
}
