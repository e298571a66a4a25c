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
// A CSI or ESC sequence cut off before its final byte, or a carriage return whose newline may come next (\r\n is
// one newline, a lone \r another).
const OPEN_SEQUENCE = /(?:\x1b\[[\x30-\x3f]*[\x20-\x2f]*|\x9b[\x30-\x3f]*[\x20-\x2f]*|\x1b[\x20-\x2f]*|\r)$/;
const MAX_HELD = 8192;

/**
 * Sanitises text that arrives in pieces: a sequence split across two chunks is held back until it is
 * complete, so neither its bytes nor its visible remains ("[2J") reach the terminal.
 */
export class StreamSanitizer {
  private held = '';

  push(chunk: string): string {
    const text = this.held + chunk;
    const open = OPEN_STRING.exec(text) ?? OPEN_SEQUENCE.exec(text);
    if (!open || open[0].length === 0) {
      this.held = '';
      return sanitize(text);
    }
    // An unterminated sequence that grows without end is dropped, as sanitize() would drop it.
    this.held = open[0].length > MAX_HELD ? '' : open[0];
    return sanitize(text.slice(0, open.index));
  }

  /** The end of the stream: whatever is still held is an unfinished sequence and goes. */
  end(): string {
    const rest = sanitize(this.held);
    this.held = '';
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
