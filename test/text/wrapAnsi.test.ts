/**
 * The wrap-ansi patch (patches/wrap-ansi+9.0.2.patch) keeps the width of the row being filled instead of measuring
 * it again for every word: it must wrap exactly as wrap-ansi as npm installs it does, on any text.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const installed = path.join(root, 'node_modules', 'wrap-ansi');
type Wrap = (text: string, columns: number, options?: { hard?: boolean; trim?: boolean; wordWrap?: boolean }) => string;

let pristineFile: string;
let patched: Wrap;
let pristine: Wrap;

beforeAll(async () => {
  // The patch taken out of a copy of index.js, which then sits beside the installed one, so that it imports the
  // very same string-width and the rest.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'roleplay-wrap-'));
  try {
    mkdirSync(path.join(dir, 'node_modules', 'wrap-ansi'), { recursive: true });
    copyFileSync(path.join(installed, 'index.js'), path.join(dir, 'node_modules', 'wrap-ansi', 'index.js'));
    execFileSync('patch', ['-R', '-p1', '-s', '-d', dir, '-i', path.join(root, 'patches', 'wrap-ansi+9.0.2.patch')]);
    pristineFile = path.join(installed, `.pristine-${process.pid}.js`);
    copyFileSync(path.join(dir, 'node_modules', 'wrap-ansi', 'index.js'), pristineFile);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  patched = ((await import(pathToFileURL(path.join(installed, 'index.js')).href)) as { default: Wrap }).default;
  pristine = ((await import(pathToFileURL(pristineFile).href)) as { default: Wrap }).default;
});

afterAll(() => {
  rmSync(pristineFile, { force: true });
});

// Pieces of text that make wrapping hard: runs of spaces, tabs, wide and zero-width characters, emoji with
// modifiers and joiners, combining marks (also right after a space), and colour codes.
const piece = fc.constantFrom(
  'word',
  'a',
  'longerword',
  ' ',
  '  ',
  '\t',
  '\n',
  '漢字',
  'かな',
  '👍',
  '👍🏻',
  '👨‍👩‍👧',
  '❤️',
  '🏻',
  'e\u0301',
  '\u0301',
  '\u200d',
  '\ufe0f',
  '\uff9e',
  '\u0e33',
  '\u{e0061}',
  '\u0600',
  '—',
  'ünï',
  '\x1b[1m',
  '\x1b[22m',
  '\x1b[31m',
  '\x1b[39m',
  '\x1b]8;;https://x.y\x07',
  '\x1b]8;;\x07',
  '·',
  '─',
  'é',
);
const text = fc.array(piece, { maxLength: 60 }).map((pieces) => pieces.join(''));
const options = fc.constantFrom({}, { hard: true }, { trim: false }, { wordWrap: false }, { hard: true, trim: false });

describe('wrap-ansi, patched', () => {
  it('wraps as the installed wrap-ansi does, for any text, width and options (property)', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 40 }), options, (input, columns, opts) => {
        expect(patched(input, columns, opts)).toBe(pristine(input, columns, opts));
      }),
      { numRuns: Number(process.env.WRAP_RUNS ?? 3000) },
    );
  });

  it.each([
    // A Prepend character, then a colour code: measured, the code is gone and the Prepend joins what follows.
    ['\u0600\x1b[31m  word', 3, { hard: true }],
    ['\u0600\x1b[31m word', 10, {}],
    ['a\u0600\x1b[1m b', 10, {}],
    // A row of width 0 that is not empty: the word joins the Prepend in it.
    ['\u0600 word', 10, {}],
  ] as const)('wraps %j at %i columns as the installed one does', (input, columns, opts) => {
    expect(patched(input, columns, opts)).toBe(pristine(input, columns, opts));
  });

  it('wraps a long paragraph of wide text as the installed one does', () => {
    const paragraph = Array.from({ length: 4000 }, (_, i) => (i % 7 === 0 ? '👍🏻 漢字' : `word${i}`)).join(' ');
    expect(patched(paragraph, 200)).toBe(pristine(paragraph, 200));
  });
});
