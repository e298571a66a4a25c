/**
 * The session on disk: `events.jsonl` appended as things happen, plus `transcript.md` and
 * `artifacts/<id>.md` rewritten as conversations end. Owner-only permissions; no secrets in any event.
 */
import { closeSync, fstatSync, ftruncateSync, mkdirSync, openSync, readFileSync, readSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { EngineEvent, EventOf } from '../engine/events.js';
import { applyEvent, createRunState, type RunState } from '../engine/runState.js';
import { renderTranscript } from './transcript.js';
import { summaryFromState, writeSummarySidecar } from './sessionSummary.js';
import { sanitize } from '../text/sanitize.js';
import { UsageError } from '../errors.js';

export function newSessionId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  // Only there to tell apart two sessions started in the same second; not a secret. (node:crypto would add 6 ms to
  // the start.)
  const salt = Math.floor(Math.random() * 0x1000000);
  return `${stamp}-${salt.toString(16).padStart(6, '0')}`;
}

const TOKEN_FLUSH_MS = 50;

export class SessionJournal {
  readonly dir: string;
  readonly state: RunState = createRunState();
  private readonly fd: number;
  /** The tokens of one turn since the last write: one line per flush window, not one per token. */
  private pending: { first: EventOf<'token'>; texts: string[]; lastSeq: number } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Lines in events.jsonl and the last one's `t`, for summary.json. */
  private lines: number;
  private lastT: number;

  /** A new session in `<outDir>/sessions/<sessionId>`. */
  static create(outDir: string, sessionId: string): SessionJournal {
    return new SessionJournal(path.join(outDir, 'sessions', sessionId), sessionId, []);
  }

  /** Appends to an existing session; `history` is what its journal already holds. */
  static resume(dir: string, history: readonly EngineEvent[]): SessionJournal {
    return new SessionJournal(dir, path.basename(dir), history);
  }

  private constructor(dir: string, readonly sessionId: string, history: readonly EngineEvent[]) {
    this.dir = dir;
    try {
      mkdirSync(path.join(this.dir, 'artifacts'), { recursive: true, mode: 0o700 });
      takeLock(path.join(this.dir, LOCK_FILE), sessionId);
      this.fd = openSync(path.join(this.dir, 'events.jsonl'), 'a+', 0o600);
    } catch (error) {
      if (error instanceof UsageError) throw error;
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new UsageError(`cannot write the session to ${path.relative(process.cwd(), dir) || dir}: ${code} (choose another folder with --out)`);
    }
    dropTornTail(this.fd);
    for (const event of history) applyEvent(this.state, event);
    this.lines = history.length;
    this.lastT = history.at(-1)?.t ?? 0;
  }

  /** Records one engine event. Tokens of one turn are merged into one line per flush window. */
  record(event: EngineEvent): void {
    if (this.closed) return;
    applyEvent(this.state, event);
    if (event.type === 'token') {
      if (this.pending?.first.turnId !== event.turnId) {
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

  close(): void {
    if (this.closed) return;
    this.flush();
    this.writeTranscript();
    this.closed = true;
    closeSync(this.fd);
    // What `roleplay sessions` lists, so that it need not fold the journal again (it checks size and mtime).
    const facts = { id: this.sessionId, dir: this.dir, events: this.lines, lastT: this.lastT, torn: false, mtimeMs: null, running: false };
    writeSummarySidecar(this.dir, summaryFromState(this.state, facts));
    rmSync(path.join(this.dir, LOCK_FILE), { force: true });
  }

  private write(event: EngineEvent): void {
    writeSync(this.fd, `${JSON.stringify(event)}\n`);
    this.lines++;
    this.lastT = event.t;
  }

  private writeTranscript(): void {
    writeFileSync(path.join(this.dir, 'transcript.md'), renderTranscript(this.state), { mode: 0o600 });
  }

  private writeArtifact(id: string, text: string, incomplete: boolean, reason: string): void {
    const note = incomplete ? `> Incomplete: the conversation ${reason === 'turn-limit' ? 'hit its turn limit' : `ended (${reason})`} before END CONVERSATION.\n\n` : '';
    writeFileSync(path.join(this.dir, 'artifacts', `${id}.md`), `${note}${sanitize(text).trim()}\n`, { mode: 0o600 });
  }
}

const LOCK_FILE = 'lock';

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
  writeFileSync(file, String(process.pid), { mode: 0o600 });
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
  for (let end = size; end > 0; ) {
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
