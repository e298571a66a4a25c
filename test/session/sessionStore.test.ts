import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { dateFromSessionId, exampleSessionDir, listSessions, openSession, readJournal, resolveSession } from '../../src/session/sessionStore.js';
import { completeRun, stamp, writeSession } from './fixtures.js';

const A = '20250102-030405-aaaaaa';
const B = '20250103-101010-bbbbbb';
const C = '20250103-111111-cccccc';

function usageMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected a UsageError');
}

describe('session lookup', () => {
  let cwd: string;
  const opts = () => ({ outDir: '.roleplay', cwd });
  beforeEach(() => {
    cwd = mkdtempSync(path.join(tmpdir(), 'roleplay-store-'));
    const out = path.join(cwd, '.roleplay');
    writeSession(out, A, stamp(completeRun(A, 'first task')));
    // B was killed mid-run: no run.finished, and its last line is torn.
    const partial = stamp(completeRun(B, 'second task')).slice(0, 12);
    writeSession(out, B, partial, '{"type":"token","turnId":"t3","te');
    writeSession(out, C, stamp([...completeRun(C, 'third task').slice(0, -1), { type: 'run.finished', status: 'quit', reason: 'quit by the user' }]));
  });

  it('finds a session by id, unique prefix, directory, events.jsonl path and "latest"', () => {
    const root = path.join(cwd, '.roleplay', 'sessions');
    expect(resolveSession(A, opts())).toBe(path.join(root, A));
    expect(resolveSession('20250102', opts())).toBe(path.join(root, A));
    expect(resolveSession(`.roleplay/sessions/${B}`, opts())).toBe(path.join(root, B));
    expect(resolveSession(path.join(root, C, 'events.jsonl'), opts())).toBe(path.join(root, C));
    expect(resolveSession('latest', opts())).toBe(path.join(root, C));
  });

  it('names what it looked for and where when a session is unknown or ambiguous', () => {
    expect(usageMessage(() => resolveSession('abc', opts()))).toBe(
      `no session "abc" in ${path.join('.roleplay', 'sessions')} (run "roleplay sessions" to list them)`,
    );
    expect(usageMessage(() => resolveSession('20250103', opts()))).toMatch(
      /^session "20250103" is ambiguous in \.roleplay\/sessions: it starts 2 ids/,
    );
    expect(usageMessage(() => resolveSession('nope/events.jsonl', opts()))).toBe('no such session file or directory: nope/events.jsonl');
    expect(usageMessage(() => resolveSession('latest', { outDir: 'empty', cwd }))).toMatch(/^no sessions in empty\/sessions yet/);
    mkdirSync(path.join(cwd, 'plain'));
    expect(usageMessage(() => resolveSession('plain', opts()))).toBe('plain is not a session: it holds no events.jsonl');
  });

  it('resolves "example" to the shipped session, found by walking up from the code', () => {
    const dir = exampleSessionDir();
    expect(dir).not.toBeNull();
    expect(existsSync(path.join(dir!, 'events.jsonl'))).toBe(true);
    expect(resolveSession('example', opts())).toBe(dir);
    expect(usageMessage(() => resolveSession('example', { ...opts(), exampleDir: null }))).toMatch(/example session is not installed/);
  });

  it('skips a torn last line instead of failing, but rejects a broken line in the middle', () => {
    const journal = openSession(B, opts());
    expect(journal.torn).toBe(true);
    expect(journal.events).toHaveLength(12);
    expect(readJournal(path.join(cwd, '.roleplay', 'sessions', A, 'events.jsonl')).torn).toBe(false);

    const file = path.join(cwd, 'broken.jsonl');
    const [first, second] = stamp(completeRun()).map((e) => JSON.stringify(e));
    writeFileSync(file, `${first}\nnot json\n${second}\n`);
    expect(usageMessage(() => readJournal(file, cwd))).toBe('broken.jsonl:2: not a JSON event; is this a roleplay events.jsonl?');
    writeFileSync(file, '{"type":"token","turnId":"t1","text":"","seq":1,"t":0}\n');
    expect(usageMessage(() => readJournal(file, cwd))).toBe(
      'broken.jsonl:1: the first event is token, not run.started; is this a roleplay events.jsonl?',
    );
  });

  it('lists sessions newest first with status, turns and tokens', () => {
    writeFileSync(path.join(cwd, '.roleplay', 'sessions', 'stray-file'), '');
    const sessions = listSessions('.roleplay', cwd);
    expect(sessions.map((s) => [s.id, s.task, s.status])).toEqual([
      [C, 'third task', 'quit'],
      [B, 'second task', 'interrupted'],
      [A, 'first task', 'completed'],
    ]);
    const a = sessions[2]!;
    // Five replies kept (the regenerated one is counted as a turn that ended), sanity included: 6 turns ended.
    // Six replies, one of them taken back to regenerate it: five stand.
    expect(a).toMatchObject({ turns: 5, promptTokens: 60, completionTokens: 30, estimated: false, conversations: { ended: 2, total: 2 } });
    expect(a.startedAt?.toISOString()).toBe('2025-01-02T03:04:05.000Z');
    expect(sessions[1]).toMatchObject({ torn: true, status: 'interrupted' });
    expect(listSessions('nowhere', cwd)).toEqual([]);
  });

  it('lists an unreadable journal with its error instead of failing the list', () => {
    const dir = path.join(cwd, '.roleplay', 'sessions', '20240101-000000-dddddd');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'events.jsonl'), 'garbage\n{"type":"x"}\n');
    const bad = listSessions('.roleplay', cwd).find((s) => s.id === '20240101-000000-dddddd');
    expect(bad?.error).toMatch(/not a JSON event/);
  });

  it('reads dates from session ids', () => {
    expect(dateFromSessionId('20261123-183656-61f238')?.toISOString()).toBe('2026-11-23T18:36:56.000Z');
    expect(dateFromSessionId('my-session')).toBeNull();
  });
});
