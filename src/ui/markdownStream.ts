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
  /** The text scanned so far: up to the end of its last complete line. */
  private scannedText = '';
  /** Where the kept lines end in the text: just after the newline that ends a block (0: nothing kept). */
  private boundary = 0;
  /** The fence open at the end of the scanned text, or null. */
  private fence: string | null = null;
  /** The last safe boundary found in the scanned text. */
  private safe = 0;
  private kept: string[] = [];
  private lastText: string | null = null;
  private lastTail: string[] = [];
  /** Characters laid out so far; tests use it to check that kept blocks are laid out once. */
  laidOutChars = 0;

  /** `prefix` goes before every line (the transcript's indent), kept with the kept lines. */
  constructor(private readonly prefix = '') {}

  /**
   * The lines of `text` at `width`: the kept ones (shared between calls: do not change them) and the tail's.
   * A text that does not start with the one seen before (an edit), or another width, starts again.
   */
  lines(text: string, width: number): { kept: readonly string[]; tail: readonly string[] } {
    if (text === this.lastText && width === this.width) return { kept: this.kept, tail: this.lastTail };
    if (width !== this.width || !startsWith(text, this.scannedText)) this.reset(width);
    this.scan(text);
    if (this.safe > this.boundary) {
      // The newline at safe - 1 separates the block from what follows; it is not part of either piece.
      this.append(renderMarkdown(text.slice(this.boundary, this.safe - 1), width));
      this.laidOutChars += this.safe - this.boundary;
      this.boundary = this.safe;
    }
    const tail = renderMarkdown(text.slice(this.boundary), width);
    this.laidOutChars += text.length - this.boundary;
    this.lastText = text;
    this.lastTail = this.prefix ? tail.map((line) => this.prefix + line) : tail;
    return { kept: this.kept, tail: this.lastTail };
  }

  private reset(width: number): void {
    this.width = width;
    this.scannedText = '';
    this.boundary = 0;
    this.fence = null;
    this.safe = 0;
    this.kept = [];
  }

  /** Follows the fences through the complete lines not scanned yet, as `renderMarkdown` does. */
  private scan(text: string): void {
    let at = this.scannedText.length;
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
    this.scannedText = text.slice(0, at);
  }

  private append(lines: string[]): void {
    for (const line of lines) this.kept.push(this.prefix + line);
  }
}
