import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface Segments extends Iterable<{ segment: string; index: number; input: string }> {
  containing(index?: number): { segment: string; index: number; input: string } | undefined;
}
// Added to @alcalzone/ansi-tokenize by roleplay's patch (patches/), which has no types for it.
const tokenizer = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../node_modules/@alcalzone/ansi-tokenize/build/index.js');
const { graphemeSegmenter, segmentGraphemes } = (await import(pathToFileURL(tokenizer).href)) as {
  graphemeSegmenter: { segment(text: string): Segments };
  segmentGraphemes: (text: string) => Segments;
};
/** Whether the stand-in answered by itself, without ICU. */
const oneUnitClusters = (text: string) => segmentGraphemes(text).constructor.name === 'OneUnitSegments';

const real = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const plain = (segments: Iterable<{ segment: string; index: number; input: string }>) =>
  [...segments].map(({ segment, index, input }) => ({ segment, index, input }));

/** The characters the stand-in answers for itself: each one alone is segmented without ICU. */
const answered: string[] = [];
for (let cp = 0; cp <= 0xffff; cp++) {
  const ch = String.fromCharCode(cp);
  if (oneUnitClusters(ch)) answered.push(ch);
}

// roleplay's patch to @alcalzone/ansi-tokenize (build/graphemes.js) stands in for Intl.Segmenter there and in
// slice-ansi: it must give the very same segments.
describe('segmentGraphemes', () => {
  it('answers by itself for the characters terminal lines and escape codes are made of', () => {
    expect(answered.length).toBeGreaterThan(2000);
    for (const ch of ['a', ' ', '~', '\x1b', '\x9b', '\x07', '\n', '│', '─', '…', '✓', '⚠', 'é', '→'])
      expect(answered, JSON.stringify(ch)).toContain(ch);
    for (const ch of ['\r', '\u0301', '\u200D', '\uFE0F', '漢', '\uD83D', '\u1100']) expect(answered, JSON.stringify(ch)).not.toContain(ch);
  });

  it('answers only for characters no neighbour joins into one cluster', () => {
    // Two units make one cluster when the second extends the first (marks, ZWJ, spacing marks), when the first is
    // a prefix (Prepend), or CR before LF, or Hangul jamo: each of these neighbours would show it.
    const joined: string[] = [];
    for (const ch of answered) {
      for (const text of [`x${ch}`, `${ch}x`, `${ch}${ch}`, `\u1100${ch}`, `\uAC00${ch}`, `${ch}\u1161`, `${ch}\u11A8`, `${ch}\n`]) {
        if ([...real.segment(text)].length !== text.length) joined.push(`U+${ch.charCodeAt(0).toString(16)} in ${JSON.stringify(text)}`);
      }
    }
    expect(joined).toEqual([]);
  });

  it('gives the segments and the containing segment Intl.Segmenter gives (property)', () => {
    const pool = [
      ...answered.filter((_, i) => i % 7 === 0),
      'a',
      '\x1b[31m',
      '\x1b]8;;x\x07',
      '\r\n',
      '\r',
      'e\u0301',
      '👍',
      '👨\u200D👩',
      '🇫🇷',
      '漢',
      '\u1100\u1161',
      '\uFE0F',
      '\uD800',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pool), { maxLength: 30 }), (parts) => {
        const text = parts.join('');
        const mine = segmentGraphemes(text);
        const theirs = real.segment(text);
        expect(plain(mine)).toEqual(plain(theirs));
        for (const index of [-1, 0, 1, text.length >> 1, text.length - 1, text.length, Number.NaN, undefined, 2.7]) {
          const a = mine.containing(index);
          const b = theirs.containing(index);
          expect(a && { ...a }, String(index)).toEqual(b && { segment: b.segment, index: b.index, input: b.input });
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('is what graphemeSegmenter() segments with', () => {
    expect(plain(graphemeSegmenter.segment('│ ok'))).toEqual(plain(real.segment('│ ok')));
  });
});
