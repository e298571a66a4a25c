/**
 * Finding and reading recorded sessions: `<out>/sessions/<id>/events.jsonl`. No React here; the `sessions`,
 * `export` and `replay` commands and the TUI's replay all go through it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EngineEvent } from '../engine/events.js';
import { applyEvent, createRunState, type RunState } from '../views/runState.js';
import { UsageError } from '../errors.js';
import { displayPath as display } from './displayPath.js';
import { readJournal, scanJournal, type Journal } from './journalReader.js';
import { dateFromSessionId, SUMMARY_FILE, summaryFromState, type SessionSummary } from './sessionSummary.js';
import { SummarySidecarSchema } from './summarySchema.js';
import { readLabel } from './labels.js';

export { readJournal, type Journal } from './journalReader.js';
export { dateFromSessionId, type SessionSummary } from './sessionSummary.js';

const EVENTS_FILE = 'events.jsonl';
/** The reserved `<session>` names. */
const LATEST = 'latest';
const EXAMPLE = 'example';

/** Where sessions live for an `--out` directory, as the user should read it in messages. */
function sessionsRoot(outDir: string): string {
  return path.join(outDir, 'sessions');
}

/** Folds a journal's events into a run state, as the journal writer and the TUI do. */
export function foldEvents(events: readonly EngineEvent[]): RunState {
  const state = createRunState();
  for (const event of events) applyEvent(state, event);
  return state;
}

function mtimeOf(file: string): number | null {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return null;
  }
}

export function summarize(journal: Journal, id = path.basename(journal.dir)): SessionSummary {
  return summaryFromState(foldEvents(journal.events), {
    id,
    dir: journal.dir,
    events: journal.events.length,
    lastT: journal.events.at(-1)?.t ?? 0,
    torn: journal.torn,
    mtimeMs: mtimeOf(journal.file),
    running: isRunning(journal.dir),
  });
}

/**
 * One session as listed: from its summary.json when that was written for the journal as it is now (same size and
 * modification time) and no process is writing it, else from a fold of the journal as it streams by.
 */
function summarizeDir(id: string, dir: string, cwd: string): SessionSummary {
  const file = path.join(dir, EVENTS_FILE);
  let stat: { size: number; mtimeMs: number } | null = null;
  try {
    stat = statSync(file);
  } catch {
    // readJournal says why below.
  }
  const running = isRunning(dir);
  if (stat && !running) {
    const cached = readSidecar(dir, stat);
    if (cached) return { ...cached, id, dir };
  }
  const state = createRunState();
  const scan = scanJournal(file, (event) => applyEvent(state, event), cwd);
  // What replay, export and --resume refuse, the listing calls unreadable too (a run still starting has a lock).
  if (scan.events === 0 && !running) throw new UsageError(`${display(file, cwd)} holds no events`);
  return summaryFromState(state, { id, dir, events: scan.events, lastT: scan.lastT, torn: scan.torn, mtimeMs: stat?.mtimeMs ?? null, running });
}

function readSidecar(dir: string, journal: { size: number; mtimeMs: number }): Omit<SessionSummary, 'id' | 'dir'> | null {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path.join(dir, SUMMARY_FILE), 'utf8'));
  } catch {
    return null;
  }
  const parsed = SummarySidecarSchema.safeParse(raw);
  if (!parsed.success || parsed.data.journal.size !== journal.size || parsed.data.journal.mtimeMs !== journal.mtimeMs) return null;
  const { startedAt, ...summary } = parsed.data.summary;
  return { ...summary, startedAt: startedAt === null ? null : new Date(startedAt) };
}

/** Every session under `<out>/sessions`, newest first. A journal that cannot be read is listed with `error`. */
export function listSessions(outDir: string, cwd = process.cwd()): SessionSummary[] {
  const root = sessionsRoot(path.resolve(cwd, outDir));
  const sessions = sessionIds(root).map((id): SessionSummary => {
    const dir = path.join(root, id);
    try {
      return { ...summarizeDir(id, dir, cwd), label: readLabel(dir) };
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

/** The newest session, by the date in its id (else its journal's modification time), without reading any journal. */
function newestSession(root: string): string | undefined {
  const dated = sessionIds(root).map((id) => ({ id, at: dateFromSessionId(id)?.getTime() ?? mtimeOf(path.join(root, id, EVENTS_FILE)) ?? 0 }));
  dated.sort((a, b) => b.at - a.at || b.id.localeCompare(a.id));
  return dated[0]?.id;
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
    const newest = newestSession(root);
    if (!newest) throw new UsageError(`no sessions in ${where} yet (run "roleplay" to record one, or replay "example")`);
    return path.join(root, newest);
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
    throw new UsageError(
      `session "${name}" is ambiguous in ${where}: it starts ${matches.length} ids (${shown}${matches.length > 3 ? ', ...' : ''})`,
    );
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
export function isRunning(dir: string): boolean {
  try {
    const pid = Number(readFileSync(path.join(dir, 'lock'), 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
