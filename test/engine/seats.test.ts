import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { EVENT_SCHEMAS } from '../../src/engine/eventSchema.js';
import type { EngineEvent, EventOf } from '../../src/engine/events.js';
import { nextRequest } from '../../src/engine/requestBuilder.js';
import { resumePoint } from '../../src/engine/resume.js';
import { personReply } from '../../src/engine/seats.js';
import { config, cooperative, makeEngine, ScriptedProvider, turnStarts, waitForEvent } from '../support/scripted.js';

const of = <T extends EngineEvent['type']>(events: EngineEvent[], type: T) => events.filter((e): e is EventOf<T> => e.type === type);
const personWait = (events: EngineEvent[]) =>
  events.find((e): e is EventOf<'waiting'> => e.type === 'waiting' && e.holds.some((h) => h.kind === 'person'));

describe('a person in a seat', () => {
  it("asks the person for the role's reply, adds the role header, and the next request carries it", async () => {
    const provider = new ScriptedProvider(cooperative(4));
    const { engine, events } = makeEngine(provider, { humans: ['cpo'], config: config({ maxTurns: 4 }) });
    const done = engine.run();
    const waiting = (await waitForEvent(events, engine, (e) => personWait([e]) !== undefined)) as EventOf<'waiting'>;
    expect(waiting.holds).toEqual([{ kind: 'person', role: 'cpo', name: 'CPO' }]);
    expect(waiting.next).toMatchObject({ conversationId: 'design-modalities', role: 'cpo', side: 'assistant' });
    expect(provider.requests).toHaveLength(1);
    engine.reply('We should ship a web app.\r\n');
    await waitForEvent(events, engine, () => of(events, 'turn.ended').length >= 3);
    const [, mine] = turnStarts(events);
    expect(mine).toMatchObject({ role: 'cpo', author: 'person', model: 'person', index: 1 });
    const ended = of(events, 'turn.ended')[1]!;
    expect(ended).toMatchObject({ turnId: mine!.turnId, status: 'complete', text: 'CPO:\n\nWe should ship a web app.', speaker: 'CPO' });
    // The model was not asked for the person's turn; the next request holds what the person wrote.
    expect(provider.requests).toHaveLength(2);
    expect(provider.requests[1]!.messages.map((m) => m.content)).toContain('CPO:\n\nWe should ship a web app.');
    // Every event the person's turn made is a valid journal line.
    for (const event of events) expect(EVENT_SCHEMAS[event.type].safeParse(JSON.parse(JSON.stringify(event))).success).toBe(true);
    expect(engine.session.turns.get(mine!.turnId)?.byPerson).toBe(true);
    engine.quit();
    await done;
  });

  it("ends the conversation on END CONVERSATION in the person's text, and their reply is the artifact", async () => {
    const provider = new ScriptedProvider(cooperative(9));
    const { engine, events } = makeEngine(provider, { humans: ['cpo'], config: config({ maxTurns: 6 }) });
    const done = engine.run();
    await waitForEvent(events, engine, (e) => personWait([e]) !== undefined);
    engine.reply('CPO: A web app it is.\n\nEND CONVERSATION');
    const ended = (await waitForEvent(events, engine, (e) => e.type === 'conversation.ended')) as EventOf<'conversation.ended'>;
    expect(ended).toMatchObject({ conversationId: 'design-modalities', reason: 'end-marker', turns: 2 });
    expect(ended.artifact).toEqual({ id: 'modalities', text: 'A web app it is.', incomplete: false });
    engine.quit();
    await done;
  });

  it('h takes the next turn once; handing a seat back lets the model play it', async () => {
    const provider = new ScriptedProvider(cooperative(9));
    const { engine, events } = makeEngine(provider, { mode: 'step', humans: ['cpo'], config: config({ maxTurns: 6 }) });
    const done = engine.run();
    engine.takeNextTurn();
    await waitForEvent(events, engine, (e) => personWait([e]) !== undefined);
    expect(personWait(events)!.holds).toEqual([{ kind: 'person', role: 'ceo', name: 'CEO' }]);
    engine.reply('Let us begin.');
    // The CPO's seat is the person's too (--human): the run waits again, then the seat goes back to the model.
    await waitForEvent(events, engine, (e) => e.type === 'waiting' && e.next.role === 'cpo' && e.holds.some((h) => h.kind === 'person'));
    engine.handBackSeat();
    await waitForEvent(events, engine, (e) => e.type === 'waiting' && e.next.role === 'cpo' && e.holds.every((h) => h.kind === 'step'));
    engine.step();
    await waitForEvent(events, engine, () => of(events, 'turn.ended').length >= 2);
    engine.step();
    await waitForEvent(events, engine, () => of(events, 'turn.ended').length >= 3);
    const authors = turnStarts(events).map((t) => `${t.role}:${t.author ?? 'model'}`);
    expect(authors).toEqual(['ceo:person', 'cpo:model', 'ceo:model']);
    expect(provider.requests).toHaveLength(2);
    engine.quit();
    await done;
  });

  it("a resume of a session with a person's replies sends the request the live run sent", async () => {
    const provider = new ScriptedProvider(cooperative(9));
    const { engine, events } = makeEngine(provider, { humans: ['cpo'], config: config({ maxTurns: 6 }) });
    const done = engine.run();
    await waitForEvent(events, engine, (e) => personWait([e]) !== undefined);
    engine.reply('A person wrote this.');
    await waitForEvent(events, engine, () => provider.requests.length === 2);
    const live = provider.requests[1]!.messages;
    engine.quit();
    await done;
    // The journal up to the person's reply, as a kill right after it would have left it.
    const cut = events.findIndex((e) => e.type === 'turn.ended' && e.text.includes('A person wrote this.'));
    const point = resumePoint(events.slice(0, cut + 1));
    expect(nextRequest(point.model, 'build a thing')?.messages).toEqual(live);
    const again = new ScriptedProvider(cooperative(9));
    const resumed = new Engine({
      config: point.config,
      provider: again,
      task: 'build a thing',
      sessionId: 'test',
      model: 'm',
      resume: point,
      mode: 'auto',
    });
    const more: EngineEvent[] = [];
    resumed.subscribe((e) => more.push(e));
    const run = resumed.run();
    await waitForEvent(more, resumed, (e) => e.type === 'turn.ended');
    expect(again.requests[0]!.messages).toEqual(live);
    resumed.quit();
    await run;
  });

  it('a reply when no turn waits for one is refused with a warning', async () => {
    const { engine, events } = makeEngine(new ScriptedProvider(cooperative(3)), { mode: 'step' });
    const done = engine.run();
    await waitForEvent(events, engine, (e) => e.type === 'waiting');
    engine.reply('hello');
    const warning = (await waitForEvent(events, engine, (e) => e.type === 'warning')) as EventOf<'warning'>;
    expect(warning).toMatchObject({ code: 'reply' });
    expect(of(events, 'turn.started')).toHaveLength(0);
    engine.quit();
    await done;
  });

  it('keeps a header the person wrote themselves, and adds one otherwise', () => {
    const cto = { id: 'cto', name: 'CTO' };
    expect(personReply('CTO: Python.', cto, ['CTO', 'CEO'])).toBe('CTO: Python.');
    expect(personReply('**CTO:**\n\nPython.', cto, ['CTO'])).toBe('**CTO:**\n\nPython.');
    expect(personReply('Python, I think.', cto, ['CTO'])).toBe('CTO:\n\nPython, I think.');
    expect(personReply('CEO: Python.', cto, ['CTO', 'CEO'])).toBe('CTO:\n\nCEO: Python.');
  });
});
