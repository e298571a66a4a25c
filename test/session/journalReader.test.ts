import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import type { EngineEvent, EventOf } from '../../src/engine/events.js';
import { UsageError } from '../../src/errors.js';
import { holdsFromMessage } from '../../src/session/journalMigration.js';
import { readJournal, scanJournal } from '../../src/session/journalReader.js';
import { RequestBook } from '../../src/engine/requestDelta.js';
import { completeRun, stamp } from './fixtures.js';
import { jsonl, v1Journal } from './journalV1.js';

/** The example session as roleplay shipped it before journals had a version. */
const FORMAT1_EXAMPLE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'format1-example', 'events.jsonl');

let cwd: string;
beforeEach(() => {
  cwd = mkdtempSync(path.join(tmpdir(), 'roleplay-reader-'));
});

function write(name: string, text: string): string {
  const file = path.join(cwd, name);
  writeFileSync(file, text);
  return file;
}

function usageMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected a UsageError');
}

const of = <T extends EngineEvent['type']>(events: EngineEvent[], type: T) => events.filter((e): e is EventOf<T> => e.type === type);

describe('reading format 1', () => {
  it('loads, migrates and validates the example session as it was shipped in format 1', () => {
    const journal = readJournal(FORMAT1_EXAMPLE);
    expect(journal.torn).toBe(false);
    expect(journal.events).toHaveLength(889);
    expect(journal.lines).toEqual(journal.events.map((_, i) => i + 1));
    const [first] = journal.events;
    expect(first).toMatchObject({ type: 'run.started', format: 'roleplay-journal', version: 2, config: { breakpoints: [], prices: {} } });
    const turns = of(journal.events, 'turn.started');
    expect(turns).toHaveLength(25);
    for (const turn of turns) {
      expect(turn.request).toMatchObject({ base: null, keep: 0 });
      expect(turn.request.add.at(-1)?.role).toBe('user');
      expect(turn.heard).toEqual([]);
    }
    expect(journal.events.at(-1)).toMatchObject({ type: 'run.finished', status: 'completed' });
  });

  it('migrates customer messages, a regenerate, a failure, an edit, pauses and a budget stop', () => {
    const journal = readJournal(write('v1.jsonl', jsonl(v1Journal())), cwd);
    const { events } = journal;
    expect(events[0]).toMatchObject({ type: 'run.started', format: 'roleplay-journal', version: 2, config: { breakpoints: [], prices: {} } });
    expect(of(events, 'customer.message').map((e) => [e.customerId, e.text])).toEqual([
      ['c1', 'Before anything: hello.'],
      ['c2', 'Keep it small, please.'],
    ]);
    // The sanity check hears nothing; the first reply hears what came before it; a regenerated reply's message,
    // and a failed turn's, wait again for the turn after.
    expect(of(events, 'turn.started').map((e) => [e.turnId, e.heard])).toEqual([
      ['t1', []],
      ['t2', ['c1']],
      ['t3', ['c2']],
      ['t4', ['c2']],
      ['t5', ['c2']],
    ]);
    const t2 = of(events, 'turn.started')[1]!;
    expect(t2.request).toEqual({ base: null, keep: 0, add: (v1Journal()[10] as unknown as { request: unknown }).request });
    expect(of(events, 'waiting').map((e) => e.holds)).toEqual([
      [
        { kind: 'breakpoint', spec: 'conversation:Planning', message: 'before conversation "Planning"' },
        { kind: 'breakpoint', spec: 'role:ceo', message: 'CEO is about to speak' },
      ],
      [{ kind: 'failure', message: 'the server said 500 (r: retry, s: skip)' }],
      [{ kind: 'step' }],
      [{ kind: 'budget', maxUsd: 0.5, spentUsd: 0.52 }],
      [{ kind: 'stopped', message: 'Stopped by you: space continues, r regenerates' }],
    ]);
    expect(of(events, 'turn.edited')[0]).toMatchObject({ turnId: 't5', endsConversation: true });
    expect(of(events, 'conversation.ended')[0]).toMatchObject({ reason: 'budget' });
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'budget' });
  });

  it("keeps a quit that was the person's a quit", () => {
    const lines = v1Journal();
    lines[lines.length - 1] = { ...lines.at(-1)!, reason: 'quit by the user' };
    const { events } = readJournal(write('quit.jsonl', jsonl(lines)), cwd);
    expect(of(events, 'conversation.ended')[0]).toMatchObject({ reason: 'quit' });
    expect(events.at(-1)).toMatchObject({ status: 'quit' });
  });

  it('reads the kind of a pause from its message', () => {
    expect(holdsFromMessage('Budget of $0.0014 reached ($0.0020 spent): space goes on anyway')).toEqual([
      { kind: 'budget', maxUsd: 0.0014, spentUsd: 0.002 },
    ]);
    expect(holdsFromMessage('Budget of something odd')).toEqual([{ kind: 'budget', maxUsd: 0, spentUsd: 0 }]);
    expect(holdsFromMessage('Breakpoint match:/a: b/: the reply matched /a: b/')).toEqual([
      { kind: 'breakpoint', spec: 'match:/a', message: 'b/: the reply matched /a: b/' },
    ]);
    expect(holdsFromMessage('Breakpoint phase:x')).toEqual([{ kind: 'breakpoint', spec: 'phase:x', message: '' }]);
    expect(holdsFromMessage('the sanity check failed (r: retry, s: skip)')).toEqual([
      { kind: 'failure', message: 'the sanity check failed (r: retry, s: skip)' },
    ]);
  });

  it('numbers format-1 customer messages on from the ids a format-2 part of the file used', () => {
    const v2 = stamp(completeRun()).slice(0, -1);
    const resumed = {
      type: 'run.resumed',
      sessionId: 's',
      fromSeq: v2.length,
      provider: 'demo',
      model: 'm',
      mode: 'auto',
      seq: v2.length + 1,
      t: 5000,
    };
    const old = { type: 'customer.message', conversationId: null, text: 'again', seq: v2.length + 2, t: 5001 };
    const { events } = readJournal(write('mixed.jsonl', jsonl([...v2, resumed, old])), cwd);
    expect(events.at(-2)).toMatchObject({ type: 'run.resumed', version: 2 });
    expect(events.at(-1)).toMatchObject({ type: 'customer.message', customerId: 'c2' });
  });
});

describe('reading format 2', () => {
  it('reads what the fixtures write, and its requests resolve', () => {
    const events = stamp(completeRun());
    const journal = readJournal(write('v2.jsonl', jsonl(events)), cwd);
    expect(journal.events).toEqual(JSON.parse(JSON.stringify(events)));
    const book = new RequestBook();
    for (const e of of(journal.events, 'turn.started')) expect(book.add(e)).toEqual([{ role: 'user', content: 'go' }]);
  });

  it('refuses a journal from a newer roleplay in one line', () => {
    const [first, ...rest] = stamp(completeRun());
    const file = write('new.jsonl', jsonl([{ ...first, version: 3 }, ...rest]));
    expect(usageMessage(() => readJournal(file, cwd))).toBe(
      'new.jsonl:1: written by a newer roleplay (journal version 3); update roleplay to read it',
    );
  });
});

describe('streaming', () => {
  it('reads the same events in chunks of any size, lines longer than a chunk included', () => {
    const file = FORMAT1_EXAMPLE;
    const whole = readJournal(file);
    for (const chunkSize of [7, 4096]) expect(readJournal(file, cwd, { chunkSize }).events).toEqual(whole.events);
  });

  it('decodes a character split between two chunks', () => {
    const events = stamp(completeRun());
    const token = events.find((e) => e.type === 'token')!;
    Object.assign(token, { text: 'héllo 🎉 ünïcödé — 日本語' });
    const file = write('utf8.jsonl', jsonl(events));
    for (const chunkSize of [1, 2, 3, 5]) {
      const read = readJournal(file, cwd, { chunkSize }).events.find((e) => e.type === 'token');
      expect(read).toMatchObject({ text: 'héllo 🎉 ünïcödé — 日本語' });
    }
  });

  it('streams without keeping events, and counts them', () => {
    const file = FORMAT1_EXAMPLE;
    let n = 0;
    const scan = scanJournal(file, () => n++, cwd, { chunkSize: 1000 });
    expect(scan).toMatchObject({ events: 889, torn: false });
    expect(n).toBe(889);
    expect(scan.lastT).toBe(JSON.parse(readFileSync(file, 'utf8').trimEnd().split('\n').at(-1)!).t);
  });

  it('skips a torn last line, blank lines after it too, and reads a last line with no newline', () => {
    const text = jsonl(stamp(completeRun()));
    expect(readJournal(write('torn.jsonl', `${text}{"type":"token","turnId":"t9","te\n\n  \n`), cwd)).toMatchObject({ torn: true });
    const noNewline = readJournal(write('last.jsonl', text.trimEnd()), cwd);
    expect(noNewline).toMatchObject({ torn: false });
    expect(noNewline.events.at(-1)).toMatchObject({ type: 'run.finished' });
  });
});

describe('errors: one line, file:line, the bad field', () => {
  const lines = () => stamp(completeRun()).map((e) => ({ ...e }));
  const check = (name: string, edit: (l: Array<Record<string, unknown>>) => void) => {
    const l = lines();
    edit(l);
    const message = usageMessage(() => readJournal(write(`${name}.jsonl`, jsonl(l)), cwd));
    expect(message.split('\n')).toHaveLength(1);
    return message;
  };

  it('names the field that has the wrong shape', () => {
    expect(check('a', (l) => ((l[1]!.request as { add: Array<{ role: string }> }).add[0]!.role = 'robot'))).toBe(
      'a.jsonl:2: turn.started: request.add[0].role: expected one of "system", "user", "assistant", got string "robot"',
    );
    expect(check('b', (l) => delete l[4]!.usage)).toBe('b.jsonl:5: usage: usage: is missing');
    expect(check('c', (l) => (l[3]!.text = 42))).toBe('c.jsonl:4: token: text: expected string, got number 42');
    expect(check('d', (l) => (l[3]!.colour = 'red'))).toBe('d.jsonl:4: token: unknown field "colour"');
    expect(check('e', (l) => (l[3]!.type = 'tokn'))).toBe('e.jsonl:4: unknown event type "tokn"');
    expect(check('f', (l) => (l[3] = [1, 2] as never))).toBe('f.jsonl:4: not a JSON object; is this a roleplay events.jsonl?');
    expect(check('g', (l) => ((l[0]!.config as Record<string, unknown>).maxTurns = 'ten'))).toBe(
      'g.jsonl:1: run.started: config.maxTurns: expected number, got string "ten"',
    );
    expect(check('h', (l) => (l[1]!.request = { base: null, keep: 0, add: [] }))).toBe(
      'h.jsonl:2: turn.started: request.add: must hold at least the prompt',
    );
  });

  it('checks the order of events', () => {
    expect(check('seq', (l) => ([l[3], l[4]] = [l[4]!, l[3]!]))).toBe('seq.jsonl:5: seq 4 comes after seq 5: the events are out of order');
    expect(check('again', (l) => l.push({ ...l[0]!, seq: 1000 }))).toBe(
      'again.jsonl:46: a second run.started: a journal holds one run (a --resume appends run.resumed)',
    );
    expect(check('first', (l) => l.shift())).toBe(
      'first.jsonl:1: the first event is turn.started, not run.started; is this a roleplay events.jsonl?',
    );
    expect(check('unstarted', (l) => (l[3]!.turnId = 't9'))).toBe('unstarted.jsonl:4: token for turn "t9", which has not started');
    expect(check('ended', (l) => l.push({ type: 'token', turnId: 't1', text: 'late', seq: 1000, t: 9999 }))).toBe(
      'ended.jsonl:46: token for turn "t1", which has already ended',
    );
    expect(check('discard2', (l) => Object.assign(l[2]!, { type: 'turn.discarded', reason: 'quit', text: undefined }))).toBe(
      'discard2.jsonl:3: turn.discarded for turn "t1", which has not ended',
    );
    expect(check('dup', (l) => (l[10]!.turnId = 't1'))).toBe('dup.jsonl:11: turn "t1" starts a second time');
    expect(check('conv', (l) => (l[7]!.conversationId = 'nope'))).toBe(
      'conv.jsonl:8: conversation "nope" is not a conversation of the run\'s workflow',
    );
    expect(check('phase', (l) => (l[7]!.phaseId = 'build'))).toBe('phase.jsonl:8: conversation "planning" is in phase "design", not "build"');
    expect(check('phase2', (l) => (l[6]!.phaseId = 'nope'))).toBe('phase2.jsonl:7: phase "nope" is not a phase of the run\'s workflow');
    expect(check('heard', (l) => (l[16]!.heard = ['c7']))).toBe('heard.jsonl:17: hears customer message "c7", which was never sent');
    expect(check('withdrawn', (l) => l.push({ type: 'customer.withdrawn', customerIds: ['c1', 'c2'], reason: 'rewind', seq: 1000, t: 9999 }))).toBe(
      'withdrawn.jsonl:46: withdraws customer message "c2", which was never sent',
    );
  });

  it('checks that a request builds on the turn before it', () => {
    const at = (l: Array<Record<string, unknown>>, turnId: string) => l.find((e) => e.type === 'turn.started' && e.turnId === turnId)!;
    expect(check('base', (l) => (at(l, 't3').request = { base: 't1', keep: 1, add: [{ role: 'user', content: 'x' }] }))).toBe(
      'base.jsonl:17: request.base is "t1", but the turn that started before is "t2"',
    );
    expect(check('keep', (l) => (at(l, 't3').request = { base: 't2', keep: 2, add: [{ role: 'user', content: 'x' }] }))).toBe(
      'keep.jsonl:17: request.keep is 2, but the request of turn "t2" has 1 messages',
    );
    expect(check('nobase', (l) => (at(l, 't1').request = { base: 't0', keep: 0, add: [{ role: 'user', content: 'x' }] }))).toBe(
      'nobase.jsonl:2: request.base is "t0", but no turn started before',
    );
    expect(check('null', (l) => (at(l, 't3').request = { base: null, keep: 1, add: [{ role: 'user', content: 'x' }] }))).toBe(
      'null.jsonl:17: request.keep is 1 but request.base is null (nothing to keep)',
    );
    // The delta the writer would make reads back.
    const l = lines();
    at(l, 't3').request = { base: 't2', keep: 1, add: [{ role: 'user', content: 'x' }] };
    expect(readJournal(write('ok.jsonl', jsonl(l)), cwd).events).toHaveLength(45);
  });

  it('escapes control characters and line breaks the file brings into the message', () => {
    expect(check('ctl', (l) => (l[3]!.turnId = 't\n\u001b[31m\u009b'))).toBe(
      'ctl.jsonl:4: token for turn "t\\u000a\\u001b[31m\\u009b", which has not started',
    );
  });

  it('says when the file cannot be read', () => {
    expect(usageMessage(() => readJournal(path.join(cwd, 'missing.jsonl'), cwd))).toBe('cannot read missing.jsonl: ENOENT');
    expect(usageMessage(() => readJournal(cwd, cwd))).toMatch(/^cannot read .*: EISDIR$/);
  });
});
