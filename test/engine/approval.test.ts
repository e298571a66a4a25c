import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { EVENT_SCHEMAS } from '../../src/engine/eventSchema.js';
import type { EngineEvent, EventOf } from '../../src/engine/events.js';
import { resumePoint } from '../../src/engine/resume.js';
import { config, cooperative, makeEngine, ScriptedProvider, waitForEvent } from '../support/scripted.js';

const of = <T extends EngineEvent['type']>(events: EngineEvent[], type: T) => events.filter((e): e is EventOf<T> => e.type === type);
const approvalWait = (e: EngineEvent) => e.type === 'waiting' && e.holds.some((h) => h.kind === 'approval');
const waitsFor = (events: EngineEvent[], n: number) => (e: EngineEvent) => approvalWait(e) && of(events, 'waiting').filter(approvalWait).length >= n;

describe('draft, then approve', () => {
  it('a draft is in no thread until accepted; accepted, the next request carries it', async () => {
    const provider = new ScriptedProvider(cooperative(4));
    const { engine, events } = makeEngine(provider, { approve: ['ceo'], config: config({ maxTurns: 4 }) });
    const done = engine.run();
    const waiting = (await waitForEvent(events, engine, approvalWait)) as EventOf<'waiting'>;
    const draft = of(events, 'turn.ended')[0]!;
    expect(draft).toMatchObject({ draft: true, status: 'complete' });
    expect(waiting.holds).toEqual([{ kind: 'approval', turnId: draft.turnId, name: 'CEO' }]);
    expect(engine.session.thread.some((entry) => entry.turnId === draft.turnId)).toBe(false);
    expect(engine.session.draft).toEqual({ turnId: draft.turnId, text: draft.text });
    expect(provider.requests).toHaveLength(1);
    engine.approve();
    await waitForEvent(events, engine, () => provider.requests.length === 2);
    expect(of(events, 'turn.approved')).toMatchObject([{ turnId: draft.turnId, text: draft.text, edited: false }]);
    expect(provider.requests[1]!.messages.map((m) => m.content)).toContain(draft.text);
    // Only the CEO's replies are drafts: the CPO's went straight in.
    await waitForEvent(events, engine, waitsFor(events, 2));
    expect(of(events, 'turn.ended').map((e) => e.draft === true)).toEqual([true, false, true]);
    for (const event of events) expect(EVENT_SCHEMAS[event.type].safeParse(JSON.parse(JSON.stringify(event))).success).toBe(true);
    engine.quit();
    await done;
  });

  it('an edited draft: the journal keeps the draft and what was accepted, and the edit is what the next turn hears', async () => {
    const provider = new ScriptedProvider(cooperative(4));
    const { engine, events } = makeEngine(provider, { approve: 'all', config: config({ maxTurns: 4 }) });
    const done = engine.run();
    await waitForEvent(events, engine, approvalWait);
    const draft = of(events, 'turn.ended')[0]!;
    engine.approve('CEO:\n\nA better first line.');
    await waitForEvent(events, engine, () => provider.requests.length === 2);
    expect(of(events, 'turn.approved')[0]).toMatchObject({ text: 'CEO:\n\nA better first line.', edited: true });
    expect(draft.text).not.toBe('CEO:\n\nA better first line.');
    const sent = provider.requests[1]!.messages.map((m) => m.content);
    expect(sent).toContain('CEO:\n\nA better first line.');
    expect(sent).not.toContain(draft.text);
    engine.quit();
    await done;
  });

  it('r regenerates a draft: the same turn is asked again, and the new draft waits in its place', async () => {
    const provider = new ScriptedProvider((req, call) => `${req.meta.speaker?.name}: draft ${call}`);
    const { engine, events } = makeEngine(provider, { approve: ['ceo'], config: config({ maxTurns: 4 }) });
    const done = engine.run();
    await waitForEvent(events, engine, approvalWait);
    engine.regenerate();
    await waitForEvent(events, engine, waitsFor(events, 2));
    expect(of(events, 'turn.discarded')).toMatchObject([{ reason: 'regenerate' }]);
    expect(provider.requests[1]!.messages).toEqual(provider.requests[0]!.messages);
    expect(engine.session.draft?.text).toBe('CEO: draft 1');
    engine.quit();
    await done;
  });

  it('END CONVERSATION in a draft ends nothing until it is accepted; an edit without it goes on', async () => {
    const provider = new ScriptedProvider((req) => `${req.meta.speaker?.name}: done.\n\nEND CONVERSATION`);
    const { engine, events } = makeEngine(provider, { approve: ['ceo'], config: config({ maxTurns: 4 }) });
    const done = engine.run();
    await waitForEvent(events, engine, approvalWait);
    expect(of(events, 'conversation.ended')).toHaveLength(0);
    engine.approve('CEO: not done yet.');
    await waitForEvent(events, engine, () => of(events, 'turn.ended').length >= 2);
    expect(of(events, 'conversation.ended')).toHaveLength(0);
    // The CPO ends it; the CEO's next draft waits in the next conversation.
    await waitForEvent(events, engine, (e) => e.type === 'conversation.ended');
    expect(of(events, 'conversation.ended')[0]).toMatchObject({ reason: 'end-marker', turns: 2 });
    engine.quit();
    await done;
  });

  it('a resume of a session with a draft waiting asks for the approval again, and sends nothing before it', async () => {
    const provider = new ScriptedProvider(cooperative(4));
    const { engine, events } = makeEngine(provider, { approve: ['ceo'], config: config({ maxTurns: 4 }) });
    const done = engine.run();
    await waitForEvent(events, engine, approvalWait);
    engine.quit();
    await done;
    const point = resumePoint(events);
    const again = new ScriptedProvider(cooperative(4));
    const resumed = new Engine({
      config: point.config,
      provider: again,
      task: 'build a thing',
      sessionId: 'test',
      model: 'm',
      resume: point,
      mode: 'auto',
      approve: ['ceo'],
    });
    const more: EngineEvent[] = [];
    resumed.subscribe((e) => more.push(e));
    const run = resumed.run();
    await waitForEvent(more, resumed, approvalWait);
    expect(again.requests).toHaveLength(0);
    resumed.approve();
    await waitForEvent(more, resumed, () => again.requests.length === 1);
    expect(again.requests[0]!.messages.map((m) => m.content)).toContain(of(events, 'turn.ended')[0]!.text);
    resumed.quit();
    await run;
  });
});

describe('draft, then approve, in the plain view (a replay --headless)', () => {
  it('says which draft was accepted, and the edit that was', async () => {
    const { plainView } = await import('../../src/cli/headlessView.js');
    const { applyEvent, createRunState } = await import('../../src/views/runState.js');
    const provider = new ScriptedProvider(cooperative(4));
    const { engine, events } = makeEngine(provider, { approve: 'all', config: config({ maxTurns: 4 }) });
    const done = engine.run();
    await waitForEvent(events, engine, approvalWait);
    engine.approve();
    await waitForEvent(events, engine, waitsFor(events, 2));
    engine.approve('CPO:\n\nEdited.');
    await waitForEvent(events, engine, (e) => e.type === 'turn.approved' && e.edited);
    engine.quit();
    await done;
    let out = '';
    const state = createRunState();
    const view = plainView((text) => void (out += text), state);
    for (const event of events) {
      applyEvent(state, event);
      view(event);
    }
    expect(out).toContain('[draft accepted: CEO, turn 1]');
    expect(out).toContain('[draft accepted as edited: CPO, turn 2; the thread now holds]\nCPO:\n\nEdited.');
  });
});
