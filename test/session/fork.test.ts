import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { foldSession } from '../../src/engine/sessionModel.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { openForkSource } from '../../src/session/fork.js';
import { SessionJournal } from '../../src/session/journal.js';
import { readJournal, listSessions } from '../../src/session/sessionStore.js';
import { readLabel, writeLabel } from '../../src/session/labels.js';
import { ROOT } from '../support/cli.js';

const EXAMPLE = path.join(ROOT, 'examples', 'software-company');

/** A fork of the example before its reply `reply`, written as runCommand writes one, with its run.forked. */
function writeFork(out: string, childId: string, reply: number, label?: string) {
  const source = openForkSource(`${EXAMPLE}@${reply}`, childId, { outDir: out, cwd: out });
  const journal = SessionJournal.fork(out, childId, source.history);
  const last = source.history.at(-1) as EngineEvent;
  const started = source.history[0];
  if (started?.type !== 'run.started') throw new Error('no run.started');
  journal.record({
    type: 'run.forked',
    version: 2,
    sessionId: childId,
    parent: source.parentId,
    reply,
    fromSeq: last.seq,
    provider: 'demo',
    model: 'demo',
    mode: 'auto',
    config: { ...started.config, context: 'scoped' },
    endpoint: null,
    seq: last.seq + 1,
    t: last.t,
  });
  journal.close();
  if (label) writeLabel(journal.dir, label);
  return { source, dir: journal.dir };
}

describe('forks', () => {
  it("a fork's journal reads back with its lineage, its own config and the parent's replies before the fork point", () => {
    const out = mkdtempSync(path.join(tmpdir(), 'roleplay-fork-'));
    const { source, dir } = writeFork(out, '20990101-000000-aaaaaa', 4, 'scoped from 4');
    const events = readJournal(path.join(dir, 'events.jsonl')).events;
    const model = foldSession(events);
    expect(model.fork).toEqual({ parent: source.parentId, reply: 4 });
    expect(model.config?.context).toBe('scoped');
    expect(model.started?.sessionId).toBe('20990101-000000-aaaaaa');
    // Three replies stand: the fourth is the fork's to generate.
    expect([...model.turns.values()].filter((t) => !t.discarded && t.status === 'complete')).toHaveLength(3);
    // The parent's folder is only read.
    expect(readFileSync(path.join(EXAMPLE, 'events.jsonl'), 'utf8').split('\n').length).toBeGreaterThan(events.length);
    const [listed] = listSessions(out);
    expect(listed).toMatchObject({ id: '20990101-000000-aaaaaa', fork: { parent: source.parentId, reply: 4 }, label: 'scoped from 4' });
  });

  it('a journal from a newer roleplay is refused at its run.forked too', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'roleplay-fork-'));
    const { dir } = writeFork(out, '20990101-000000-bbbbbb', 2);
    const file = path.join(dir, 'events.jsonl');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"type":"run.forked","version":2', '"type":"run.forked","version":9'));
    expect(() => readJournal(file)).toThrow(/written by a newer roleplay \(journal version 9\)/);
  });

  it('labels: one line, at most 60 characters; an empty one removes it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'roleplay-label-'));
    writeLabel(dir, '  prompt B  ');
    expect(readLabel(dir)).toBe('prompt B');
    expect(() => writeLabel(dir, 'two\nlines')).toThrow(/one line/);
    expect(() => writeLabel(dir, 'x'.repeat(61))).toThrow(/at most 60/);
    writeLabel(dir, '');
    expect(readLabel(dir)).toBeNull();
  });
});
