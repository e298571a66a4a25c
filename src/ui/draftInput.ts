/**
 * Editing the customer's message (or the new text of a reply), one key press at a time. Pasted text keeps its
 * newlines. No control character gets into the text: a draft holds printable text, newlines and spaces only.
 */
import type { Key } from 'ink';
import { sanitize } from '../text/sanitize.js';

export type DraftResult = { draft: string; action?: 'submit' | 'cancel' };

/**
 * Typed or pasted text as it goes into a draft: line breaks as "\n", tabs as two spaces, no control character and
 * no escape sequence. A paste goes in whole, its Enters as new lines: it never sends the draft.
 */
export function draftText(text: string): string {
  return sanitize(text.replace(/\r\n?/g, '\n')).replace(/\t/g, '  ');
}

/** One key press in the open draft. */
export function editDraft(draft: string, input: string, key: Key): DraftResult {
  if (key.escape) return { draft, action: 'cancel' };
  // Alt+Enter (ESC CR) adds a line; a plain Enter sends.
  if (key.return) return key.meta ? { draft: `${draft}\n` } : { draft, action: 'submit' };
  // Ink reports the Backspace key of most terminals (DEL) as `delete`.
  if (key.backspace || key.delete) return { draft: [...draft].slice(0, -1).join('') };
  if (key.ctrl && input === 'u') return { draft: '' };
  if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) return { draft };
  if (key.pageUp || key.pageDown || key.home || key.end) return { draft };
  // Ctrl+J (a lone LF) adds a line, as in most line editors.
  return { draft: draft + draftText(input) };
}
