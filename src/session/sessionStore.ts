/**
 * Finding and reading recorded sessions: `<out>/sessions/<id>/events.jsonl`. No React here; the `sessions`,
 * `export` and `replay` commands and the TUI's replay all go through it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EngineEvent, RunStatus } from '../engine/events.js';
import { applyEvent, createRunState, type RunState } from '../views/runState.js';
import { UsageError } from '../errors.js';

export const EVENTS_FILE = 'events.jsonl';
/** The reserved `<session>` names. */
export const LATEST = 'latest';
export const EXAMPLE = 'example';

export interface Journal {
  /** The session directory (the folder holding events.jsonl). */
  dir: string;
  file: string;
  events: EngineEvent[];
  /** True when the last line was cut off (the run was killed while writing) and was skipped. */
  torn: boolean;
}

/** `running` while another process writes the session (its lock names a live pid); `interrupted` when it died. */
export type SessionStatus = RunStatus | 'interrupted' | 'running';

export interface SessionSummary {
  id: string;
  dir: string;
  /** When the run started: from the session id's UTC stamp, else the journal's modification time. */
  startedAt: Date | null;
  task: string;
  provider: string;
  model: string;
  status: SessionStatus;
  reason: string | null;
  /** Replies that did not fail, as the run state counts them. */
  turns: number;
  conversations: { ended: number; total: number };
  promptTokens: number;
  completionTokens: number;
  estimated: boolean;
  /** The last event's time: how long the recording lasts. */
  durationMs: number;
  events: number;
  torn: boolean;
  /** Set when the journal could not be read at all; the other fields are then empty. */
  error?: string;
}

/** Where sessions live for an `--out` directory, as the user should read it in messages. */
export function sessionsRoot(outDir: string): string {
  return path.join(outDir, 'sessions');
}

function display(p: string, cwd: string): string {
  const rel = path.relative(cwd, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

/**
 * Reads a journal. A torn last line (a run killed mid-write) is skipped; a broken line anywhere else, or a
 * file whose first event is not `run.started`, is not a session journal and is a UsageError.
 */
export function readJournal(file: string, cwd = process.cwd()): Journal {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${display(file, cwd)}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const lines = text.split('\n');
  // A file that ends with "\n" yields a last empty string; a torn write leaves a partial line there instead.
  const events: EngineEvent[] = [];
  let torn = false;
  let lastLine = lines.length - 1;
  while (lastLine >= 0 && !lines[lastLine]?.trim()) lastLine--;
  for (const [index, line] of lines.entries()) {
    if (!line.trim()) continue;
    const isLast = index === lastLine;
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch {
      if (isLast) {
        torn = true;
        continue;
      }
      throw new UsageError(`${display(file, cwd)}:${index + 1}: not a JSON event; is this a roleplay events.jsonl?`);
    }
    if (!isEvent(event)) {
      throw new UsageError(`${display(file, cwd)}:${index + 1}: not a roleplay event (no "type", "seq" and "t")`);
    }
    events.push(event);
  }
  if (events.length > 0 && events[0]?.type !== 'run.started') {
    throw new UsageError(`${display(file, cwd)}: does not start with run.started; is this a roleplay events.jsonl?`);
  }
  return { dir: path.dirname(file), file, events, torn };
}

function isEvent(value: unknown): value is EngineEvent {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.type === 'string' && typeof v.seq === 'number' && typeof v.t === 'number';
}

/** Folds a journal's events into a run state, as the journal writer and the TUI do. */
export function foldEvents(events: readonly EngineEvent[]): RunState {
  const state = createRunState();
  for (const event of events) applyEvent(state, event);
  return state;
}

/** `20250102-030405-abcdef` → 2025-01-02T03:04:05Z; null for anything else. */
export function dateFromSessionId(id: string): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})(?:-|$)/.exec(id);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return Number.isNaN(date.getTime()) ? null : date;
}

export function summarize(journal: Journal, id = path.basename(journal.dir)): SessionSummary {
  const state = foldEvents(journal.events);
  const last = journal.events.at(-1);
  const conversations = [...state.conversations.values()];
  let startedAt = dateFromSessionId(state.sessionId || id);
  if (!startedAt) {
    try {
      startedAt = new Date(statSync(journal.file).mtimeMs - (last?.t ?? 0));
    } catch {
      startedAt = null;
    }
  }
  return {
    id,
    dir: journal.dir,
    startedAt,
    task: state.task,
    provider: state.provider,
    model: state.model,
    status: state.finished?.status ?? (isRunning(journal.dir) ? 'running' : 'interrupted'),
    reason: state.finished?.reason ?? null,
    turns: state.totals.turns,
    conversations: { ended: conversations.filter((c) => c.endReason !== null).length, total: conversations.length },
    promptTokens: state.totals.promptTokens,
    completionTokens: state.totals.completionTokens,
    estimated: state.totals.estimated,
    durationMs: last?.t ?? 0,
    events: journal.events.length,
    torn: journal.torn,
  };
}

/** Every session under `<out>/sessions`, newest first. A journal that cannot be read is listed with `error`. */
export function listSessions(outDir: string, cwd = process.cwd()): SessionSummary[] {
  const root = sessionsRoot(path.resolve(cwd, outDir));
  let entries: string[];
  try {
    entries = readdirSync(root, { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(path.join(root, e.name, EVENTS_FILE)))
      .map((e) => e.name);
  } catch {
    return [];
  }
  const sessions = entries.map((id): SessionSummary => {
    const dir = path.join(root, id);
    try {
      return summarize(readJournal(path.join(dir, EVENTS_FILE), cwd), id);
    } catch (error) {
      return {
        id,
        dir,
        startedAt: dateFromSessionId(id),
        task: '',
        provider: '',
        model: '',
        status: 'interrupted',
        reason: null,
        turns: 0,
        conversations: { ended: 0, total: 0 },
        promptTokens: 0,
        completionTokens: 0,
        estimated: false,
        durationMs: 0,
        events: 0,
        torn: false,
        error: error instanceof Error ? error.message : String(error),
      };
    }
  });
  return sessions.sort((a, b) => (b.startedAt?.getTime() ?? 0) - (a.startedAt?.getTime() ?? 0) || b.id.localeCompare(a.id));
}

/** The example session shipped in the package: `examples/software-company/` next to `dist/` (or `src/`). */
export function exampleSessionDir(from = path.dirname(fileURLToPath(import.meta.url))): string | null {
  let dir = from;
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, 'examples', 'software-company');
    if (existsSync(path.join(candidate, EVENTS_FILE))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

export interface ResolveOptions {
  outDir: string;
  cwd?: string;
  /** Where to look for the shipped example; tests point it elsewhere. */
  exampleDir?: string | null;
}

/**
 * Turns a `<session>` argument into a session directory: `latest`, `example`, an id, a unique id prefix,
 * a session directory or its events.jsonl. Anything else is a UsageError naming what was looked for and where.
 */
export function resolveSession(arg: string, options: ResolveOptions): string {
  const cwd = options.cwd ?? process.cwd();
  const root = sessionsRoot(path.resolve(cwd, options.outDir));
  const where = display(root, cwd);
  const name = arg.trim();
  if (!name) throw new UsageError('name a session: an id, a prefix of one, a path, "latest" or "example"');

  if (name === EXAMPLE) {
    const dir = options.exampleDir === undefined ? exampleSessionDir() : options.exampleDir;
    if (!dir) throw new UsageError('the example session is not installed (examples/software-company/events.jsonl is missing)');
    return dir;
  }
  if (name === LATEST) {
    const newest = listSessions(options.outDir, cwd)[0];
    if (!newest) throw new UsageError(`no sessions in ${where} yet (run "roleplay" to record one, or replay "example")`);
    return newest.dir;
  }

  const ids = sessionIds(root);
  if (ids.includes(name)) return path.join(root, name);

  const asPath = path.resolve(cwd, name);
  if (existsSync(asPath)) {
    const stat = statSync(asPath);
    if (stat.isFile()) return path.dirname(asPath);
    if (existsSync(path.join(asPath, EVENTS_FILE))) return asPath;
    throw new UsageError(`${display(asPath, cwd)} is not a session: it holds no ${EVENTS_FILE}`);
  }
  if (name.includes('/') || name.includes(path.sep) || name.endsWith('.jsonl')) {
    throw new UsageError(`no such session file or directory: ${name}`);
  }

  const matches = ids.filter((id) => id.startsWith(name));
  if (matches.length === 1 && matches[0]) return path.join(root, matches[0]);
  if (matches.length > 1) {
    const shown = matches.sort().slice(0, 3).join(', ');
    throw new UsageError(`session "${name}" is ambiguous in ${where}: it starts ${matches.length} ids (${shown}${matches.length > 3 ? ', ...' : ''})`);
  }
  throw new UsageError(`no session "${name}" in ${where} (run "roleplay sessions" to list them)`);
}

function sessionIds(root: string): string[] {
  try {
    return readdirSync(root, { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(path.join(root, e.name, EVENTS_FILE)))
      .map((e) => e.name);
  } catch {
    return [];
  }
}

/** Resolves and reads a session; an empty journal is a UsageError (there is nothing to show). */
export function openSession(arg: string, options: ResolveOptions): Journal {
  const dir = resolveSession(arg, options);
  const journal = readJournal(path.join(dir, EVENTS_FILE), options.cwd);
  if (journal.events.length === 0) {
    throw new UsageError(`${display(journal.file, options.cwd ?? process.cwd())} holds no events`);
  }
  return journal;
}

/** Whether a live process holds the session's lock (see SessionJournal). */
function isRunning(dir: string): boolean {
  try {
    const pid = Number(readFileSync(path.join(dir, 'lock'), 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
