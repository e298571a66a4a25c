import { describe, expect, it } from 'vitest';
import { editorKey, editorOpened, editorPaste, type EditorMeta } from '../../src/ui/editor/editorKeys.js';
import {
  bufferOf,
  cursorPlace,
  deleteToLineEnd,
  deleteToLineStart,
  deleteWordBackward,
  deleteWordForward,
  insert,
  layout,
  moveRows,
  scrollTop,
  wordLeft,
  wordRight,
} from '../../src/ui/editor/textBuffer.js';
import { KeyReader } from '../../src/ui/keyPresses.js';

/** The text with a | where the cursor is. */
const show = (b: { text: string; cursor: number }) => `${[...b.text].slice(0, b.cursor).join('')}|${[...b.text].slice(b.cursor).join('')}`;
const at = (marked: string) => bufferOf(marked.replace('|', ''), [...marked.slice(0, marked.indexOf('|'))].length);

describe('the text buffer', () => {
  it('inserts at the cursor and counts code points, so an emoji is one step', () => {
    expect(show(insert(at('ab|cd'), 'XY'))).toBe('abXY|cd');
    expect(show(insert(at('😀|b'), 'é'))).toBe('😀é|b');
  });

  it('jumps and deletes by words, across punctuation and spaces', () => {
    expect(show(wordLeft(at('one two, three|')))).toBe('one two, |three');
    expect(show(wordLeft(at('one two, |three')))).toBe('one |two, three');
    expect(show(wordRight(at('|one two')))).toBe('one| two');
    expect(show(wordRight(at('one| two')))).toBe('one two|');
    expect(show(deleteWordBackward(at('say hello wor|ld')))).toBe('say hello |ld');
    expect(show(deleteWordForward(at('say |hello world')))).toBe('say | world');
  });

  it('Ctrl+U and Ctrl+K cut to the start and the end of the line, then take the line break', () => {
    expect(show(deleteToLineStart(at('one\ntw|o')))).toBe('one\n|o');
    expect(show(deleteToLineStart(at('one\n|two')))).toBe('one|two');
    expect(show(deleteToLineEnd(at('o|ne\ntwo')))).toBe('o|\ntwo');
    expect(show(deleteToLineEnd(at('one|\ntwo')))).toBe('one|two');
  });

  it('wraps long lines after a space, cuts a word longer than the row, and keeps empty lines', () => {
    const rows = (text: string, width: number) => layout(text, width).map((r) => [...text].slice(r.start, r.end).join(''));
    expect(rows('the quick brown fox', 10)).toEqual(['the quick ', 'brown fox']);
    expect(rows('abcdefghijkl', 5)).toEqual(['abcde', 'fghij', 'kl']);
    expect(rows('one\n\ntwo', 10)).toEqual(['one', '', 'two']);
    expect(rows('', 10)).toEqual(['']);
    // Wide characters take two columns.
    expect(rows('日本語の文', 6)).toEqual(['日本語', 'の文']);
  });

  it('places the cursor on its row, a cursor at a wrap point at the start of the next', () => {
    const text = 'the quick brown fox';
    const rows = layout(text, 10);
    expect(cursorPlace(text, rows, 4)).toEqual({ row: 0, column: 4 });
    expect(cursorPlace(text, rows, 10)).toEqual({ row: 1, column: 0 });
    expect(cursorPlace(text, rows, 19)).toEqual({ row: 1, column: 9 });
  });

  it('moves up and down through wrapped rows at the same column, to the ends past the first and last row', () => {
    const b = at('the quick |brown fox');
    expect(show(moveRows(at('the quick brown f|ox'), 10, -1))).toBe('the qui|ck brown fox');
    expect(show(moveRows(at('th|e quick brown fox'), 10, 1))).toBe('the quick br|own fox');
    expect(show(moveRows(b, 10, -5))).toBe('|the quick brown fox');
    expect(show(moveRows(b, 10, 5))).toBe('the quick brown fox|');
    expect(show(moveRows(at('long line her|e\nab'), 20, 1))).toBe('long line here\nab|');
  });

  it('scrolls as little as it can to keep the cursor row in view', () => {
    expect(scrollTop(0, 3, 5, 20)).toBe(0);
    expect(scrollTop(0, 7, 5, 20)).toBe(3);
    expect(scrollTop(6, 2, 5, 20)).toBe(2);
    expect(scrollTop(10, 19, 5, 12)).toBe(7);
  });
});

describe('the editor keys', () => {
  /** Types raw terminal input through the key reader into the editor, as the TUI does. */
  const type = (start: string, ...chunks: string[]) => {
    const reader = new KeyReader();
    let text = start;
    let meta: EditorMeta = editorOpened(start);
    let action: string | undefined;
    for (const chunk of chunks) {
      for (const press of reader.read(chunk)) {
        const result = press.paste ? editorPaste(text, meta, press.input) : editorKey(text, meta, press.input, press.key, 40);
        text = result.text;
        meta = result.meta;
        action = result.action ?? action;
      }
    }
    return { shown: show(bufferOf(text, meta.cursor ?? undefined)), action, meta };
  };

  it('arrows, Home/End, Ctrl+A/E and word jumps move the cursor; typing goes in where it stands', () => {
    expect(type('hello world', '\x1b[D', '\x1b[D', 'X').shown).toBe('hello worX|ld');
    expect(type('hello world', '\x1b[H', '>').shown).toBe('>|hello world');
    expect(type('hello world', '\x01', '\x1b[F', '!').shown).toBe('hello world!|');
    expect(type('one two three', '\x1b[1;5D', '\x1b[1;5D', '_').shown).toBe('one _|two three');
    expect(type('one two three', '\x1bb', '\x1b[1;3D', '\x1b[1;5C', '_').shown).toBe('one two_| three');
  });

  it('Backspace, Ctrl+W, Alt+Backspace and Alt+D delete; Alt+Enter and Ctrl+J add a line; Enter sends', () => {
    expect(type('one two', '\x7f').shown).toBe('one tw|');
    expect(type('one two', '\x17').shown).toBe('one |');
    expect(type('one two', '\x1b\x7f').shown).toBe('one |');
    expect(type('one two', '\x1b[H', '\x1bd').shown).toBe('| two');
    expect(type('a', '\x1b\r', 'b', '\n', 'c').shown).toBe('a\nb\nc|');
    expect(type('a', '\r').action).toBe('submit');
    expect(type('a', '\x07').action).toBe('external');
  });

  it('a paste goes in at the cursor with its lines, and never sends', () => {
    const result = type('ab', '\x1b[D', '\x1b[200~', 'one\r\ntwo', '\x1b[31m', '\x1b[201~');
    expect(result.shown).toBe('aone\ntwo|b');
    expect(result.action).toBeUndefined();
  });

  it('esc leaves an unchanged text at once, and asks before it drops a changed one: y drops it, other keys edit on', () => {
    expect(type('same', '\x1b').action).toBe('cancel');
    const asked = type('', 'draft', '\x1b');
    expect(asked.action).toBeUndefined();
    expect(asked.meta.confirmDiscard).toBe(true);
    expect(type('', 'draft', '\x1b', 'y').action).toBe('cancel');
    const kept = type('', 'draft', '\x1b', 'n', '!');
    expect(kept.action).toBeUndefined();
    expect(kept.shown).toBe('draft!|');
  });
});
