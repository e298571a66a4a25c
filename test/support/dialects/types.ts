/**
 * What a dialect fake needs to stream one reply: its text, the thinking a reasoning model sends first, and the usage
 * the server reports. A dialect turns it into the exact bytes its server writes.
 */
export interface DialectReply {
  text: string;
  /** The model's thinking, for the dialects of servers that stream it. */
  reasoning: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
  /** The request asked for usage (`stream_options.include_usage`). */
  includeUsage: boolean;
  /** A fixed number for ids and timestamps, so a run's bytes are the same every time. */
  seq: number;
}

export interface Dialect {
  name: string;
  /** Where the format comes from: the server's docs, or its source. */
  source: string;
  /** Whether the dialect streams thinking (so the test expects it back). */
  reasons: boolean;
  /** Whether the server reports usage when asked (Gemini and Mistral also when not). */
  usage: 'asked' | 'always';
  /** The response headers, as the server sends them. */
  headers: Record<string, string>;
  /** The whole response body, event by event, as the server writes it. */
  events(reply: DialectReply): string[];
}

/** The pieces of a text a model streams: words, with the spaces after them, a few characters at a time. */
export function tokens(text: string): string[] {
  return text.match(/\S{1,6}\s*|\s+/gu) ?? [];
}

/** JSON as Python's json.dumps writes it by default: ", " and ": ", every non-ASCII character as \u escapes. */
export function pythonJson(value: unknown): string {
  const out = (v: unknown): string => {
    if (v === null || typeof v === 'number' || typeof v === 'boolean') return JSON.stringify(v);
    if (typeof v === 'string') return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    if (Array.isArray(v)) return `[${v.map(out).join(', ')}]`;
    return `{${Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .map(([k, x]) => `${out(k)}: ${out(x)}`)
      .join(', ')}}`;
  };
  return out(value);
}

/** JSON as Go's encoding/json writes it: compact, with <, > and & escaped for HTML. */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
