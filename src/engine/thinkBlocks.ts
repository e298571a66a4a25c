/**
 * `<think>…</think>` blocks in a reply's content (DeepSeek R1, Qwen3 and other reasoning models on servers that do
 * not take the thinking out into a field of its own): the thinking is split from the reply as the text streams, so it
 * is never shown, sent back or read as the reply. A tag split across two pieces is held back until it is whole.
 */
const OPEN = '<think>';
const CLOSE = '</think>';

/** How much of the end of `text` could be the start of `tag`. */
function partialTag(text: string, tag: string): number {
  for (let n = Math.min(tag.length - 1, text.length); n > 0; n--) {
    if (text.endsWith(tag.slice(0, n))) return n;
  }
  return 0;
}

export class ThinkSplitter {
  private inside = false;
  private held = '';
  /** Just past a tag: the newlines that follow it belong to neither the thinking nor the reply. */
  private afterTag = false;

  /** The reply text and the thinking in `piece`, as far as they can be told apart yet. */
  push(piece: string): { reply: string; reasoning: string } {
    let text = this.held + piece;
    this.held = '';
    let reply = '';
    let reasoning = '';
    while (text) {
      if (this.afterTag) {
        text = text.replace(/^\s+/, '');
        if (!text) break;
        this.afterTag = false;
      }
      const tag = this.inside ? CLOSE : OPEN;
      const at = text.indexOf(tag);
      if (at === -1) {
        let keep = partialTag(text, tag);
        // Inside, the whitespace at the end waits too: the newline before `</think>` is not the thinking's.
        if (this.inside) keep += /\s*$/.exec(text.slice(0, text.length - keep))?.[0].length ?? 0;
        const out = text.slice(0, text.length - keep);
        this.held = text.slice(text.length - keep);
        if (this.inside) reasoning += out;
        else reply += out;
        break;
      }
      if (this.inside) reasoning += text.slice(0, at).trimEnd();
      else reply += text.slice(0, at);
      text = text.slice(at + tag.length);
      this.afterTag = true;
      this.inside = !this.inside;
    }
    return { reply, reasoning };
  }

  /** The end of the reply: what was held back as a possible tag was text after all. */
  end(): { reply: string; reasoning: string } {
    const rest = this.held;
    this.held = '';
    return this.inside ? { reply: '', reasoning: rest.trimEnd() } : { reply: rest, reasoning: '' };
  }
}
