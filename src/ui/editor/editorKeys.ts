/**
 * What each key does in the inline editor, as readline and most line editors have it: arrows, Home/End, word jumps
 * (Ctrl or Alt with the arrows, Alt+B / Alt+F), word delete (Ctrl+W, Alt+Backspace, Alt+D), Ctrl+U / Ctrl+K, a new
 * line with Alt+Enter or Ctrl+J, Enter to send, esc to leave (asking first when the text was changed), Ctrl+G to
 * hand the text to $VISUAL / $EDITOR. No control character gets into the text.
 */
import type { Key } from 'ink';
import { draftText } from '../draftInput.js';
import {
  bufferOf,
  deleteBackward,
  deleteForward,
  deleteToLineEnd,
  deleteToLineStart,
  deleteWordBackward,
  deleteWordForward,
  insert,
  lineEnd,
  lineStart,
  moveBy,
  moveRows,
  wordLeft,
  wordRight,
  type Buffer,
} from './textBuffer.js';

/** What the editor holds besides its text: where the cursor is, what it started from, and a question on screen. */
export interface EditorMeta {
  /** The cursor, in code points; null stands for the end of the text. */
  cursor: number | null;
  /** The text the editor opened with: esc asks before it drops a text that differs from it. */
  start: string;
  /** esc was pressed on a changed text: `y` drops it, any other key goes back to editing. */
  confirmDiscard: boolean;
  /** What it edits, for the line under it: "Editing CTO, turn 3". */
  title: string;
  /** The final reply of an ended conversation it edits (its artifact follows); absent: the last reply. */
  target?: string;
}

export const editorOpened = (text: string, title = ''): EditorMeta => ({ cursor: null, start: text, confirmDiscard: false, title });

export type EditorAction = 'submit' | 'cancel' | 'external';

export interface EditorResult {
  text: string;
  meta: EditorMeta;
  action?: EditorAction;
}

/** The editor's keys, for the help overlay and the README: what `editorKey` does, in words. */
export const EDITOR_KEYS: ReadonlyArray<{ label: string; description: string }> = [
  { label: 'enter', description: 'send (save an edit, find)' },
  { label: 'alt+enter/ctrl+j', description: 'a new line' },
  { label: '←/→ ↑/↓', description: 'move the cursor; ↑ and ↓ through wrapped rows' },
  { label: 'ctrl/alt+←/→', description: 'a word back / on (also alt+b, alt+f)' },
  { label: 'Home/End', description: 'start / end of the line (also ctrl+a, ctrl+e)' },
  { label: 'ctrl+w', description: 'delete the word before (also alt+backspace)' },
  { label: 'alt+d / ctrl+d', description: 'delete the word / the character after' },
  { label: 'ctrl+u / ctrl+k', description: 'delete to the start / end of the line' },
  { label: 'ctrl+g', description: 'edit the text in $VISUAL or $EDITOR' },
  { label: 'esc', description: 'close (asks first when you changed the text)' },
];

/** Rows PgUp and PgDn move. */
const PAGE = 5;

/** One key press in the editor; `width` is the width its rows wrap at, for ↑ and ↓. */
export function editorKey(text: string, meta: EditorMeta, input: string, key: Key, width: number, askBeforeDiscard = true): EditorResult {
  const buffer = bufferOf(text, meta.cursor ?? undefined);
  const done = (next: Buffer, action?: EditorAction): EditorResult => ({
    text: next.text,
    meta: { ...meta, cursor: next.cursor, confirmDiscard: false },
    ...(action ? { action } : {}),
  });
  if (meta.confirmDiscard) {
    // The question's answer is not typed.
    if (input === 'y' && !key.ctrl && !key.meta) return done(buffer, 'cancel');
    return done(buffer);
  }
  // Ink and the key reader name a lone esc with meta set: it is esc all the same.
  if (key.escape) return esc(buffer, meta, askBeforeDiscard);
  if (key.return) return key.meta ? done(insert(buffer, '\n')) : done(buffer, 'submit');
  const word = key.ctrl || key.meta;
  if (key.leftArrow) return done(word ? wordLeft(buffer) : moveBy(buffer, -1));
  if (key.rightArrow) return done(word ? wordRight(buffer) : moveBy(buffer, 1));
  if (key.upArrow) return done(moveRows(buffer, width, -1));
  if (key.downArrow) return done(moveRows(buffer, width, 1));
  if (key.pageUp) return done(moveRows(buffer, width, -PAGE));
  if (key.pageDown) return done(moveRows(buffer, width, PAGE));
  if (key.home) return done(key.ctrl ? moveBy(buffer, -Infinity) : lineStart(buffer));
  if (key.end) return done(key.ctrl ? moveBy(buffer, Infinity) : lineEnd(buffer));
  // Ink names the Backspace key of most terminals (DEL) `delete`; Alt with it deletes a word.
  if (key.backspace || key.delete) return done(key.meta || key.ctrl ? deleteWordBackward(buffer) : deleteBackward(buffer));
  if (key.ctrl) {
    switch (input) {
      case 'a':
        return done(lineStart(buffer));
      case 'e':
        return done(lineEnd(buffer));
      case 'b':
        return done(moveBy(buffer, -1));
      case 'f':
        return done(moveBy(buffer, 1));
      case 'd':
        return done(deleteForward(buffer));
      case 'w':
        return done(deleteWordBackward(buffer));
      case 'u':
        return done(deleteToLineStart(buffer));
      case 'k':
        return done(deleteToLineEnd(buffer));
      case 'g':
        return done(buffer, 'external');
      default:
        return done(buffer);
    }
  }
  if (key.meta) {
    if (input === 'b') return done(wordLeft(buffer));
    if (input === 'f') return done(wordRight(buffer));
    if (input === 'd') return done(deleteWordForward(buffer));
    return done(buffer);
  }
  if (key.tab) return done(buffer);
  // Ctrl+J (a lone LF) adds a line, as in most line editors.
  return done(insert(buffer, draftText(input)));
}

function esc(buffer: Buffer, meta: EditorMeta, ask: boolean): EditorResult {
  const changed = buffer.text !== meta.start && buffer.text.trim() !== '';
  if (ask && changed) return { text: buffer.text, meta: { ...meta, cursor: buffer.cursor, confirmDiscard: true } };
  return { text: buffer.text, meta: { ...meta, cursor: buffer.cursor, confirmDiscard: false }, action: 'cancel' };
}

/** A paste goes in whole at the cursor, its Enters as new lines: it never sends the text. */
export function editorPaste(text: string, meta: EditorMeta, pasted: string): EditorResult {
  const next = insert(bufferOf(text, meta.cursor ?? undefined), draftText(pasted));
  return { text: next.text, meta: { ...meta, cursor: next.cursor, confirmDiscard: false } };
}
