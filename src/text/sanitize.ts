/**
 * The one boundary that model and config text crosses before it reaches a terminal. It removes escape
 * sequences (CSI, OSC, DCS, SOS, PM, APC and two-byte ESC forms), C0 and C1 controls except newline and tab,
 * and BiDi overrides that can make text read differently from what it is.
 */
// ESC-introduced strings end at BEL or ST (ESC \ or 0x9c); an unterminated one runs to the end of the text.
const STRING_SEQ = /(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[\s\S]*?(?:\x07|\x1b\\|\x9c|$)/g;
const CSI_SEQ = /(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?/g;
const ESC_SEQ = /\x1b[\x20-\x2f]*[\x30-\x7e]?/g;
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;
const BIDI = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;

// What sanitize() removes starts with one of these characters; a text with none of them is left as it is.
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/;

export function sanitize(text: string): string {
  if (!UNSAFE.test(text)) return text;
  return text.replace(STRING_SEQ, '').replace(CSI_SEQ, '').replace(ESC_SEQ, '').replace(/\r\n?/g, '\n').replace(CONTROLS, '').replace(BIDI, '');
}

// A string sequence (OSC, DCS, ...) opened but not yet terminated at the end of the text so far.
const OPEN_STRING = /(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])(?:(?!\x07|\x1b\\|\x9c)[\s\S])*$/;
// A CSI or ESC sequence cut off before its final byte.
const OPEN_SEQUENCE = /(?:\x1b\[[\x30-\x3f]*[\x20-\x2f]*|\x9b[\x30-\x3f]*[\x20-\x2f]*|\x1b[\x20-\x2f]*)$/;
// What ends a string sequence (OSC, DCS, ...).
const STRING_END = /\x07|\x1b\\|\x9c/;
const MAX_HELD = 8192;

/**
 * Sanitises text that arrives in pieces: a sequence split across two chunks is held back until it is
 * complete, so neither its bytes nor its visible remains ("[2J") reach the terminal.
 */
export class StreamSanitizer {
  private held = '';
  /** Inside a string sequence held too long to keep: what comes is dropped until its end, as sanitize() drops it. */
  private skipping = false;
  /** What came before that sequence and waits for what comes after it (a carriage return, and codes). */
  private resume = '';

  push(chunk: string): string {
    let text = this.held + chunk;
    this.held = '';
    if (this.skipping) {
      const end = STRING_END.exec(text);
      if (!end) {
        // An ESC at the very end may be the first half of the ESC \ that ends it.
        this.held = text.endsWith('\x1b') ? '\x1b' : '';
        return '';
      }
      this.skipping = false;
      text = this.resume + text.slice(end.index + end[0].length);
      this.resume = '';
    }
    const open = OPEN_STRING.exec(text) ?? OPEN_SEQUENCE.exec(text);
    let cut = open && open[0].length > 0 ? open.index : text.length;
    // A carriage return (not inside a string sequence) with nothing after it that sanitize() would keep: its newline
    // may come next (\r\n is one newline, after the codes between them are gone; a lone \r another).
    const cr = text.lastIndexOf('\r', cut - 1);
    if (cr !== -1 && sanitize(text.slice(cr + 1, cut)) === '' && !OPEN_STRING.test(text.slice(0, cr))) cut = cr;
    const rest = text.slice(cut);
    if (rest.length <= MAX_HELD) this.held = rest;
    else if (open && OPEN_STRING.test(open[0])) {
      // An unterminated string sequence that grows without end: it goes, and the rest of it as it comes.
      this.skipping = true;
      this.resume = text.slice(cut, open.index);
    }
    return sanitize(text.slice(0, cut));
  }

  /** The end of the stream: whatever is still held is an unfinished sequence and goes. */
  end(): string {
    const rest = sanitize(this.skipping ? this.resume : this.held);
    this.held = '';
    this.resume = '';
    this.skipping = false;
    return rest;
  }
}

// JSON.stringify escapes C0 controls but leaves DEL, C1 controls and BiDi overrides raw; a terminal showing
// the JSON may act on them. Escaped, the JSON stays valid and means the same.
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** JSON.stringify, with every character a terminal could act on written as a \\u escape. */
export function terminalSafeJson(value: unknown, space?: number): string {
  return JSON.stringify(value, null, space).replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Text for one line of `width` columns at most: sanitised, its whitespace runs one space, cut with "…". */
export function oneLine(text: string, width: number): string {
  const flat = sanitize(text).replace(/\s+/g, ' ').trim();
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
}
