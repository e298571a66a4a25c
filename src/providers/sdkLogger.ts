/**
 * The openai SDK's logger (its `logger` client option). Left to itself the SDK logs to `console`, raw: a stream line
 * it cannot parse, escape bytes and all, would reach the terminal past the sanitiser (and over the TUI). This one
 * prints nothing: it keeps the last few messages, sanitised and cut to one line, for the failure they explain.
 */
import { oneLine } from '../text/sanitize.js';

type LogFn = (message: string, ...rest: unknown[]) => void;

const KEEP = 8;
const WIDTH = 120;

function show(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export class SdkLog {
  private readonly entries: Array<{ level: string; message: string; data: string | undefined }> = [];

  readonly logger: { error: LogFn; warn: LogFn; info: LogFn; debug: LogFn } = {
    error: (message, ...rest) => this.keep('error', message, rest),
    warn: (message, ...rest) => this.keep('warn', message, rest),
    info: () => {},
    debug: () => {},
  };

  private keep(level: string, message: string, rest: unknown[]): void {
    const first = rest[0];
    this.entries.push({
      level,
      message: oneLine(show(message), WIDTH),
      data: first === undefined ? undefined : oneLine(show(first), WIDTH),
    });
    if (this.entries.length > KEEP) this.entries.shift();
  }

  /** The line the SDK could not parse, sanitised and quoted, if it logged one. */
  lastData(): string | undefined {
    const entry = this.entries.findLast((e) => /could not parse/i.test(e.message));
    return entry?.data === undefined ? undefined : `"${entry.data}"`;
  }
}
