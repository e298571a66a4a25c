import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import { newSessionId, SessionJournal, type JournalFault, type JournalWrites } from '../../src/session/journal.js';
import { readJournal } from '../../src/session/sessionStore.js';
import { writeFileAtomicSync } from '../../src/session/atomicWrite.js';
import { tempDir } from '../support/cli.js';
import { runStarted } from './fixtures.js';

const event = (seq: number, body: Record<string, unknown>) => ({ seq, t: seq, ...body }) as unknown as EngineEvent;

describe('the session journal', () => {
  it('merges the tokens of a turn into one line and writes them before the next event', () => {
    const journal = SessionJournal.create(tempDir(), 'one');
    journal.record(event(1, { type: 'token', turnId: 't1', text: 'Hel' }));
    journal.record(event(2, { type: 'token', turnId: 't1', text: 'lo' }));
    journal.record(event(3, { type: 'warning', code: 'x', message: 'm' }));
    const lines = readFileSync(path.join(journal.dir, 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { seq: 2, t: 1, type: 'token', turnId: 't1', text: 'Hello' },
      { seq: 3, t: 3, type: 'warning', code: 'x', message: 'm' },
    ]);
    expect(statSync(path.join(journal.dir, 'events.jsonl')).mode & 0o777).toBe(0o600);
    journal.close();
  });

  it('on resume, drops a torn last line so the next event does not fuse with it', () => {
    const first = SessionJournal.create(tempDir(), 'torn');
    first.record(event(1, { type: 'warning', code: 'a', message: 'kept' }));
    first.close();
    const file = path.join(first.dir, 'events.jsonl');
    appendFileSync(file, '{"seq":2,"t":2,"type":"tok');
    const resumed = SessionJournal.resume(first.dir, []);
    resumed.record(event(2, { type: 'warning', code: 'b', message: 'after' }));
    resumed.close();
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.message)).toEqual(['kept', 'after']);
  });
});

describe('session ids', () => {
  it('are the start time to the second, then six hex digits that tell apart sessions started together', () => {
    const at = new Date('2026-11-24T09:32:05.123Z');
    const ids = Array.from({ length: 200 }, () => newSessionId(at));
    for (const id of ids) expect(id).toMatch(/^20261124-093205-[0-9a-f]{6}$/);
    expect(new Set(ids).size).toBeGreaterThan(195);
  });
});

describe('one writer per session', () => {
  it('a session still being written cannot be resumed; a stale lock is taken over', () => {
    const live = SessionJournal.create(tempDir(), 'live');
    expect(() => SessionJournal.resume(live.dir, [])).toThrow(/^session live is still running \(process \d+\)/);
    live.close();
    // A crashed writer leaves its lock behind, with a pid that is gone.
    writeFileSync(path.join(live.dir, 'lock'), '2147483646');
    const again = SessionJournal.resume(live.dir, []);
    expect(readFileSync(path.join(live.dir, 'lock'), 'utf8')).toBe(String(process.pid));
    again.close();
    expect(existsSync(path.join(live.dir, 'lock'))).toBe(false);
  });

  it('a folder that cannot hold sessions is one clear error', () => {
    const file = path.join(tempDir(), 'not-a-folder');
    writeFileSync(file, 'x');
    expect(() => SessionJournal.create(file, 'x')).toThrow(/^cannot write the session to .*: ENOTDIR \(choose another folder with --out\)$/);
  });

  it('drops a torn last line longer than the read-back window', () => {
    const first = SessionJournal.create(tempDir(), 'long');
    first.record(event(1, { type: 'warning', code: 'a', message: 'kept' }));
    first.close();
    const file = path.join(first.dir, 'events.jsonl');
    appendFileSync(file, `{"seq":2,"t":2,"type":"warning","message":"${'x'.repeat(200_000)}`);
    SessionJournal.resume(first.dir, []).close();
    expect(
      readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).message),
    ).toEqual(['kept']);
  });
});

const errno = (code: string) => Object.assign(new Error(`${code}: failed, write`), { code });

/**
 * Real writes until `failing()` says otherwise; then the append writes the first half of what it was given (as a
 * disk does when it fills up in the middle of a line) and the next write throws.
 */
function flakyWrites(options: { failAppend?: () => boolean; failReplace?: (file: string) => string | undefined } = {}) {
  const calls = { appends: 0, replaces: [] as string[] };
  let halfWritten = false;
  const writes: JournalWrites = {
    write: (fd, data, offset, length) => {
      calls.appends++;
      if (!options.failAppend?.()) return writeSync(fd, data, offset, length);
      if (halfWritten || length < 2) throw errno('ENOSPC');
      halfWritten = true;
      return writeSync(fd, data, offset, Math.floor(length / 2));
    },
    replace: (file, text) => {
      calls.replaces.push(path.basename(file));
      const code = options.failReplace?.(file);
      if (code) throw errno(code);
      writeFileAtomicSync(file, text);
    },
  };
  return { writes, calls };
}

const started = (seq: number) => event(seq, runStarted('s', 'x'));
const warning = (seq: number, message: string) => event(seq, { type: 'warning', code: 'w', message });
const ended = (seq: number) =>
  event(seq, {
    type: 'conversation.ended',
    conversationId: 'planning',
    reason: 'end-marker',
    turns: 2,
    artifact: { id: 'plan', text: 'The plan', incomplete: false },
  });
const nextTick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the transcript', () => {
  it('is written when a conversation or the run ends, and not again by close when no event came since', () => {
    const { writes, calls } = flakyWrites();
    const journal = SessionJournal.create(tempDir(), 'tx', writes);
    journal.record(started(1));
    journal.record(ended(2));
    journal.record(event(3, { type: 'run.finished', status: 'completed', reason: null }));
    journal.close();
    expect(calls.replaces.filter((file) => file === 'transcript.md')).toHaveLength(2);
    expect(readFileSync(path.join(journal.dir, 'transcript.md'), 'utf8')).toContain('# roleplay session s');
    // An event after the last write: close writes it again.
    const again = flakyWrites();
    const other = SessionJournal.create(tempDir(), 'tx2', again.writes);
    other.record(started(1));
    other.record(ended(2));
    other.record(warning(3, 'late'));
    other.close();
    expect(again.calls.replaces.filter((file) => file === 'transcript.md')).toHaveLength(2);
  });
});

describe('a journal that cannot be written', () => {
  it('reports the first failed append once, writes nothing after it, and leaves every earlier event readable', async () => {
    let full = false;
    const { writes, calls } = flakyWrites({ failAppend: () => full });
    const journal = SessionJournal.create(tempDir(), 'full', writes);
    const faults: JournalFault[] = [];
    journal.onFault((fault) => faults.push(fault));
    journal.record(started(1));
    journal.record(warning(2, 'kept'));
    full = true;
    // Neither this nor anything after it throws: a disk that is full is no fault of the engine's.
    expect(() => journal.record(warning(3, `lost ${'x'.repeat(1000)}`))).not.toThrow();
    expect(faults).toEqual([]); // told on a microtask, never from inside record()
    const appendsAtFault = calls.appends;
    journal.record(event(4, { type: 'token', turnId: 't1', text: 'more' }));
    journal.record(ended(5));
    journal.record(event(6, { type: 'run.finished', status: 'failed', reason: 'r' }));
    journal.close();
    await nextTick();

    expect(faults).toHaveLength(1);
    expect(faults[0]).toMatchObject({ code: 'ENOSPC', what: 'writing events.jsonl: ENOSPC (no space left on device)', dir: journal.dir });
    expect(faults[0]?.message).toBe(`the session cannot be saved: writing events.jsonl: ENOSPC (no space left on device) in ${journal.dir}`);
    expect(journal.fault).toEqual(faults[0]);
    expect(calls.appends).toBe(appendsAtFault);
    // Nor the artifact, nor the transcript on close.
    expect(calls.replaces).toEqual([]);
    // The half line that made it to disk was taken back: the file ends on a whole event.
    const file = path.join(journal.dir, 'events.jsonl');
    expect(readFileSync(file, 'utf8').endsWith('"message":"kept"}\n')).toBe(true);
    const read = readJournal(file);
    expect(read.torn).toBe(false);
    expect(read.events.map((e) => e.seq)).toEqual([1, 2]);
    // The state the views read goes on.
    expect(journal.state.finished?.status).toBe('failed');
    // A listener that comes late is told as well; the lock is gone.
    const late: JournalFault[] = [];
    journal.onFault((fault) => late.push(fault));
    await nextTick();
    expect(late).toEqual(faults);
    expect(existsSync(path.join(journal.dir, 'lock'))).toBe(false);
  });

  it('a write that writes only part of a line is finished, not torn', () => {
    const journal = SessionJournal.create(tempDir(), 'short', {
      write: (fd, data, offset, length) => writeSync(fd, data, offset, Math.min(length, 7)),
    });
    journal.record(started(1));
    journal.record(warning(2, 'a line longer than seven bytes'));
    journal.close();
    expect(journal.fault).toBeNull();
    expect(readJournal(path.join(journal.dir, 'events.jsonl')).events.map((e) => e.seq)).toEqual([1, 2]);
    // The transcript is replaced whole, owner-only, with no temporary file left behind.
    expect(readdirSync(journal.dir).sort()).toEqual(['artifacts', 'events.jsonl', 'summary.json', 'transcript.md']);
    expect(statSync(path.join(journal.dir, 'transcript.md')).mode & 0o777).toBe(0o600);
  });

  it('a transcript or an artifact that cannot be written stops the events too', async () => {
    for (const [name, code, text] of [
      ['transcript.md', 'EROFS', 'read-only file system'],
      ['plan.md', 'EACCES', 'permission denied'],
    ] as const) {
      const { writes, calls } = flakyWrites({ failReplace: (file) => (path.basename(file) === name ? code : undefined) });
      const journal = SessionJournal.create(tempDir(), name, writes);
      const faults: JournalFault[] = [];
      journal.onFault((fault) => faults.push(fault));
      journal.record(started(1));
      journal.record(ended(2));
      journal.record(warning(3, 'after'));
      journal.close();
      await nextTick();
      const shownName = name === 'plan.md' ? 'artifacts/plan.md' : name;
      expect(faults.map((f) => f.what)).toEqual([`writing ${shownName}: ${code} (${text})`]);
      expect(readJournal(path.join(journal.dir, 'events.jsonl')).events.map((e) => e.seq)).toEqual([1, 2]);
      // The artifact came first: with the transcript failing, it was written; with the artifact failing, nothing was.
      expect(calls.replaces).toEqual(name === 'plan.md' ? ['plan.md'] : ['plan.md', 'transcript.md']);
    }
  });

  it('a resume writes again the artifacts that a fault kept from disk', () => {
    const { writes } = flakyWrites({ failReplace: (file) => (path.basename(file) === 'plan.md' ? 'ENOSPC' : undefined) });
    const first = SessionJournal.create(tempDir(), 'artifact', writes);
    first.record(started(1));
    first.record(ended(2));
    first.close();
    const artifact = path.join(first.dir, 'artifacts', 'plan.md');
    expect(existsSync(artifact)).toBe(false);
    const history = readJournal(path.join(first.dir, 'events.jsonl')).events;
    expect(history.at(-1)?.type).toBe('conversation.ended');
    SessionJournal.resume(first.dir, history).close();
    expect(readFileSync(artifact, 'utf8')).toBe('The plan\n');
  });

  it('a session folder removed while the run writes (rm -rf) is a fault at the next write', async () => {
    const journal = SessionJournal.create(tempDir(), 'gone');
    const faults: JournalFault[] = [];
    journal.onFault((fault) => faults.push(fault));
    journal.record(started(1));
    rmSync(journal.dir, { recursive: true, force: true });
    journal.record(warning(2, 'into a file no one can read'));
    journal.record(ended(3));
    expect(() => journal.close()).not.toThrow();
    await nextTick();
    expect(faults.map((f) => f.what)).toEqual(['writing events.jsonl: ENOENT (the file or its folder was removed)']);
    // Nothing was made again where the session was.
    expect(existsSync(journal.dir)).toBe(false);
  });

  it('tokens flushed by the timer onto a full disk are a fault, not a crash', async () => {
    let full = false;
    const { writes } = flakyWrites({ failAppend: () => full });
    const journal = SessionJournal.create(tempDir(), 'timer', writes);
    const faults: JournalFault[] = [];
    journal.onFault((fault) => faults.push(fault));
    journal.record(started(1));
    full = true;
    journal.record(event(2, { type: 'token', turnId: 't1', text: 'Hello' }));
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(faults.map((f) => f.code)).toEqual(['ENOSPC']);
    journal.close();
    expect(readJournal(path.join(journal.dir, 'events.jsonl')).events.map((e) => e.seq)).toEqual([1]);
    expect(readdirSync(journal.dir).sort()).toEqual(['artifacts', 'events.jsonl']);
  });
});
