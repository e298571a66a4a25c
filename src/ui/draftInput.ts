/**
 * What typed and pasted text becomes in the inline editor (src/ui/editor/): no control character gets into it, so
 * a draft holds printable text, newlines and spaces only.
 */
import { sanitize } from '../text/sanitize.js';

/**
 * Typed or pasted text as it goes into a draft: line breaks as "\n", tabs as two spaces, no control character and
 * no escape sequence. A paste goes in whole, its Enters as new lines: it never sends the draft.
 */
export function draftText(text: string): string {
  return sanitize(text.replace(/\r\n?/g, '\n')).replace(/\t/g, '  ');
}
