/**
 * Reads a session journal (`events.jsonl`, docs/journal.md) line by line, in chunks: a journal can be larger than
 * the longest string V8 can hold. Each line is parsed, migrated to format 2 (journalMigration.ts), validated with
 * its zod schema and checked for order (journalOrder.ts). Synchronous, as its callers are.
 *
 * A torn last line (a run killed while writing it) is skipped and reported as `torn`. Anything else wrong is a
 * UsageError of one line: `<file>:<line>: <what is wrong>`.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { z } from 'zod';
import type { EngineEvent } from '../engine/events.js';
import { EVENT_SCHEMAS, isEventType } from '../engine/eventSchema.js';
import { UsageError } from '../errors.js';
import { displayPath } from './displayPath.js';
import { formatPath } from '../config/resolve.js';
import { createMigrationState, JournalProblem, migrateEvent } from './journalMigration.js';
import { JournalOrder } from './journalOrder.js';

export interface Journal {
  /** The session directory (the folder holding events.jsonl). */
  dir: string;
  file: string;
  events: EngineEvent[];
  /** The 1-based line of each event in the file. */
  lines: number[];
  /** True when the last line was cut off (the run was killed while writing) and was skipped. */
  torn: boolean;
}

export interface ReadOptions {
  /** Bytes read at a time (default 1 MiB); tests make it small. */
  chunkSize?: number;
}

export interface JournalScan {
  events: number;
  /** The last event's `t`: how long the recording lasts. */
  lastT: number;
  torn: boolean;
}

const CHUNK = 1024 * 1024;

/** Reads and checks the whole journal into memory (events only: a format-2 journal stores no text twice). */
export function readJournal(file: string, cwd = process.cwd(), options: ReadOptions = {}): Journal {
  const events: EngineEvent[] = [];
  const lines: number[] = [];
  const { torn } = scanJournal(
    file,
    (event, line) => {
      events.push(event);
      lines.push(line);
    },
    cwd,
    options,
  );
  return { dir: path.dirname(file), file, events, lines, torn };
}

/**
 * Streams the journal's events to `onEvent`, checked and migrated, without keeping them. One exception to "as they
 * come": a format-1 run stopped by its budget says so only in its run.finished, which then turns the `quit` of the
 * conversation.ended before it into `budget`, on the object already passed on.
 */
export function scanJournal(
  file: string,
  onEvent: (event: EngineEvent, line: number) => void,
  cwd = process.cwd(),
  options: ReadOptions = {},
): JournalScan {
  const shown = displayPath(file, cwd);
  const fail = (line: number, message: string): never => {
    throw new UsageError(oneLine(`${shown}:${line}: ${message}`));
  };
  const migration = createMigrationState();
  const order = new JournalOrder();
  let count = 0;
  let lastT = 0;
  // A line that is not JSON is torn if nothing but blank lines follows it; otherwise the journal is broken.
  let unparsed: number | null = null;

  const take = (text: string, line: number) => {
    if (isBlank(text)) return;
    if (unparsed !== null) fail(unparsed, 'not a JSON event; is this a roleplay events.jsonl?');
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      unparsed = line;
      return;
    }
    const event = toEvent(raw, migration, (message) => fail(line, message));
    const problem = order.check(event);
    if (problem) fail(line, problem);
    count++;
    lastT = event.t;
    onEvent(event, line);
  };

  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    throw new UsageError(`cannot read ${shown}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    forEachLine(fd, options.chunkSize ?? CHUNK, take, (line) => fail(line, 'the line is too long to read'));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code) throw new UsageError(`cannot read ${shown}: ${code}`);
    throw error;
  } finally {
    closeSync(fd);
  }
  return { events: count, lastT, torn: unparsed !== null };
}

/** Splits the file into lines, decoding UTF-8 across chunk boundaries; the last line may lack its newline. */
function forEachLine(fd: number, chunkSize: number, take: (text: string, line: number) => void, tooLong: (line: number) => never): void {
  const buffer = Buffer.alloc(Math.max(1, chunkSize));
  const decoder = new StringDecoder('utf8');
  let parts: string[] = [];
  let line = 1;
  const joined = (last: string) => {
    if (parts.length === 0) return last;
    try {
      return parts.join('') + last;
    } catch (error) {
      if (error instanceof RangeError) tooLong(line);
      throw error;
    } finally {
      parts = [];
    }
  };
  for (let n: number; (n = readSync(fd, buffer, 0, buffer.length, null)) > 0;) {
    const text = decoder.write(buffer.subarray(0, n));
    let start = 0;
    for (let newline: number; (newline = text.indexOf('\n', start)) !== -1; start = newline + 1) {
      take(joined(text.slice(start, newline)), line++);
    }
    if (start < text.length) parts.push(text.slice(start));
  }
  const rest = joined(decoder.end());
  if (rest) take(rest, line);
}

function isBlank(text: string): boolean {
  return text.length === 0 || /^\s*$/.test(text);
}

/** Migrates and validates one parsed line; `fail` reports what is wrong with it. */
function toEvent(raw: unknown, migration: ReturnType<typeof createMigrationState>, fail: (message: string) => never): EngineEvent {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('not a JSON object; is this a roleplay events.jsonl?');
  const type = (raw as Record<string, unknown>).type;
  if (type === undefined) return fail('an event with no "type"; is this a roleplay events.jsonl?');
  if (!isEventType(type)) return fail(`unknown event type ${quote(type)}`);
  try {
    migrateEvent(raw as Record<string, unknown>, migration);
  } catch (error) {
    if (error instanceof JournalProblem) return fail(error.message);
    throw error;
  }
  const result = EVENT_SCHEMAS[type].safeParse(raw, { reportInput: true });
  if (!result.success) return fail(`${type}: ${describeIssue(result.error.issues[0])}`);
  // The schema returns a new object: a later run.finished must patch that one (see scanJournal).
  const held = migration.quitEnds.lastIndexOf(raw as Record<string, unknown>);
  if (held !== -1) migration.quitEnds[held] = result.data;
  return result.data;
}

/** One zod issue as a person reads it: the path of the bad field, then what is wrong with it. */
function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return 'is not valid';
  const where = formatPath(issue.path, '(event)');
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'invalid_type':
      return input === undefined ? `${where}: is missing` : `${where}: expected ${issue.expected}, got ${describe(input)}`;
    case 'unrecognized_keys':
      return `${where === '(event)' ? 'unknown field' : `${where}: unknown field`}${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map(quote).join(', ')}`;
    case 'invalid_value':
      return `${where}: expected ${issue.values.length > 1 ? 'one of ' : ''}${issue.values.map(quote).join(', ')}, got ${describe(input)}`;
    case 'invalid_union':
      return `${where}: ${input !== null && typeof input === 'object' ? 'not one of the shapes it may have' : `got ${describe(input)}`}`;
    default:
      return `${where}: ${issue.message.replace(/^Invalid input: /, '')}`;
  }
}

function quote(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${quote(value)}`;
}

/** Error messages quote the file's own text: no line breaks or control characters may reach the terminal. */
function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
