import { describe, expect, it } from 'vitest';
import type { EngineEvent, EventOf } from '../../src/engine/events.js';
import { nextRequest } from '../../src/engine/requestBuilder.js';
import { resumePoint } from '../../src/engine/resume.js';
import { foldSession } from '../../src/engine/sessionModel.js';
import { buildExportDocument } from '../../src/session/exportDocument.js';
import { renderTranscript } from '../../src/session/transcript.js';
import { applyEvent, createRunState } from '../../src/views/runState.js';
import { config, cooperative, makeEngine, ScriptedProvider, waitForEvent } from '../support/scripted.js';

const of = <T extends EngineEvent['type']>(events: EngineEvent[], type: T) => events.filter((e): e is EventOf<T> => e.type === type);
const viewOf = (events: EngineEvent[]) => events.reduce(applyEvent, createRunState());
/** The journal as a resume reads it: every event through JSON. */
const journal = (events: EngineEvent[]) => JSON.parse(JSON.stringify(events)) as EngineEvent[];
const waitingAfter = (events: EngineEvent[], seq: number) => (e: EngineEvent) => (e.type === 'waiting' || e.type === 'run.finished') && e.seq > seq;

async function stepAndRest(engine: ReturnType<typeof makeEngine>['engine'], events: EngineEvent[]) {
  const seq = events.at(-1)?.seq ?? 0;
  engine.step();
  await waitForEvent(events, engine, waitingAfter(events, seq));
}

describe('one truth for a session', () => {
  it('r after a customer message: the new reply hears it, every view says so, and a resume would send the same', async () => {
    const provider = new ScriptedProvider(cooperative(4));
    const { engine, events } = makeEngine(provider, { mode: 'step' });
    const done = engine.run();
    await waitForEvent(events, engine, (e) => e.type === 'waiting');
    await stepAndRest(engine, events);
    await stepAndRest(engine, events);
    engine.intervene('Please use Postgres.');
    const before = events.at(-1)!.seq;
    engine.regenerate();
    await waitForEvent(events, engine, waitingAfter(events, before));
    // The regenerated reply's request carries the message, right before its prompt.
    const regenerated = provider.requests.at(-1)!.messages.map((m) => m.content);
    expect(regenerated.at(-2)).toContain('Please use Postgres.');
    expect(regenerated.at(-1)).toBe('SWITCH');
    expect(of(events, 'turn.started').at(-1)?.heard).toEqual(['c1']);
    // The views agree: heard by the new turn.
    const view = viewOf(events);
    expect(view.session.customers.get('c1')).toMatchObject({ heardBy: of(events, 'turn.started').at(-1)?.turnId, withdrawn: null });
    expect(buildExportDocument(view).customerMessages).toMatchObject([{ text: 'Please use Postgres.', status: 'heard' }]);
    expect(renderTranscript(view)).toContain('> **Customer:** Please use Postgres.');
    // The journal folds to the same session as the live engine: the next request is the same.
    const resumed = resumePoint(journal(events));
    expect(nextRequest(resumed.model, 'build a thing')).toEqual(nextRequest(engine.session, 'build a thing'));
    expect(nextRequest(resumed.model, 'build a thing')?.messages.filter((m) => m.content.includes('Postgres'))).toHaveLength(1);
    engine.quit();
    await done;
  });

  it('r keeps a message the taken-back reply had heard, and one sent after it, for the new reply', async () => {
    const provider = new ScriptedProvider(cooperative(4));
    const { engine, events } = makeEngine(provider, { mode: 'step' });
    const done = engine.run();
    await waitForEvent(events, engine, (e) => e.type === 'waiting');
    await stepAndRest(engine, events);
    engine.intervene('MSG-A');
    await stepAndRest(engine, events);
    engine.intervene('MSG-B');
    const before = events.at(-1)!.seq;
    engine.regenerate();
    await waitForEvent(events, engine, waitingAfter(events, before));
    const contents = provider.requests.at(-1)!.messages.map((m) => m.content);
    expect(contents.slice(-3, -1).map((c) => /MSG-[AB]/.exec(c)?.[0])).toEqual(['MSG-A', 'MSG-B']);
    expect(contents.filter((c) => /MSG-/.test(c))).toHaveLength(2);
    engine.quit();
    await done;
  });

  it('w withdraws the messages sent after the turn it goes back to, and keeps the one that turn heard', async () => {
    const provider = new ScriptedProvider(cooperative(6));
    const { engine, events } = makeEngine(provider, { mode: 'step' });
    const done = engine.run();
    await waitForEvent(events, engine, (e) => e.type === 'waiting');
    await stepAndRest(engine, events);
    engine.intervene('before turn 2');
    await stepAndRest(engine, events);
    engine.intervene('before turn 3');
    await stepAndRest(engine, events);
    engine.intervene('after turn 3');
    const second = of(events, 'turn.started')[1]!;
    const before = events.at(-1)!.seq;
    engine.rewind(second.turnId);
    await waitForEvent(events, engine, waitingAfter(events, before));
    expect(of(events, 'customer.withdrawn')).toMatchObject([{ customerIds: ['c2', 'c3'], reason: 'rewind' }]);
    const sent = provider.requests
      .at(-1)!
      .messages.map((m) => m.content)
      .join('\n');
    expect(sent).toContain('before turn 2');
    expect(sent).not.toContain('before turn 3');
    expect(sent).not.toContain('after turn 3');
    const view = viewOf(events);
    expect(buildExportDocument(view).customerMessages.map((m) => [m.text, m.status])).toEqual([
      ['before turn 2', 'heard'],
      ['before turn 3', 'withdrawn'],
      ['after turn 3', 'withdrawn'],
    ]);
    expect(renderTranscript(view)).toContain('> **Customer (withdrawn: it came after the turn rewound to, so no model heard it):** after turn 3');
    expect(nextRequest(foldSession(journal(events)), 'build a thing')).toEqual(nextRequest(engine.session, 'build a thing'));
    engine.quit();
    await done;
  });

  it('a message no turn is left to hear is withdrawn and said so; one after the end is refused', async () => {
    const provider = new ScriptedProvider((req) => `${req.meta.speaker?.name}: done END CONVERSATION`);
    const cfg = config();
    cfg.workflow.phases = cfg.workflow.phases.slice(0, 1);
    cfg.workflow.phases[0]!.conversations = cfg.workflow.phases[0]!.conversations.slice(0, 1);
    const { engine, events } = makeEngine(provider, { config: cfg });
    let said = false;
    engine.subscribe((e) => {
      if (e.type === 'token' && !said) {
        said = true;
        engine.intervene('too late');
      }
    });
    expect((await engine.run()).status).toBe('completed');
    expect(of(events, 'customer.withdrawn')).toMatchObject([{ reason: 'no-turn-left' }]);
    expect(of(events, 'warning').map((w) => w.code)).toContain('customer-unheard');
    engine.intervene('after the end');
    expect(of(events, 'warning').at(-1)).toMatchObject({ code: 'customer-refused' });
    expect(of(events, 'customer.message')).toHaveLength(1);
  });

  it('r with nothing to regenerate says so and sends nothing, also at a breakpoint', async () => {
    const provider = new ScriptedProvider(cooperative(3));
    const { engine, events } = makeEngine(provider, { mode: 'step', breakpoints: ['role:ceo'] });
    const done = engine.run();
    const waiting = (await waitForEvent(events, engine, (e) => e.type === 'waiting')) as EventOf<'waiting'>;
    expect(waiting.holds.map((h) => h.kind)).toEqual(['step', 'breakpoint']);
    engine.regenerate();
    await waitForEvent(events, engine, (e) => e.type === 'warning' && e.code === 'regenerate');
    expect(provider.requests).toHaveLength(0);
    expect(of(events, 'warning').at(-1)?.message).toBe('Nothing to regenerate: this conversation has no reply yet');
    engine.quit();
    await done;
    expect(provider.requests).toHaveLength(0);
  });

  it('an interrupted reply edited to hold END CONVERSATION closes the conversation', async () => {
    const provider = new ScriptedProvider((req, call) => (call === 0 ? 'CEO: a long plan that goes on and on' : `${req.meta.speaker?.name}: next`));
    const { engine, events } = makeEngine(provider, { mode: 'step' });
    engine.subscribe((e) => {
      if (e.type === 'token' && e.turnId === 't1') engine.abort();
    });
    const done = engine.run();
    await waitForEvent(events, engine, (e) => e.type === 'waiting');
    engine.step();
    await waitForEvent(events, engine, (e) => e.type === 'waiting' && e.holds.some((h) => h.kind === 'stopped'));
    expect(of(events, 'turn.ended')[0]).toMatchObject({ status: 'interrupted' });
    engine.edit('CEO: the plan\n\nEND CONVERSATION');
    const ended = (await waitForEvent(events, engine, (e) => e.type === 'conversation.ended')) as EventOf<'conversation.ended'>;
    expect(ended).toMatchObject({ reason: 'end-marker', artifact: { text: 'the plan', incomplete: false } });
    engine.quit();
    await done;
  });

  it('a view that throws neither fails the turn nor keeps the event from the others', async () => {
    const provider = new ScriptedProvider(cooperative(2));
    const { engine, events } = makeEngine(provider);
    engine.subscribe((e) => {
      if (e.type === 'token') throw new Error('a broken view');
    });
    const after: EngineEvent[] = [];
    engine.subscribe((e) => after.push(e));
    expect((await engine.run()).status).toBe('completed');
    expect(of(events, 'error')).toHaveLength(0);
    expect(of(events, 'retrying')).toHaveLength(0);
    expect(of(after, 'token').length).toBe(of(events, 'token').length);
    expect(of(events, 'warning').filter((w) => w.code === 'listener-failed')).toHaveLength(1);
  });

  it('holds stand together: a stopped reply and a breakpoint are both shown, and one step goes past both', async () => {
    const provider = new ScriptedProvider(cooperative(4));
    const { engine, events } = makeEngine(provider, { breakpoints: ['role:cpo'] });
    engine.subscribe((e) => {
      if (e.type === 'token' && e.turnId === 't1') engine.abort();
    });
    const done = engine.run();
    const waiting = (await waitForEvent(events, engine, (e) => e.type === 'waiting')) as EventOf<'waiting'>;
    expect(waiting.holds.map((h) => h.kind)).toEqual(['stopped', 'breakpoint']);
    engine.step();
    await waitForEvent(events, engine, (e) => e.type === 'turn.started' && e.role === 'cpo');
    engine.quit();
    await done;
  });

  it('two steps asked for at once are two turns (two spaces in one chunk of keys)', async () => {
    const provider = new ScriptedProvider(cooperative(4));
    const { engine, events } = makeEngine(provider, { mode: 'step' });
    const done = engine.run();
    await waitForEvent(events, engine, (e) => e.type === 'waiting');
    engine.step();
    engine.step();
    await waitForEvent(events, engine, (e) => e.type === 'waiting' && of(events, 'turn.ended').length === 2);
    expect(provider.requests).toHaveLength(2);
    engine.quit();
    await done;
  });
});
