import fc from 'fast-check';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { simpleWidth } from '../../src/text/simpleWidth.js';

// simpleWidth stands in front of string-width in the bundle: whenever it answers, it must answer as string-width does.
describe('simpleWidth', () => {
  it('answers for the characters a TUI is drawn with', () => {
    expect(simpleWidth('│ ○ … ─ · ✓ ✗ ⚠ ↺ ▌ ⏸ café')).toBe(26);
    expect(simpleWidth('plain ascii')).toBe(11);
    expect(simpleWidth('')).toBe(0);
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
    ['CJK', '漢字'],
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

  it('agrees with string-width on every code point of the Basic Multilingual Plane it answers for', () => {
    const wrong: string[] = [];
    let answered = 0;
    for (let cp = 0; cp <= 0xffff; cp++) {
      const ch = String.fromCharCode(cp);
      // Alone, twice in a row (a pair that would join into one cluster), and between letters.
      for (const text of [ch, ch + ch, `x${ch}é`]) {
        const width = simpleWidth(text);
        if (width === undefined) continue;
        answered++;
        if (width !== stringWidth(text)) wrong.push(`U+${cp.toString(16).toUpperCase().padStart(4, '0')} in ${JSON.stringify(text)}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(answered).toBeGreaterThan(3 * 2000);
  });

  it('agrees with string-width on mixed text, escape codes included (property)', () => {
    const pieces = [
      'a', 'Z', ' ', '~', 'é', 'ß', '±', '│', '─', '○', '●', '…', '·', '→', '✓', '⚠', '⏸', '™',
      '👍', '❤\uFE0F', '🇫🇷', '👨\u200D👩\u200D👧', '漢', 'ｱ', '\u0301', '\u200B', '\u00AD', '\uFE0F', '\t', '\n', '\u1100\u1161',
      '\x1b[31m', '\x1b[0m', '\x1b[1;2m', '\x9b4m', '\x1b]8;;https://x.example\x07', '\x1b]8;;\x07',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 24 }), fc.boolean(), (parts, narrow) => {
        const text = parts.join('');
        const width = simpleWidth(text, { ambiguousIsNarrow: narrow });
        if (width !== undefined) expect(width).toBe(stringWidth(text, { ambiguousIsNarrow: narrow }));
      }),
      { numRuns: 2000 },
    );
  });
});
