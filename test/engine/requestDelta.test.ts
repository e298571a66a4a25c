import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/providers/types.js';
import { RequestBook, requestDelta } from '../../src/engine/requestDelta.js';

const m = (role: ChatMessage['role'], content: string): ChatMessage => ({ role, content });
const SYSTEM = m('system', 'You roleplay a company.');
const INITIAL = m('user', 'The task.');

describe('requestDelta', () => {
  it('keeps the longest common prefix and adds the rest', () => {
    const first = [SYSTEM, INITIAL, m('user', 'START')];
    const second = [SYSTEM, INITIAL, m('user', 'START'), m('assistant', 'CEO: hi'), m('user', 'SWITCH')];
    expect(requestDelta(null, null, first)).toEqual({ base: null, keep: 0, add: first });
    expect(requestDelta(first, 't1', second)).toEqual({ base: 't1', keep: 3, add: second.slice(3) });
    // Equal text in another object, or another role, is compared by value.
    expect(requestDelta(first, 't1', [m('system', SYSTEM.content), m('assistant', 'The task.'), m('user', 'x')])).toEqual({
      base: 't1',
      keep: 1,
      add: [m('assistant', 'The task.'), m('user', 'x')],
    });
  });

  it('always adds at least the prompt, even when the request repeats the one before', () => {
    const request = [SYSTEM, INITIAL, m('user', 'START')];
    expect(requestDelta(request, 't1', request)).toEqual({ base: 't1', keep: 2, add: [request[2]] });
    expect(requestDelta(request, 't1', [SYSTEM])).toEqual({ base: null, keep: 0, add: [SYSTEM] });
  });

  it('starts afresh when nothing is shared or there is no turn before', () => {
    expect(requestDelta([INITIAL], 't1', [SYSTEM, INITIAL])).toEqual({ base: null, keep: 0, add: [SYSTEM, INITIAL] });
    expect(requestDelta([SYSTEM, INITIAL], null, [SYSTEM, INITIAL, m('user', 'x')])).toMatchObject({ base: null, keep: 0 });
  });

  it('adds references to the messages of the new request, not copies', () => {
    const next = [SYSTEM, INITIAL, m('user', 'START')];
    expect(requestDelta([SYSTEM], 't1', next).add[0]).toBe(INITIAL);
  });
});

describe('RequestBook', () => {
  it('resolves each turn from the one before and shares the message objects', () => {
    const book = new RequestBook();
    const r1 = book.add({ turnId: 't1', request: { base: null, keep: 0, add: [SYSTEM, INITIAL, m('user', 'START')] } });
    const r2 = book.add({ turnId: 't2', request: { base: 't1', keep: 3, add: [m('assistant', 'CEO: hi'), m('user', 'SWITCH')] } });
    const r3 = book.add({ turnId: 't3', request: { base: 't2', keep: 2, add: [m('user', 'START other')] } });
    expect(r2.map((x) => x.content)).toEqual(['You roleplay a company.', 'The task.', 'START', 'CEO: hi', 'SWITCH']);
    expect(r3.map((x) => x.content)).toEqual(['You roleplay a company.', 'The task.', 'START other']);
    expect(r2[0]).toBe(r1[0]);
    expect(r3[1]).toBe(r1[1]);
    expect(book.get('t2')).toBe(r2);
    expect(book.get('t9')).toBeUndefined();
    expect(book.size).toBe(3);
  });

  it('refuses a delta on a turn it was not fed, or keeping more than there was', () => {
    const book = new RequestBook();
    book.add({ turnId: 't1', request: { base: null, keep: 0, add: [SYSTEM] } });
    expect(() => book.add({ turnId: 't2', request: { base: 't0', keep: 1, add: [INITIAL] } })).toThrow(/builds on turn t0/);
    expect(() => book.add({ turnId: 't2', request: { base: 't1', keep: 2, add: [INITIAL] } })).toThrow(/keeps 2 messages of 1/);
  });

  it('round trip: whatever the writer makes of a run of requests, the book reads back the same requests', () => {
    // Requests as a run makes them: mostly the request before plus a few messages, now and then a fresh start
    // (scoped context) or one cut back (a rewind), from a small vocabulary so that messages repeat.
    const message = fc.record({
      role: fc.constantFrom<ChatMessage['role']>('system', 'user', 'assistant'),
      content: fc.constantFrom('a', 'b', 'START', 'SWITCH', '', 'é🎉'),
    });
    const step = fc.record({ cut: fc.nat(6), fresh: fc.boolean(), added: fc.array(message, { minLength: 1, maxLength: 4 }) });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 25 }), (steps) => {
        const book = new RequestBook();
        let previous: ChatMessage[] | null = null;
        let previousId: string | null = null;
        steps.forEach(({ cut, fresh, added }, i) => {
          const kept: ChatMessage[] = fresh || !previous ? [] : previous.slice(0, Math.max(0, previous.length - cut));
          // Sometimes the same text in new objects, as a request rebuilt from its thread would be.
          const next: ChatMessage[] = [...kept.map((x, j) => (j % 2 ? { ...x } : x)), ...added];
          const turnId = `t${i + 1}`;
          const delta = requestDelta(previous, previousId, next);
          expect(delta.add.length).toBeGreaterThan(0);
          expect(delta.add.at(-1)).toBe(next.at(-1));
          expect(delta.keep === 0 || delta.base === previousId).toBe(true);
          const resolved = book.add({ turnId, request: JSON.parse(JSON.stringify(delta)) });
          expect(resolved).toEqual(next);
          previous = next;
          previousId = turnId;
        });
      }),
      { numRuns: 300 },
    );
  });
});
