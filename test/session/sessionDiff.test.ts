import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import { diffSessions, lineDiff, requestChanges } from '../../src/session/sessionDiff.js';
import { readJournal } from '../../src/session/sessionStore.js';
import { diffText } from '../../src/cli/diffCommand.js';
import { ROOT } from '../support/cli.js';

const example = () => readJournal(path.join(ROOT, 'examples', 'software-company', 'events.jsonl')).events;

/** The example with the reply of its n-th turn (1-based, in start order) rewritten. */
function withReply(events: EngineEvent[], n: number, change: (text: string) => string): EngineEvent[] {
  const turnId = events.filter((e) => e.type === 'turn.started')[n - 1]?.turnId;
  return events.map((e) => (e.type === 'turn.ended' && e.turnId === turnId ? { ...e, text: change(e.text) } : e));
}

describe('sessionDiff', () => {
  it('finds nothing between a run and itself', () => {
    const diff = diffSessions(example(), example());
    expect(diff.same).toBe(true);
    expect(diff.firstDifference).toBeNull();
    expect(diff.turns.every((t) => t.same && t.a?.number === t.b?.number)).toBe(true);
    expect(diffText(diff)).toContain(`= ${diff.turns.length} replies the same: a #1-#${diff.turns.length}, b #1-#${diff.turns.length}`);
  });

  it('names the first turn whose reply differs, and the requests after it that carry the new text', () => {
    const a = example();
    const fourth = a.filter((e) => e.type === 'turn.started')[3]?.turnId;
    // b's reply 3 has one more line, and so has the copy of it that reply 4's request carries.
    const b = withReply(a, 3, (text) => `${text}\nOne more line.`).map((e) =>
      e.type === 'turn.started' && e.turnId === fourth
        ? { ...e, request: { ...e.request, add: e.request.add.map((m, i) => (i === 0 ? { ...m, content: `${m.content}\nOne more line.` } : m)) } }
        : e,
    );
    const diff = diffSessions(a, b);
    expect(diff.same).toBe(false);
    const first = diff.turns[diff.firstDifference ?? -1];
    expect(first?.a?.number).toBe(3);
    expect(first?.request).toEqual([]);
    expect(first?.reply?.filter((line) => line[0] !== ' ')).toContain('+One more line.');
    // The next reply's request: one message changed.
    const next = diff.turns[(diff.firstDifference ?? 0) + 1];
    expect(next?.request.map((c) => c.change)).toEqual(['changed']);
    expect(next?.request[0]?.lines).toContain('+One more line.');
    const text = diffText(diff).join('\n');
    expect(text).toContain(`first difference: ${first?.where} (a #3, b #3)`);
    expect(text).toMatch(/request: 1 changed, 0 added, 0 removed/);
    expect(text).toMatch(/tokens +\S+ +\| \S+/);
  });

  it('aligns by conversation and turn: a reply only one run has stands alone', () => {
    const a = example();
    const lastStart = [...a].reverse().find((e) => e.type === 'turn.started');
    // b stops before the last reply.
    const b = a.filter((e) => e.seq < (lastStart?.seq ?? 0));
    const diff = diffSessions(a, b);
    const last = diff.turns.at(-1);
    expect(last?.b).toBeNull();
    expect(last?.a?.turnId).toBe(lastStart?.type === 'turn.started' ? lastStart.turnId : '');
    expect(diff.turns.slice(0, -1).every((t) => t.same)).toBe(true);
  });

  it('tells messages added, removed and changed apart', () => {
    const m = (role: 'system' | 'user' | 'assistant', content: string) => ({ role, content });
    expect(requestChanges([m('system', 'S'), m('user', 'hi')], [m('system', 'S'), m('user', 'hello'), m('user', 'new')])).toEqual([
      { change: 'changed', a: 2, b: 2, role: 'user', lines: ['-hi', '+hello'] },
      { change: 'added', a: null, b: 3, role: 'user', text: 'new' },
    ]);
    expect(requestChanges([m('system', 'S'), m('user', 'x')], [m('user', 'x')])).toEqual([
      { change: 'removed', a: 1, b: null, role: 'system', text: 'S' },
    ]);
    expect(lineDiff('a\nb\n', 'a\nc\n')).toEqual([' a', '-b', '+c']);
  });
});
