/**
 * The session on disk: `events.jsonl` appended as things happen, plus `transcript.md` and
 * `artifacts/<id>.md` rewritten as conversations end. Owner-only permissions; no secrets in any event.
 *
 * A write that fails (a full disk, a read-only or removed folder) stops every write after it, so what is on disk
 * stays a readable, resumable session; the first such fault is reported once through `onFault`.
 */
import {
  closeSync,
  existsSync,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { getSystemErrorMap } from 'node:util';
import type { EngineEvent, EventOf } from '../engine/events.js';
import { applyEvent, createRunState, type RunState } from '../views/runState.js';
import { renderTranscript } from './transcript.js';
import { summaryFromState, writeSummarySidecar } from './sessionSummary.js';
import { sanitize } from '../text/sanitize.js';
import { UsageError } from '../errors.js';
import { writeAll, writeFileAtomicSync } from './atomicWrite.js';
import { displayPath } from './displayPath.js';

export function newSessionId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  // Only there to tell apart two sessions started in the same second; not a secret. (node:crypto would add 6 ms to
  // the start.)
  const salt = Math.floor(Math.random() * 0x1000000);
  return `${stamp}-${salt.toString(16).padStart(6, '0')}`;
}

const TOKEN_FLUSH_MS = 50;

/** A write to the session folder that failed; nothing is written after it. */
export interface JournalFault {
  /** The error's code, e.g. `ENOSPC`. */
  code: string;
  /** What failed, e.g. `writing events.jsonl: ENOSPC (no space left on device)`. */
  what: string;
  /** The session folder. */
  dir: string;
  /** One line for the user: `the session cannot be saved: <what> in <folder>`. */
  message: string;
}

/** The writes the journal makes, so that tests can make them fail. */
export interface JournalWrites {
  /** As `fs.writeSync`: may write less than asked, or throw. */
  write: (fd: number, data: Uint8Array, offset: number, length: number) => number;
  /** Replaces a file whole (see writeFileAtomicSync). */
  replace: (file: string, text: string) => void;
}

const FS_WRITES: JournalWrites = {
  write: (fd, data, offset, length) => writeSync(fd, data, offset, length),
  replace: (file, text) => writeFileAtomicSync(file, text),
};

export class SessionJournal {
  readonly dir: string;
  readonly state: RunState = createRunState();
  private readonly fd: number;
  private readonly writes: JournalWrites;
  /** Where the last whole line of events.jsonl ends: a failed append is cut back to it. */
  private size: number;
  /** The tokens of one turn since the last write: one line per flush window, not one per token. */
  private pending: { first: EventOf<'token'> | EventOf<'reasoning'>; texts: string[]; lastSeq: number } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private faulted: JournalFault | null = null;
  private readonly faultListeners = new Set<(fault: JournalFault) => void>();
  /** Lines in events.jsonl and the last one's `t`, for summary.json. */
  private lines: number;
  /** `lines` when transcript.md was last written: the same count is the same transcript. */
  private transcriptLines = -1;
  private lastT: number;
  private readonly isNew: boolean;
  /** A fork's replies that came with its history: a fork that adds none to them is discarded like a new session. */
  private inheritedTurns = 0;

  /** A new session in `<outDir>/sessions/<sessionId>`. */
  static create(outDir: string, sessionId: string, writes?: Partial<JournalWrites>): SessionJournal {
    return new SessionJournal(path.join(outDir, 'sessions', sessionId), sessionId, [], writes);
  }

  /**
   * A new session in `<outDir>/sessions/<sessionId>` that starts with `history` (a fork's inherited events),
   * written before anything else.
   */
  static fork(outDir: string, sessionId: string, history: readonly EngineEvent[], writes?: Partial<JournalWrites>): SessionJournal {
    return new SessionJournal(path.join(outDir, 'sessions', sessionId), sessionId, history, writes, true);
  }

  /** Appends to an existing session; `history` is what its journal already holds. */
  static resume(dir: string, history: readonly EngineEvent[], writes?: Partial<JournalWrites>): SessionJournal {
    return new SessionJournal(dir, path.basename(dir), history, writes);
  }

  private constructor(
    dir: string,
    readonly sessionId: string,
    history: readonly EngineEvent[],
    writes: Partial<JournalWrites> = {},
    seed = false,
  ) {
    this.dir = dir;
    this.isNew = history.length === 0 || seed;
    this.writes = { ...FS_WRITES, ...writes };
    try {
      makeDirs(path.join(this.dir, 'artifacts'), 0o700);
      takeLock(path.join(this.dir, LOCK_FILE), sessionId);
      this.fd = openSync(path.join(this.dir, 'events.jsonl'), 'a+', 0o600);
    } catch (error) {
      if (error instanceof UsageError) throw error;
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new UsageError(`cannot write the session to ${displayPath(dir)}: ${code} (choose another folder with --out)`);
    }
    dropTornTail(this.fd);
    if (seed) this.seed(history);
    this.size = fstatSync(this.fd).size;
    for (const event of history) applyEvent(this.state, event);
    this.inheritedTurns = seed ? this.state.totals.turns : 0;
    this.rewriteArtifacts(history);
    this.lines = history.length;
    this.lastT = history.at(-1)?.t ?? 0;
  }

  /** The first write that failed, or null while the session is being saved. */
  get fault(): JournalFault | null {
    return this.faulted;
  }

  /**
   * Calls `listener` once with the first fault, on a microtask: never from inside `record`, so that whoever stops
   * the run does not do it in the middle of the engine's own event. A listener added after the fault is told too.
   */
  onFault(listener: (fault: JournalFault) => void): () => void {
    const fault = this.faulted;
    if (fault) queueMicrotask(() => listener(fault));
    else this.faultListeners.add(listener);
    return () => this.faultListeners.delete(listener);
  }

  /** Records one engine event. Tokens (and thinking) of one turn are merged into one line per flush window. Never throws on a failed write. */
  record(event: EngineEvent): void {
    if (this.closed) return;
    applyEvent(this.state, event);
    // The state goes on (the views read it); the disk gets nothing more.
    if (this.faulted) return;
    // A reasoning model's thinking streams as fast as its reply: merged the same way, each kind on its own line.
    if (event.type === 'token' || event.type === 'reasoning') {
      if (this.pending?.first.turnId !== event.turnId || this.pending.first.type !== event.type) {
        this.flush();
        this.pending = { first: event, texts: [], lastSeq: event.seq };
      }
      this.pending.texts.push(event.text);
      this.pending.lastSeq = event.seq;
      this.timer ??= setTimeout(() => this.flush(), TOKEN_FLUSH_MS).unref();
      return;
    }
    this.flush();
    this.write(event);
    if (event.type === 'conversation.ended') {
      if (event.artifact) this.writeArtifact(event.artifact.id, event.artifact.text, event.artifact.incomplete, event.reason);
      this.writeTranscript();
    }
    if (event.type === 'turn.edited' && event.artifact) {
      this.writeArtifact(event.artifact.id, event.artifact.text, event.artifact.incomplete, 'edited');
      this.writeTranscript();
    }
    if (event.type === 'run.finished') this.writeTranscript();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending) {
      const { first, texts, lastSeq } = this.pending;
      this.pending = null;
      this.write({ ...first, text: texts.join(''), seq: lastSeq });
    }
  }

  /**
   * Closes a new session and removes its folder: for a run that failed at set-up (the server could not be used)
   * before any turn got through, so that it leaves nothing for `latest` or `sessions` to find. A resumed session
   * is only closed.
   */
  discard(): void {
    this.close();
    if (!this.isNew || this.state.totals.turns > this.inheritedTurns) return;
    try {
      rmSync(this.dir, { recursive: true, force: true });
    } catch {
      // Left behind, it lists as a failed session of 0 turns.
    }
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.writeTranscript();
    this.closed = true;
    try {
      closeSync(this.fd);
    } catch (error) {
      // Some file systems (NFS) report a failed write only when the file is closed.
      this.fail('writing events.jsonl', error);
    }
    // What `roleplay sessions` lists, so that it need not fold the journal again (it checks size and mtime).
    if (!this.faulted) {
      const facts = { id: this.sessionId, dir: this.dir, events: this.lines, lastT: this.lastT, torn: false, mtimeMs: null, running: false };
      try {
        writeSummarySidecar(this.dir, summaryFromState(this.state, facts));
      } catch {
        // A listing without it folds the journal instead.
      }
    }
    try {
      rmSync(path.join(this.dir, LOCK_FILE), { force: true });
    } catch {
      // A lock left behind names this process, which is about to end: the next run takes it over as stale.
    }
  }

  /** Writes a fork's inherited events into its new, empty journal; a failure leaves no session behind. */
  private seed(history: readonly EngineEvent[]): void {
    try {
      writeAll(this.fd, Buffer.from(history.map((event) => `${JSON.stringify(event)}\n`).join(''), 'utf8'), this.writes.write);
    } catch (error) {
      closeSync(this.fd);
      rmSync(this.dir, { recursive: true, force: true });
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new UsageError(`cannot write the session to ${displayPath(this.dir)}: ${code} (choose another folder with --out)`);
    }
  }

  private write(event: EngineEvent): void {
    if (this.faulted) return;
    const line = Buffer.from(`${JSON.stringify(event)}\n`, 'utf8');
    try {
      writeAll(this.fd, line, this.writes.write);
      this.size += line.length;
      this.lines++;
      this.lastT = event.t;
      // Writes to a file whose folder was removed (rm -rf) still succeed, into a file no one will ever read.
      if (fstatSync(this.fd).nlink === 0) throw Object.assign(new Error('events.jsonl was removed'), { code: 'ENOENT' });
    } catch (error) {
      this.fail('writing events.jsonl', error);
      // Take back the part of the line that made it to disk: the file ends on a whole event, and a resume appends
      // after it. Cutting a file needs no free space; should it fail all the same, the reader drops a torn last line.
      try {
        ftruncateSync(this.fd, this.size);
      } catch {
        // See above.
      }
    }
  }

  /** Rewrites a file of the session whole; a failure is the journal's fault like a failed append. */
  private replace(name: string, text: string): void {
    if (this.faulted) return;
    try {
      this.writes.replace(path.join(this.dir, name), text);
    } catch (error) {
      this.fail(`writing ${name}`, error);
    }
  }

  private writeTranscript(): void {
    // Rendering the whole transcript is wasted once nothing can be written, or when no event came since it was
    // (close after run.finished: every run wrote it twice at its end).
    if (this.faulted || this.lines === this.transcriptLines) return;
    this.replace('transcript.md', renderTranscript(this.state));
    this.transcriptLines = this.lines;
  }

  private writeArtifact(id: string, text: string, incomplete: boolean, reason: string): void {
    const note = incomplete
      ? `> Incomplete: the conversation ${reason === 'turn-limit' ? 'hit its turn limit' : `ended (${reason})`} before END CONVERSATION.\n\n`
      : '';
    this.replace(path.posix.join('artifacts', `${id}.md`), `${note}${sanitize(text).trim()}\n`);
  }

  /**
   * The artifacts are written again from the journal on resume: a run that stopped on a fault may have recorded a
   * conversation's end and not its artifact, and a resume goes on after that conversation.
   */
  private rewriteArtifacts(history: readonly EngineEvent[]): void {
    const last = new Map<string, { artifact: { id: string; text: string; incomplete: boolean }; reason: string }>();
    for (const event of history) {
      if (event.type === 'conversation.ended' && event.artifact) last.set(event.artifact.id, { artifact: event.artifact, reason: event.reason });
      // An edit of a final reply made the artifact anew.
      if (event.type === 'turn.edited' && event.artifact) last.set(event.artifact.id, { artifact: event.artifact, reason: 'edited' });
    }
    for (const { artifact, reason } of last.values()) this.writeArtifact(artifact.id, artifact.text, artifact.incomplete, reason);
  }

  private fail(doing: string, error: unknown): void {
    if (this.faulted) return;
    const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'EIO';
    const what = `${doing}: ${code} (${describeError(code, error)})`;
    const fault: JournalFault = { code, what, dir: this.dir, message: `the session cannot be saved: ${what} in ${displayPath(this.dir)}` };
    this.faulted = fault;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending = null;
    const listeners = [...this.faultListeners];
    this.faultListeners.clear();
    queueMicrotask(() => {
      for (const listener of listeners) listener(fault);
    });
  }
}

/** Clearer than libuv's own wording for the faults a disk usually has. */
const ERROR_TEXT: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'input/output error',
  EFBIG: 'file too large',
};

function describeError(code: string, error: unknown): string {
  // rm -rf takes the files before their folders: which of them is gone yet depends on the moment.
  if (code === 'ENOENT') return 'the file or its folder was removed';
  const known = ERROR_TEXT[code] ?? [...getSystemErrorMap().values()].find(([name]) => name === code)?.[1];
  return known ?? (error instanceof Error ? error.message : String(error));
}

const LOCK_FILE = 'lock';

/**
 * mkdir -p, one level at a time. Node's own recursive mkdirSync never returns where mkdir keeps failing with ENOENT
 * (under /proc/self); this fails at once with that code.
 */
function makeDirs(dir: string, mode: number): void {
  const missing: string[] = [];
  for (let at = path.resolve(dir); !existsSync(at); at = path.dirname(at)) {
    missing.unshift(at);
    if (path.dirname(at) === at) break;
  }
  for (const level of missing) {
    try {
      mkdirSync(level, { mode });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/**
 * One writer per session: the lock holds the writer's pid. A lock whose process is gone (a crash, kill -9) is
 * stale and taken over; a live one means the session is still running, and resuming it would interleave two runs.
 */
function takeLock(file: string, sessionId: string): void {
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx', mode: 0o600 });
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    throw new UsageError(`session ${sessionId} is still running (process ${pid}): stop it first, or wait for it to end`);
  }
  writeFileAtomicSync(file, String(process.pid));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A run killed mid-write leaves a partial last line; appending after it would corrupt the next event. */
function dropTornTail(fd: number): void {
  const size = fstatSync(fd).size;
  const chunk = Buffer.alloc(64 * 1024);
  // Read backwards until the last newline: a line (a turn's whole request) can be megabytes long.
  for (let end = size; end > 0;) {
    const start = Math.max(0, end - chunk.length);
    readSync(fd, chunk, 0, end - start, start);
    if (end === size && chunk[end - start - 1] === 0x0a) return;
    const newline = chunk.subarray(0, end - start).lastIndexOf(0x0a);
    if (newline !== -1) {
      ftruncateSync(fd, start + newline + 1);
      return;
    }
    end = start;
  }
  if (size > 0) ftruncateSync(fd, 0);
}
