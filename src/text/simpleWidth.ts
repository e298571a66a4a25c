/**
 * The fast path in front of `string-width`, for the strings a terminal UI is made of. The bundle routes every
 * `string-width` import (Ink's layout and output, cli-truncate, wrap-ansi) through it; see scripts/bundlePlugins.mjs.
 * Each copy of string-width gets the function checked against its own major version.
 *
 * string-width answers printable ASCII at once, but any other character sends the whole string through
 * Intl.Segmenter and a `\p{RGI_Emoji}` regular expression. Compiling that expression the first time costs
 * 30–50 ms, and a frame with one "│" or "…" in it pays it. Here the answer for a string made only of
 * characters string-width itself counts as one column each is its length, plus one for each CJK character in it
 * (two columns each). Anything else (emoji, marks, controls, other options) gets `undefined`, and the caller asks
 * string-width.
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

/**
 * The CJK characters string-width 7 and 8 both measure as two columns, with no Emoji property, each a grapheme
 * cluster of its own next to any of these or of the one-column characters: CJK radicals and punctuation, kana,
 * bopomofo, Hangul compatibility jamo and syllables, ideographs, CJK compatibility and fullwidth forms. Left out:
 * the combining marks among them (U+302A–U+302F, U+3099–U+309A), the Hangul filler, emoji-style ones (U+3030,
 * U+303D, U+3297, U+3299). All of them lie at U+2E80 or above, every one-column character below.
 * test/text/simpleWidth.test.ts checks each one against string-width.
 */
const TWO_COLUMN_CHARACTERS =
  '\\u2E80-\\u2E99\\u2E9B-\\u2EF3\\u2F00-\\u2FD5\\u2FF0-\\u3029\\u3031-\\u303C\\u303E\\u3041-\\u3096\\u309B-\\u30FF\\u3105-\\u312F\\u3131-\\u3163\\u3165-\\u318E\\u3190-\\u31E5\\u31EF-\\u321E\\u3220-\\u3247\\u3250-\\u3296\\u3298\\u329A-\\uA48C\\uA490-\\uA4C6\\uAC00-\\uD7A3\\uF900-\\uFAFF\\uFE10-\\uFE19\\uFE30-\\uFE52\\uFE54-\\uFE66\\uFE68-\\uFE6B\\uFF01-\\uFF60\\uFFE0-\\uFFE6';
const FIRST_TWO_COLUMN = 0x2e80;
const KNOWN_WIDTH_EACH = new RegExp(`^[${ONE_COLUMN_CHARACTERS}${TWO_COLUMN_CHARACTERS}]*$`);

export interface WidthOptions {
  ambiguousIsNarrow?: boolean;
  countAnsiEscapeCodes?: boolean;
}

/** `text` without its escape codes when every character of it is one of the above; otherwise `undefined`. */
function knownText(text: unknown, options?: WidthOptions): string | undefined {
  if (typeof text !== 'string') return undefined;
  // Wide ambiguous characters, or escape codes counted as text: string-width's own business.
  if (options?.ambiguousIsNarrow === false || options?.countAnsiEscapeCodes === true) return undefined;
  const visible = text.includes('\u001B') || text.includes('\u009B') ? stripAnsi(text) : text;
  return KNOWN_WIDTH_EACH.test(visible) ? visible : undefined;
}

/** The columns of a string of the characters above: one each, and one more for each two-column one. */
function columns(visible: string): number {
  let width = visible.length;
  for (let i = 0; i < visible.length; i++) if (visible.charCodeAt(i) >= FIRST_TWO_COLUMN) width++;
  return width;
}

/** The width string-width 8 would give, when the answer is sure without it; otherwise `undefined`. */
export function simpleWidth(text: unknown, options?: WidthOptions): number | undefined {
  const visible = knownText(text, options);
  return visible === undefined ? undefined : columns(visible);
}

/** string-width 7 counts every character with the Emoji property as two columns, © ™ ↔ ▶ ⚠ ✔ among them. */
const EMOJI_PROPERTY = /(?![#*0-9])\p{Emoji}/u;

/**
 * The width string-width 7 would give (wrap-ansi 9, which Ink uses, has that copy), when the answer is sure
 * without it; otherwise `undefined`.
 */
export function simpleWidthV7(text: unknown, options?: WidthOptions): number | undefined {
  const visible = knownText(text, options);
  return visible === undefined || EMOJI_PROPERTY.test(visible) ? undefined : columns(visible);
}
