/**
 * The fast path in front of `string-width`, for the strings a terminal UI is made of. The bundle routes every
 * `string-width` import (Ink's layout and output, cli-truncate, wrap-ansi) through it; see scripts/bundlePlugins.mjs.
 * Each copy of string-width gets the function checked against its own major version.
 *
 * string-width answers printable ASCII at once, but any other character sends the whole string through
 * Intl.Segmenter and a `\p{RGI_Emoji}` regular expression. Compiling that expression the first time costs
 * 30–50 ms, and a frame with one "│" or "…" in it pays it. Here the answer for a string made only of
 * characters string-width itself counts as one column each is its length. Anything else (emoji, CJK, marks,
 * controls, other options) gets `undefined`, and the caller asks string-width.
 */
import stripAnsi from 'strip-ansi';

/**
 * Printable ASCII, and every code point in U+00A0–U+02FF, U+2010–U+205E and U+2100–U+27BF that string-width
 * measures as one column and that is a grapheme cluster of its own: Latin-1 and Latin Extended, punctuation,
 * arrows, maths, box drawing, blocks, shapes and text-style symbols. Left out: the soft hyphen, emoji-style and
 * wide symbols, and the bidi controls. test/text/simpleWidth.test.ts checks each one against string-width.
 * (The body of a character class, for src/text/graphemes.ts too.)
 */
export const ONE_COLUMN_CHARACTERS =
  '\\x20-\\x7E\\u00A0-\\u00AC\\u00AE-\\u02FF\\u2010-\\u2029\\u202F-\\u205E\\u2100-\\u2319\\u231C-\\u2328\\u232B-\\u23E8\\u23ED-\\u23EF\\u23F1-\\u23F2\\u23F4-\\u25FC\\u25FF-\\u2613\\u2616-\\u262F\\u2638-\\u2647\\u2654-\\u267E\\u2680-\\u2689\\u2690-\\u2692\\u2694-\\u26A0\\u26A2-\\u26A9\\u26AC-\\u26BC\\u26BF-\\u26C3\\u26C6-\\u26CD\\u26CF-\\u26D3\\u26D5-\\u26E9\\u26EB-\\u26F1\\u26F4\\u26F6-\\u26F9\\u26FB-\\u26FC\\u26FE-\\u2704\\u2706-\\u2709\\u270C-\\u2727\\u2729-\\u274B\\u274D\\u274F-\\u2752\\u2756\\u2758-\\u2794\\u2798-\\u27AF\\u27B1-\\u27BE';
const ONE_COLUMN_EACH = new RegExp(`^[${ONE_COLUMN_CHARACTERS}]*$`);

export interface WidthOptions {
  ambiguousIsNarrow?: boolean;
  countAnsiEscapeCodes?: boolean;
}

/** `text` without its escape codes when every character of it is one column wide; otherwise `undefined`. */
function oneColumnText(text: unknown, options?: WidthOptions): string | undefined {
  if (typeof text !== 'string') return undefined;
  // Wide ambiguous characters, or escape codes counted as text: string-width's own business.
  if (options?.ambiguousIsNarrow === false || options?.countAnsiEscapeCodes === true) return undefined;
  const visible = text.includes('\u001B') || text.includes('\u009B') ? stripAnsi(text) : text;
  return ONE_COLUMN_EACH.test(visible) ? visible : undefined;
}

/** The width string-width 8 would give, when the answer is sure without it; otherwise `undefined`. */
export function simpleWidth(text: unknown, options?: WidthOptions): number | undefined {
  return oneColumnText(text, options)?.length;
}

/** string-width 7 counts every character with the Emoji property as two columns, © ™ ↔ ▶ ⚠ ✔ among them. */
const EMOJI_PROPERTY = /(?![#*0-9])\p{Emoji}/u;

/**
 * The width string-width 7 would give (wrap-ansi 9, which Ink uses, has that copy), when the answer is sure
 * without it; otherwise `undefined`.
 */
export function simpleWidthV7(text: unknown, options?: WidthOptions): number | undefined {
  const visible = oneColumnText(text, options);
  return visible === undefined || EMOJI_PROPERTY.test(visible) ? undefined : visible.length;
}
