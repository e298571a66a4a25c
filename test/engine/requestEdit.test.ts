import { describe, expect, it } from 'vitest';
import { EVENT_SCHEMAS } from '../../src/engine/eventSchema.js';
import type { EngineEvent, EventOf } from '../../src/engine/events.js';
import { RequestBook } from '../../src/engine/requestDelta.js';
import { nextRequest } from '../../src/engine/requestBuilder.js';
import { resumePoint } from '../../src/engine/resume.js';
import { parseBreakpoint } from '../../src/config/breakpointSpec.js';
import { requestToText, textToRequest } from '../../src/ui/editor/requestText.js';
import { config, cooperative, makeEngine, ScriptedProvider, waitForEvent } from '../support/scripted.js';

const of = <T extends EngineEvent['type']>(events: EngineEvent[], type: T) => events.filter((e): e is EventOf<T> => e.type === type);
const requestWait = (e: EngineEvent) => e.type === 'waiting' && e.holds.some((h) => h.kind === 'request');

describe('editing the exact request before it is sent', () => {
  it("request:<role> holds that role's request; the edit is sent for that turn only, and the journal keeps both", async () => {
    const provider = new ScriptedProvider(cooperative(4));
    const { engine, events } = makeEngine(provider, { breakpoints: ['request:CPO'], onBreakpoint: 'pause', config: config({ maxTurns: 4 }) });
    const done = engine.run();
    const waiting = (await waitForEvent(events, engine, requestWait)) as EventOf<'waiting'>;
    expect(waiting.holds).toEqual([{ kind: 'request', spec: 'request:CPO', name: 'CPO' }]);
    expect(provider.requests).toHaveLength(1);
    const held = engine.heldRequest()!;
    const edited = held.map((m, i) => (i === held.length - 1 ? { ...m, content: `${m.content}\n\nAnswer in one line.` } : m));
    engine.sendRequest(edited);
    await waitForEvent(events, engine, () => provider.requests.length === 3);
    expect(provider.requests[1]!.messages).toEqual(edited);
    // The next turn is built from the session: the edit is gone from it.
    expect(provider.requests[2]!.messages.some((m) => m.content.includes('Answer in one line.'))).toBe(false);
    const started = of(events, 'turn.started')[1]!;
    const book = new RequestBook();
    of(events, 'turn.started').forEach((e) => book.add(e));
    expect(book.get(started.turnId)).toEqual(edited);
    expect(started.original?.add.at(-1)?.content).toBe(held.at(-1)!.content);
    for (const event of events) expect(EVENT_SCHEMAS[event.type].safeParse(JSON.parse(JSON.stringify(event))).success).toBe(true);
    engine.quit();
    await done;
    // A resume of the journal sends what the live run sent next.
    const cut = events.indexOf(of(events, 'turn.ended')[1]!);
    expect(nextRequest(resumePoint(events.slice(0, cut + 1)).model, 'build a thing')?.messages).toEqual(provider.requests[2]!.messages);
  });

  it('space sends the request as it was built; a headless run only reports the breakpoint', async () => {
    const provider = new ScriptedProvider(cooperative(4));
    const { engine, events } = makeEngine(provider, { breakpoints: ['request:*'], onBreakpoint: 'pause', config: config({ maxTurns: 4 }) });
    const done = engine.run();
    await waitForEvent(events, engine, requestWait);
    const held = engine.heldRequest();
    engine.step();
    await waitForEvent(events, engine, () => provider.requests.length === 1);
    expect(provider.requests[0]!.messages).toEqual(held);
    expect(of(events, 'turn.started')[0]!.original).toBeUndefined();
    engine.quit();
    await done;
    const headless = makeEngine(new ScriptedProvider(cooperative(2)), {
      breakpoints: ['request:*'],
      onBreakpoint: 'log',
      config: config({ maxTurns: 2 }),
    });
    const result = await headless.engine.run();
    expect(result.status).toBe('completed');
    expect(of(headless.events, 'breakpoint').length).toBeGreaterThan(0);
  });

  it('request: names a role or *, and says what to fix otherwise', () => {
    const workflow = { roles: [{ id: 'cto', name: 'CTO' }], phases: [], conversations: [] };
    expect(parseBreakpoint('request:cto', workflow)).toMatchObject({ kind: 'request', id: 'cto', name: 'CTO' });
    expect(parseBreakpoint('request:*', workflow)).toMatchObject({ kind: 'request', id: null });
    expect(parseBreakpoint('request:Boss', workflow)).toEqual({ error: '"request:Boss": unknown role "Boss" (known: CTO)' });
  });

  it('the readable form of a request round-trips, marker-like lines and blank lines included', () => {
    const messages = [
      { role: 'system' as const, content: 'Be brief.\n' },
      { role: 'user' as const, content: '--- #2 user ---\n\\--- #9 system ---\n\nend' },
      { role: 'assistant' as const, content: '' },
      { role: 'user' as const, content: 'SWITCH' },
    ];
    const text = requestToText(messages);
    expect(text.startsWith('--- #1 system ---\nBe brief.\n')).toBe(true);
    expect(textToRequest(text)).toEqual({ ok: true, messages });
    expect(textToRequest(text.replace(/\n$/, ''))).toEqual({ ok: true, messages });
    expect(textToRequest('--- #1 robot ---\nhi')).toEqual({ ok: false, message: 'line 1: "robot" is not a role: use system, user or assistant' });
    expect(textToRequest('')).toMatchObject({ ok: false });
  });
});
