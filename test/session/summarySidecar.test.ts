import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { SessionJournal } from '../../src/session/journal.js';
import { listSessions, resolveSession } from '../../src/session/sessionStore.js';
import { completeRun, stamp, writeSession } from './fixtures.js';

const A = '20250102-030405-aaaaaa';

let cwd: string;
let out: string;
beforeEach(() => {
  cwd = mkdtempSync(path.join(tmpdir(), 'roleplay-summary-'));
  out = path.join(cwd, '.roleplay');
});

/** Records a whole run through the journal writer, as a run does, and closes it. */
function record(id: string): string {
  const journal = SessionJournal.create(out, id);
  for (const event of stamp(completeRun(id, `task of ${id}`))) journal.record(event);
  journal.close();
  return journal.dir;
}

describe('summary.json', () => {
  it('is written when the journal closes, owner-only, and says what a fold of the journal says', () => {
    const dir = record(A);
    const file = path.join(dir, 'summary.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const sidecar = JSON.parse(readFileSync(file, 'utf8'));
    const journal = statSync(path.join(dir, 'events.jsonl'));
    expect(sidecar).toMatchObject({ format: 'roleplay-summary', version: 1, journal: { size: journal.size, mtimeMs: journal.mtimeMs } });
    const [listed] = listSessions('.roleplay', cwd);
    // Without the sidecar the listing folds the journal: the same summary.
    writeFileSync(file, 'not json');
    const [folded] = listSessions('.roleplay', cwd);
    expect(listed).toEqual(folded);
    // The writer merges the tokens of a turn into one line: the count is of lines, as a reader counts them.
    expect(listed).toMatchObject({ id: A, task: `task of ${A}`, status: 'completed', turns: 5, events: 39, torn: false });
  });

  it('is used while the journal has its size and mtime, and only then', () => {
    const dir = record(A);
    const file = path.join(dir, 'summary.json');
    const sidecar = JSON.parse(readFileSync(file, 'utf8'));
    // A sidecar that says something else shows it is what the listing read, not the journal.
    const claim = (journal: { size: number; mtimeMs: number }) =>
      writeFileSync(file, JSON.stringify({ ...sidecar, journal, summary: { ...sidecar.summary, task: 'from the sidecar' } }));
    claim(sidecar.journal);
    expect(listSessions('.roleplay', cwd)[0]?.task).toBe('from the sidecar');
    // The journal changed since: the sidecar is stale.
    const events = path.join(dir, 'events.jsonl');
    const { atime, mtime } = statSync(events);
    utimesSync(events, atime, new Date(mtime.getTime() + 5000));
    expect(listSessions('.roleplay', cwd)[0]?.task).toBe(`task of ${A}`);
    const touched = statSync(events);
    claim({ size: touched.size, mtimeMs: touched.mtimeMs });
    expect(listSessions('.roleplay', cwd)[0]?.task).toBe('from the sidecar');
    // Same mtime, another size.
    appendFileSync(events, '\n');
    utimesSync(events, touched.atime, touched.mtime);
    claim({ size: touched.size, mtimeMs: statSync(events).mtimeMs });
    expect(listSessions('.roleplay', cwd)[0]?.task).toBe(`task of ${A}`);
  });

  it('is not trusted while a live process holds the session, nor when it has another shape', () => {
    const dir = record(A);
    const file = path.join(dir, 'summary.json');
    const sidecar = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...sidecar, summary: { ...sidecar.summary, task: 'from the sidecar' } }));
    writeFileSync(path.join(dir, 'lock'), String(process.pid));
    expect(listSessions('.roleplay', cwd)[0]).toMatchObject({ task: `task of ${A}`, status: 'completed' });
    writeFileSync(path.join(dir, 'lock'), '2147483646');
    writeFileSync(file, JSON.stringify({ ...sidecar, summary: { ...sidecar.summary, turns: 'six' } }));
    expect(listSessions('.roleplay', cwd)[0]).toMatchObject({ task: `task of ${A}`, turns: 5 });
  });

  it('an unfinished run that closed reads as interrupted, or running while its lock is live', () => {
    const journal = SessionJournal.create(out, A);
    for (const event of stamp(completeRun(A)).slice(0, 12)) journal.record(event);
    journal.close();
    expect(JSON.parse(readFileSync(path.join(journal.dir, 'summary.json'), 'utf8')).summary.status).toBe('interrupted');
    expect(listSessions('.roleplay', cwd)[0]?.status).toBe('interrupted');
    writeFileSync(path.join(journal.dir, 'lock'), String(process.pid));
    expect(listSessions('.roleplay', cwd)[0]?.status).toBe('running');
  });
});

describe('latest', () => {
  it("is the newest id by its date, else by the journal's mtime, and reads no journal", () => {
    const root = path.join(out, 'sessions');
    // Journals no reader could read: "latest" must not need to.
    for (const id of ['20250101-000000-aaaaaa', '20250301-000000-cccccc', '20250201-000000-bbbbbb']) {
      writeSession(out, id, []);
      writeFileSync(path.join(root, id, 'events.jsonl'), 'garbage\nmore garbage\n');
    }
    expect(resolveSession('latest', { outDir: '.roleplay', cwd })).toBe(path.join(root, '20250301-000000-cccccc'));
    writeSession(out, 'my-run', []);
    const future = new Date(Date.UTC(2030, 0, 1));
    utimesSync(path.join(root, 'my-run', 'events.jsonl'), future, future);
    expect(resolveSession('latest', { outDir: '.roleplay', cwd })).toBe(path.join(root, 'my-run'));
    expect(existsSync(path.join(root, 'my-run', 'summary.json'))).toBe(false);
  });
});
