/**
 * Lays out a Markdown text that grows at its end (a streaming reply) without laying out all of it on every
 * frame. The text is cut at its last safe block boundary: right after a blank line outside a code fence, or
 * right after the line that closes a fence. Everything before the boundary is laid out once and kept; only the
 * tail after it is laid out again. At a boundary no fence is open, so `renderMarkdown` of the pieces, one after
 * another, gives the lines `renderMarkdown` gives for the whole text (test/ui/markdownStream.test.ts checks it).
 */
import { startsWith } from '../text/startsWith.js';
import { renderMarkdown } from './markdown.js';
import { FENCE } from './markdownFence.js';

export class MarkdownStream {
  private width = -1;
  /** All the text so far, as `lines` was last given it (its check that a new text starts with it); null after `grow`. */
  private text: string | null = '';
  /** The text after the kept lines' boundary: all that is laid out again. */
  private tail = '';
  /** Where, in the tail, the lines not scanned yet begin: just after the last complete line's newline. */
  private scanned = 0;
  /** The fence open at the end of the scanned text, or null. */
  private fence: string | null = null;
  /** The last safe boundary found in the tail, just after its newline (0: none yet). */
  private safe = 0;
  private kept: string[] = [];
  private lastTail: string[] | null = null;
  /** Characters laid out so far; tests use it to check that kept blocks are laid out once. */
  laidOutChars = 0;
  /** Characters scanned for fences and blank lines so far; tests use it to check that a frame reads only what is new. */
  scannedChars = 0;

  /** `prefix` goes before every line (the transcript's indent), kept with the kept lines. */
  constructor(private readonly prefix = '') {}

  /**
   * The lines of `text` at `width`: the kept ones (shared between calls: do not change them) and the tail's.
   * A text that does not start with the one seen before (an edit), or another width, starts again. This compares
   * `text` with the text before it; `grow` is for a caller that knows what was added.
   */
  lines(text: string, width: number): { kept: readonly string[]; tail: readonly string[] } {
    const known = width === this.width ? this.text : null;
    const added = known !== null && startsWith(text, known) ? text.slice(known.length) : null;
    if (added === null) this.reset(width);
    const lines = this.grow(added ?? text, width);
    this.text = text;
    return lines;
  }

  /** The lines once `added` is appended to the text so far (another width starts again, with `added` alone). */
  grow(added: string, width: number): { kept: readonly string[]; tail: readonly string[] } {
    if (width !== this.width) this.reset(width);
    this.text = null;
    if (added !== '') {
      this.tail += added;
      this.lastTail = null;
    }
    return this.layout();
  }

  /** Starts again, empty, at `width`. */
  reset(width: number): void {
    this.width = width;
    this.text = '';
    this.tail = '';
    this.scanned = 0;
    this.fence = null;
    this.safe = 0;
    this.kept = [];
    this.lastTail = null;
  }

  private layout(): { kept: readonly string[]; tail: readonly string[] } {
    if (this.lastTail) return { kept: this.kept, tail: this.lastTail };
    this.scan();
    if (this.safe > 0) {
      // The newline at safe - 1 separates the block from what follows; it is not part of either piece.
      this.append(renderMarkdown(this.tail.slice(0, this.safe - 1), this.width));
      this.laidOutChars += this.safe;
      this.tail = this.tail.slice(this.safe);
      this.scanned -= this.safe;
      this.safe = 0;
    }
    const tail = renderMarkdown(this.tail, this.width);
    this.laidOutChars += this.tail.length;
    this.lastTail = this.prefix ? tail.map((line) => this.prefix + line) : tail;
    return { kept: this.kept, tail: this.lastTail };
  }

  /** Follows the fences through the complete lines not scanned yet, as `renderMarkdown` does. */
  private scan(): void {
    const text = this.tail;
    let at = this.scanned;
    for (let end = text.indexOf('\n', at); end !== -1; end = text.indexOf('\n', at)) {
      const line = text.slice(at, end).replace(/\t/g, '  ');
      const fence = FENCE.exec(line);
      if (this.fence !== null) {
        if (fence && fence[1] === this.fence && !fence[2]) {
          this.fence = null;
          this.safe = end + 1;
        }
      } else if (fence) {
        this.fence = fence[1] ?? '```';
      } else if (line.trim() === '') {
        this.safe = end + 1;
      }
      at = end + 1;
    }
    this.scannedChars += at - this.scanned;
    this.scanned = at;
  }

  private append(lines: string[]): void {
    for (const line of lines) this.kept.push(this.prefix + line);
  }
}
