/**
 * The inline editor's text buffer: a text and a cursor, and every edit as a pure function of them. Positions count
 * code points, so an emoji or an accented letter is one step of the cursor. `layout` wraps the text into rows of
 * a width (at a space where it can), which the cursor moves up and down through and the editor draws.
 *
 * No library does this for an Ink app that reads its own keys (useKeyPresses): Ink's text inputs are one line and
 * take their keys through useInput, and the one multi-line input for Ink is a 0.1 with no word moves.
 */
import stringWidth from 'string-width';

export interface Buffer {
  readonly text: string;
  /** Where the cursor stands: 0 before the first character, the text's length after the last. */
  readonly cursor: number;
}

/** One row on screen: the code points `start` to `end` (end excluded, without the line's "\n"). */
export interface Row {
  start: number;
  end: number;
}

const chars = (text: string) => Array.from(text);
const isWord = (char: string | undefined) => char !== undefined && /[\p{L}\p{N}_]/u.test(char);
const clamp = (n: number, max: number) => Math.max(0, Math.min(max, n));

export function bufferOf(text: string, cursor?: number): Buffer {
  const length = chars(text).length;
  return { text, cursor: clamp(cursor ?? length, length) };
}

function splice(buffer: Buffer, from: number, to: number, insert = ''): Buffer {
  const all = chars(buffer.text);
  const added = chars(insert);
  all.splice(from, to - from, ...added);
  return { text: all.join(''), cursor: from + added.length };
}

export function insert(buffer: Buffer, text: string): Buffer {
  return text ? splice(buffer, buffer.cursor, buffer.cursor, text) : buffer;
}

export function deleteBackward(buffer: Buffer): Buffer {
  return buffer.cursor === 0 ? buffer : splice(buffer, buffer.cursor - 1, buffer.cursor);
}

export function deleteForward(buffer: Buffer): Buffer {
  const length = chars(buffer.text).length;
  return buffer.cursor >= length ? buffer : { ...splice(buffer, buffer.cursor, buffer.cursor + 1), cursor: buffer.cursor };
}

export function moveBy(buffer: Buffer, step: number): Buffer {
  return { ...buffer, cursor: clamp(buffer.cursor + step, chars(buffer.text).length) };
}

/** The start of the word before the cursor (what Ctrl+Left and Alt+B go to). */
function wordStartBefore(text: string, cursor: number): number {
  const all = chars(text);
  let at = cursor;
  while (at > 0 && !isWord(all[at - 1])) at--;
  while (at > 0 && isWord(all[at - 1])) at--;
  return at;
}

/** The end of the word after the cursor (what Ctrl+Right and Alt+F go to). */
function wordEndAfter(text: string, cursor: number): number {
  const all = chars(text);
  let at = cursor;
  while (at < all.length && !isWord(all[at])) at++;
  while (at < all.length && isWord(all[at])) at++;
  return at;
}

export const wordLeft = (buffer: Buffer): Buffer => ({ ...buffer, cursor: wordStartBefore(buffer.text, buffer.cursor) });
export const wordRight = (buffer: Buffer): Buffer => ({ ...buffer, cursor: wordEndAfter(buffer.text, buffer.cursor) });
export const deleteWordBackward = (buffer: Buffer): Buffer => splice(buffer, wordStartBefore(buffer.text, buffer.cursor), buffer.cursor);
export function deleteWordForward(buffer: Buffer): Buffer {
  return { ...splice(buffer, buffer.cursor, wordEndAfter(buffer.text, buffer.cursor)), cursor: buffer.cursor };
}

/** Where the line the cursor is on starts and ends (its "\n" excluded). */
function lineBounds(buffer: Buffer): { start: number; end: number } {
  const all = chars(buffer.text);
  let start = buffer.cursor;
  while (start > 0 && all[start - 1] !== '\n') start--;
  let end = buffer.cursor;
  while (end < all.length && all[end] !== '\n') end++;
  return { start, end };
}

export const lineStart = (buffer: Buffer): Buffer => ({ ...buffer, cursor: lineBounds(buffer).start });
export const lineEnd = (buffer: Buffer): Buffer => ({ ...buffer, cursor: lineBounds(buffer).end });
/** Ctrl+U: the line up to the cursor goes; at the start of a line, the line break before it. */
export function deleteToLineStart(buffer: Buffer): Buffer {
  const { start } = lineBounds(buffer);
  return start === buffer.cursor ? deleteBackward(buffer) : splice(buffer, start, buffer.cursor);
}
/** Ctrl+K: the line from the cursor on goes; at the end of a line, the line break after it. */
export function deleteToLineEnd(buffer: Buffer): Buffer {
  const { end } = lineBounds(buffer);
  return end === buffer.cursor ? deleteForward(buffer) : { ...splice(buffer, buffer.cursor, end), cursor: buffer.cursor };
}

const charWidth = (char: string) => (char === '\t' ? 1 : Math.max(0, stringWidth(char)));

/**
 * The text in rows at most `width` columns wide: each line wrapped after the last space that fits, or cut at the
 * width when a word is longer. An empty line is one empty row.
 */
export function layout(text: string, width: number): Row[] {
  const all = chars(text);
  const max = Math.max(1, width);
  const rows: Row[] = [];
  let lineStartAt = 0;
  for (let i = 0; i <= all.length; i++) {
    if (i < all.length && all[i] !== '\n') continue;
    // The line lineStartAt..i, wrapped.
    let start = lineStartAt;
    while (true) {
      let used = 0;
      let end = start;
      let lastSpace = -1;
      while (end < i && used + charWidth(all[end]!) <= max) {
        used += charWidth(all[end]!);
        if (all[end] === ' ') lastSpace = end;
        end++;
      }
      if (end >= i) {
        rows.push({ start, end: i });
        break;
      }
      // Break after the last space that fits, unless the row would then be empty.
      const cut = lastSpace >= start ? lastSpace + 1 : Math.max(end, start + 1);
      rows.push({ start, end: cut });
      start = cut;
    }
    lineStartAt = i + 1;
  }
  return rows;
}

/** The row the cursor is on, and its column there. A cursor at a wrap point stands at the start of the next row. */
export function cursorPlace(text: string, rows: readonly Row[], cursor: number): { row: number; column: number } {
  let row = rows.findIndex((r, i) => cursor >= r.start && (cursor < r.end || (cursor === r.end && rows[i + 1]?.start !== r.end)));
  if (row < 0) row = rows.length - 1;
  const r = rows[row] ?? { start: 0, end: 0 };
  const column = chars(text)
    .slice(r.start, Math.min(cursor, r.end))
    .reduce((n, c) => n + charWidth(c), 0);
  return { row, column };
}

/** Up (negative) or down by rows of `width`, at the same column where the row is long enough. */
export function moveRows(buffer: Buffer, width: number, by: number): Buffer {
  const rows = layout(buffer.text, width);
  const { row, column } = cursorPlace(buffer.text, rows, buffer.cursor);
  const target = row + by;
  if (target < 0) return { ...buffer, cursor: 0 };
  if (target >= rows.length) return { ...buffer, cursor: chars(buffer.text).length };
  const r = rows[target]!;
  const all = chars(buffer.text);
  let at = r.start;
  let used = 0;
  // A wrapped row's last place is its end only when it is the end of its line.
  const last = rows[target + 1]?.start === r.end ? r.end - 1 : r.end;
  while (at < last && used + charWidth(all[at]!) <= column) {
    used += charWidth(all[at]!);
    at++;
  }
  return { ...buffer, cursor: at };
}

/** The first row to show so that the cursor's row is in view, moving as little as it can from `top`. */
export function scrollTop(top: number, cursorRow: number, height: number, rows: number): number {
  const max = Math.max(0, rows - height);
  let next = Math.min(top, max);
  if (cursorRow < next) next = cursorRow;
  if (cursorRow >= next + height) next = cursorRow - height + 1;
  return Math.max(0, Math.min(next, max));
}
