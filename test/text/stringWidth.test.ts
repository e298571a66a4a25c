import fc from 'fast-check';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

// Every string-width under node_modules carries roleplay's fast path (patches/): whenever it answers, it must answer
// as the copy's own measure (measuredWidth, the function the patch keeps) does, and it answers for the characters a
// TUI is drawn with.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Every copy of string-width under node_modules, as the bundle finds them: the plugin fronts each one. */
function widthCopies(dir = path.join(root, 'node_modules')): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const sub = path.join(dir, entry.name);
    if (entry.name === 'string-width' && existsSync(path.join(sub, 'package.json'))) found.push(sub);
    if (entry.name.startsWith('@')) found.push(...widthCopies(sub));
    else if (existsSync(path.join(sub, 'node_modules'))) found.push(...widthCopies(path.join(sub, 'node_modules')));
  }
  return found;
}

type Width = (text: unknown, options?: { ambiguousIsNarrow?: boolean; countAnsiEscapeCodes?: boolean }) => number;
interface Copy {
  dir: string;
  version: string;
  main: string;
}
const copies: Copy[] = widthCopies().map((dir) => {
  const { version, exports: entry } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string; exports?: unknown };
  return { dir: path.relative(root, dir), version, main: path.join(dir, typeof entry === 'string' ? entry : 'index.js') };
});
const load = async (main: string) => (await import(pathToFileURL(main).href)) as { default: Width; measuredWidth?: Width };

describe.each(copies)('the fast path in $dir ($version)', ({ main }) => {
  it('is there: the copy keeps its own measure beside it', async () => {
    expect(typeof (await load(main)).measuredWidth).toBe('function');
  });

  it('answers for the characters a TUI is drawn with, CJK too, without the full measure', async () => {
    const { default: width, measuredWidth } = await load(main);
    // The full measure (Intl.Segmenter, emoji expressions per grapheme) is many times slower on such lines.
    const time = (measure: Width) => {
      const started = performance.now();
      for (let i = 0; i < 3000; i++) measure(`│ ○ … ─ · ✓ ✗ ↺ ▌ café ${i} 漢字，检查。「データ」한국어`);
      return performance.now() - started;
    };
    time(width);
    time(measuredWidth!);
    expect(time(width) * 3).toBeLessThan(time(measuredWidth!));
    expect(width('漢字')).toBe(4);
    expect(width('\x1b[1m漢字\x1b[22m│ ok')).toBe(8);
  });

  it('agrees with it on every code point of the Basic Multilingual Plane it answers for', async () => {
    const { default: width, measuredWidth } = await load(main);
    const real = measuredWidth!;
    const wrong: string[] = [];
    for (let cp = 0; cp <= 0xffff; cp++) {
      const ch = String.fromCharCode(cp);
      // Alone, twice in a row (a pair that would join into one cluster), and between letters.
      for (const text of [ch, ch + ch, `x${ch}é`]) {
        if (width(text) !== real(text)) wrong.push(`U+${cp.toString(16).toUpperCase().padStart(4, '0')} in ${JSON.stringify(text)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('agrees with it on mixed text, escape codes included (property)', async () => {
    const { default: width, measuredWidth } = await load(main);
    const real = measuredWidth!;
    const pieces = [
      'a',
      'Z',
      ' ',
      '~',
      'é',
      'ß',
      '±',
      '│',
      '─',
      '○',
      '●',
      '…',
      '·',
      '→',
      '✓',
      '⚠',
      '⏸',
      '™',
      '©',
      '↔',
      '▶',
      '👍',
      '❤\uFE0F',
      '🇫🇷',
      '👨\u200D👩\u200D👧',
      '漢',
      'ｱ',
      '\u0301',
      '\u200B',
      '\u00AD',
      '\uFE0F',
      '\t',
      '\n',
      '\u1100\u1161',
      '\x1b[31m',
      '\x1b[0m',
      '\x1b[1;2m',
      '\x9b4m',
      '\x1b]8;;https://x.example\x07',
      '\x1b]8;;\x07',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 24 }), fc.boolean(), (parts, narrow) => {
        const text = parts.join('');
        for (const options of [{ ambiguousIsNarrow: narrow }, { countAnsiEscapeCodes: narrow }])
          expect(width(text, options)).toBe(real(text, options));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the copies found', () => {
  it("include the one Ink uses and wrap-ansi 9's older one", () => {
    expect(copies.map((c) => c.version.split('.')[0]).sort()).toEqual(expect.arrayContaining(['7', '8']));
  });
});
