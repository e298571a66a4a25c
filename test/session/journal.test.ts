import { appendFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import { newSessionId, SessionJournal } from '../../src/session/journal.js';
import { tempDir } from '../support/cli.js';

const event = (seq: number, body: Record<string, unknown>) => ({ seq, t: seq, ...body }) as unknown as EngineEvent;

describe('the session journal', () => {
  it('merges the tokens of a turn into one line and writes them before the next event', () => {
    const journal = SessionJournal.create(tempDir(), 'one');
    journal.record(event(1, { type: 'token', turnId: 't1', text: 'Hel' }));
    journal.record(event(2, { type: 'token', turnId: 't1', text: 'lo' }));
    journal.record(event(3, { type: 'warning', code: 'x', message: 'm' }));
    const lines = readFileSync(path.join(journal.dir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
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
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
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
    expect(readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l).message)).toEqual(['kept']);
  });
});
