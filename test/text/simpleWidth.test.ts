import fc from 'fast-check';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM build script, no types
import { widthFastPathFor } from '../../scripts/bundlePlugins.mjs';
import { simpleWidth, simpleWidthV7 } from '../../src/text/simpleWidth.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fastPaths = { simpleWidth, simpleWidthV7 };

// simpleWidth stands in front of string-width in the bundle: whenever it answers, it must answer as string-width does.
describe('simpleWidth', () => {
  it('answers for the characters a TUI is drawn with', () => {
    expect(simpleWidth('│ ○ … ─ · ✓ ✗ ⚠ ↺ ▌ ⏸ café')).toBe(26);
    expect(simpleWidth('plain ascii')).toBe(11);
    expect(simpleWidth('')).toBe(0);
  });

  it('answers for CJK text, two columns a character', () => {
    expect(simpleWidth('漢字')).toBe(4);
    expect(simpleWidth('服务，检查。「データ」한국어 ok')).toBe(31);
    expect(simpleWidthV7('\x1b[1m漢字\x1b[22m│')).toBe(5);
  });

  it('strips escape codes as string-width does', () => {
    expect(simpleWidth('\x1b[2m │ \x1b[22m\x1b[1mdemo\x1b[22m')).toBe(7);
    expect(simpleWidth('\x9b31mred\x9b39m')).toBe(3);
    expect(simpleWidth('\x1b]8;;https://example.com\x07link\x1b]8;;\x07')).toBe(4);
  });

  it.each([
    ['emoji', '👍'],
    ['an emoji made of a text symbol', '⚠\uFE0F'],
    ['a wide symbol', '⌚'],
    ['a CJK ideograph of the supplementary planes', '𠀀'],
    ['a kana with a combining voiced mark', 'か\u3099'],
    ['a Hangul syllable with a trailing jamo', '한\u11AB'],
    ['an emoji-style CJK symbol', '〰'],
    ['a combining mark', 'e\u0301'],
    ['a zero-width joiner', 'a\u200Db'],
    ['a soft hyphen', 'soft\u00ADhyphen'],
    ['a tab', 'a\tb'],
    ['a newline', 'a\nb'],
    ['a flag', '🇫🇷'],
    ['a lone surrogate', '\uD800'],
  ])('leaves %s to string-width', (_name, text) => {
    expect(simpleWidth(text)).toBeUndefined();
  });

  it('leaves other options to string-width', () => {
    expect(simpleWidth('±', { ambiguousIsNarrow: false })).toBeUndefined();
    expect(simpleWidth('\x1b[1mx', { countAnsiEscapeCodes: true })).toBeUndefined();
    expect(simpleWidth('±', { ambiguousIsNarrow: true, countAnsiEscapeCodes: false })).toBe(1);
    expect(simpleWidth(42)).toBeUndefined();
  });
});

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

type Width = (text: unknown, options?: { ambiguousIsNarrow?: boolean }) => number | undefined;
const copies = widthCopies().map((dir) => {
  const { version, exports: entry } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string; exports?: unknown };
  const fast = widthFastPathFor(version) as keyof typeof fastPaths | undefined;
  return { dir: path.relative(root, dir), version, fast, main: path.join(dir, typeof entry === 'string' ? entry : 'index.js') };
});

describe.each(copies)('the fast path in front of $dir ($version)', ({ version, fast, main }) => {
  it('has a checked function for its major version', () => {
    expect(fast, `string-width ${version}`).toBeDefined();
  });

  it('agrees with it on every code point of the Basic Multilingual Plane it answers for', async () => {
    const real = ((await import(pathToFileURL(main).href)) as { default: Width }).default;
    const width: Width = fastPaths[fast!];
    const wrong: string[] = [];
    let answered = 0;
    for (let cp = 0; cp <= 0xffff; cp++) {
      const ch = String.fromCharCode(cp);
      // Alone, twice in a row (a pair that would join into one cluster), and between letters.
      for (const text of [ch, ch + ch, `x${ch}é`]) {
        const w = width(text);
        if (w === undefined) continue;
        answered++;
        if (w !== real(text)) wrong.push(`U+${cp.toString(16).toUpperCase().padStart(4, '0')} in ${JSON.stringify(text)}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(answered).toBeGreaterThan(3 * 40_000);
  });

  it('agrees with it on mixed text, escape codes included (property)', async () => {
    const real = ((await import(pathToFileURL(main).href)) as { default: Width }).default;
    const width: Width = fastPaths[fast!];
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
        const w = width(text, { ambiguousIsNarrow: narrow });
        if (w !== undefined) expect(w).toBe(real(text, { ambiguousIsNarrow: narrow }));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('simpleWidthV7', () => {
  it('leaves characters string-width 7 draws as emoji to it', () => {
    for (const ch of ['©', '®', '™', '↔', '▶', '⚠', '✔', '❤', '⏸']) expect(simpleWidthV7(`a${ch}`), ch).toBeUndefined();
    expect(simpleWidthV7('│ ○ … ─ · ✓ ✗ ↺ ▌ café 42 #*')).toBe(28);
  });
});

describe('the copies found', () => {
  it("include the one Ink uses and wrap-ansi 9's older one", () => {
    expect(copies.map((c) => c.version.split('.')[0]).sort()).toEqual(expect.arrayContaining(['7', '8']));
  });
});
