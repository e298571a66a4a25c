/**
 * A stand-in for `new Intl.Segmenter(undefined, { granularity: 'grapheme' })`, for the two modules Ink draws every
 * line through (@alcalzone/ansi-tokenize and slice-ansi); the bundle swaps it in for their own segmenters (see
 * scripts/bundlePlugins.mjs).
 *
 * The first Intl object a process makes costs it 20–30 ms (ICU loads its locale data), and those modules make
 * theirs when they load, before the first frame. Then they walk every line one grapheme cluster at a time, each
 * one a call into ICU. Most lines of a terminal UI are made of characters that are each a cluster of their own:
 * for those this answers as Intl.Segmenter would, in plain JavaScript. Any other string goes to a real
 * Intl.Segmenter, made the first time one is needed. test/text/graphemes.test.ts checks each character it answers
 * for against Intl.Segmenter next to the neighbours that could join it into a cluster, and random strings too.
 */
import { ONE_COLUMN_CHARACTERS } from './simpleWidth.js';

/**
 * Strings in which every UTF-16 unit is a grapheme cluster of its own: the one-column characters of
 * simpleWidth.ts, and the C0 and C1 controls, which escape codes are made of, but for CR (CR LF is one cluster).
 */
const ONE_UNIT_CLUSTERS = new RegExp(`^[\\x00-\\x0C\\x0E-\\x1F\\x7F-\\x9F${ONE_COLUMN_CHARACTERS}]*$`);

/** Whether every UTF-16 unit of `text` is a grapheme cluster of its own, as far as this module knows. */
export function oneUnitClusters(text: string): boolean {
  return ONE_UNIT_CLUSTERS.test(text);
}

export interface GraphemeSegment {
  segment: string;
  index: number;
  input: string;
}

export interface GraphemeSegments extends Iterable<GraphemeSegment> {
  containing(codeUnitIndex?: number): GraphemeSegment | undefined;
}

/** What Intl.Segmenter's `segment()` gives for a string whose every unit is a cluster. */
class OneUnitSegments implements GraphemeSegments {
  constructor(private readonly input: string) {}

  containing(codeUnitIndex?: number): GraphemeSegment | undefined {
    // As Intl does: ToIntegerOrInfinity, so undefined and NaN are 0.
    const index = Math.trunc(Number(codeUnitIndex)) || 0;
    if (index < 0 || index >= this.input.length) return undefined;
    return { segment: this.input[index]!, index, input: this.input };
  }

  *[Symbol.iterator](): Iterator<GraphemeSegment> {
    const { input } = this;
    for (let index = 0; index < input.length; index++) yield { segment: input[index]!, index, input };
  }
}

let real: Intl.Segmenter | undefined;

/** Segments `text` into grapheme clusters as `Intl.Segmenter` with the grapheme granularity does. */
export function segmentGraphemes(text: string): GraphemeSegments {
  const input = String(text);
  if (oneUnitClusters(input)) return new OneUnitSegments(input);
  real ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  return real.segment(input);
}

/** The object the bundle puts where those modules had `new Intl.Segmenter(undefined, { granularity: 'grapheme' })`. */
export function graphemeSegmenter(): { segment(text: string): GraphemeSegments } {
  return { segment: segmentGraphemes };
}
