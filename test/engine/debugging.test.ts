import { describe, expect, it } from 'vitest';
import type { EngineEvent, EventOf } from '../../src/engine/events.js';
import { config, cooperative, makeEngine, retryable, ScriptedProvider, waitForEvent } from '../support/scripted.js';
import { holdText } from '../../src/views/runState.js';

const of = <T extends EngineEvent['type']>(events: EngineEvent[], type: T) => events.filter((e): e is EventOf<T> => e.type === type);
/** What a view says of a wait: each reason it holds for, besides step mode. */
const message = (waiting: EventOf<'waiting'>) =>
  waiting.holds
    .filter((h) => h.kind !== 'step')
    .map(holdText)
    .join('; ');
const talk = () => new ScriptedProvider((req, call) => `${req.meta.speaker?.name}: reply ${call}`);

async function stepTurns(engine: ReturnType<typeof makeEngine>['engine'], events: EngineEvent[], n: number) {
  for (let i = 0; i < n; i++) {
    const before = of(events, 'turn.ended').length;
    engine.step();
    await waitForEvent(events, engine, () => of(events, 'turn.ended').length > before);
  }
  await waitForEvent(events, engine, (e) => e.type === 'waiting' && e.seq > (of(events, 'turn.ended').at(-1)?.seq ?? 0));
}

describe('rewind and edit', () => {
  it('rewinds to an earlier turn of the conversation: later replies and customer messages are taken back', async () => {
    const provider = talk();
    const { engine, events } = makeEngine(provider, { mode: 'step', config: config({ maxTurns: 6 }) });
    const done = engine.run();
    await stepTurns(engine, events, 2);
    engine.intervene('a remark that goes too');
    await stepTurns(engine, events, 1);
    const [first, second] = of(events, 'turn.ended');
    engine.rewind(second!.turnId);
    await waitForEvent(events, engine, (e) => e.type === 'conversation.rewound');
    await waitForEvent(events, engine, () => of(events, 'turn.ended').length === 4);
    expect(of(events, 'conversation.rewound')[0]).toMatchObject({ conversationId: 'design-modalities', toIndex: 1 });
    expect(of(events, 'turn.discarded').map((d) => d.reason)).toEqual(['rewind', 'rewind']);
    const request = provider.requests.at(-1)!;
    const contents = request.messages.map((m) => m.content).join('\n');
    expect(contents).toContain(first!.text);
    expect(contents).not.toContain(second!.text);
    expect(contents).not.toContain('a remark that goes too');
    expect(of(events, 'turn.started').at(-1)).toMatchObject({ index: 1, side: 'assistant' });
    engine.quit();
    await done;
  });

  it('regenerating the reply that answered the customer answers the customer again', async () => {
    const provider = talk();
    const { engine, events } = makeEngine(provider, { mode: 'step', config: config({ maxTurns: 6 }) });
    const done = engine.run();
    await stepTurns(engine, events, 1);
    engine.intervene('please hurry');
    await stepTurns(engine, events, 1);
    expect(provider.requests[1]!.meta.customer).toEqual(['please hurry']);
    engine.regenerate();
    await waitForEvent(events, engine, () => of(events, 'turn.ended').length === 3);
    expect(provider.requests[2]!.meta.customer).toEqual(['please hurry']);
    expect(provider.requests[2]!.messages).toEqual(provider.requests[1]!.messages);
    engine.quit();
    await done;
  });

  it('edit replaces the last reply in the thread; the journal sees both', async () => {
    const provider = talk();
    const { engine, events } = makeEngine(provider, { mode: 'step', config: config({ maxTurns: 4 }) });
    const done = engine.run();
    await stepTurns(engine, events, 1);
    engine.edit('CEO: corrected words');
    expect(await waitForEvent(events, engine, (e) => e.type === 'turn.edited')).toMatchObject({
      text: 'CEO: corrected words',
      previous: 'CEO: reply 0',
    });
    await stepTurns(engine, events, 1);
    const contents = provider.requests.at(-1)!.messages.map((m) => m.content);
    expect(contents).toContain('CEO: corrected words');
    expect(contents).not.toContain('CEO: reply 0');
    engine.quit();
    await done;
  });

  it('an edit that adds END CONVERSATION closes the conversation with the edited artifact', async () => {
    const { engine, events } = makeEngine(talk(), { mode: 'step' });
    const done = engine.run();
    await stepTurns(engine, events, 1);
    engine.edit('CEO: final plan\n\nEND CONVERSATION');
    await waitForEvent(events, engine, (e) => e.type === 'conversation.ended');
    expect(of(events, 'conversation.ended')[0]).toMatchObject({ reason: 'end-marker', artifact: { text: 'final plan', incomplete: false } });
    engine.quit();
    await done;
  });
});

describe('live config reload', () => {
  it('takes new prompts and role descriptions from the next turn on', async () => {
    const provider = new ScriptedProvider(cooperative(3));
    const { engine, events } = makeEngine(provider, { mode: 'step' });
    const done = engine.run();
    await stepTurns(engine, events, 1);
    const next = config({ prompts: { switch: 'YOUR TURN, {{speaker}}' } });
    next.workflow.roles[1]!.description = 'A brand-new CPO.';
    const result = engine.reloadConfig(next);
    expect(result).toEqual({ ok: true, changed: ['prompts.switch', 'role CPO'] });
    expect(await waitForEvent(events, engine, (e) => e.type === 'config.reloaded')).toMatchObject({ changed: ['prompts.switch', 'role CPO'] });
    await stepTurns(engine, events, 1);
    const last = provider.requests.at(-1)!;
    expect(last.messages.at(-1)?.content).toBe('YOUR TURN, CPO');
    expect(last.messages[1]?.content).toContain('A brand-new CPO.');
    engine.quit();
    await done;
  });

  it('refuses a workflow of another shape and keeps the old config', () => {
    const { engine } = makeEngine(talk());
    const next = config();
    next.workflow.phases.pop();
    expect(engine.reloadConfig(next)).toEqual({ ok: false, reason: 'the phases changed: restart the run to use it' });
  });
});

describe('breakpoints', () => {
  it('in auto mode the run pauses before a role speaks, before a conversation, and after a matching reply', async () => {
    const provider = new ScriptedProvider((req) => {
      const i = req.meta.conversation?.turnIndex ?? 0;
      if (req.meta.conversation?.name === 'Design (Language)' && i === 0) return 'CEO: needs a TODO here';
      return i >= 1 ? `${req.meta.speaker?.name}: done END CONVERSATION` : `${req.meta.speaker?.name}: start`;
    });
    const { engine, events } = makeEngine(provider, {
      config: config({ breakpoints: ['role:cpo'] }),
      breakpoints: ['conversation:Coding (Code)', 'match:/todo/i'],
    });
    const done = engine.run();
    const paused = () => of(events, 'waiting').filter((w) => w.holds.some((h) => h.kind !== 'step'));
    const waitPause = async (n: number) => {
      await waitForEvent(events, engine, () => paused().length >= n);
      return paused()[n - 1]!;
    };
    expect(message(await waitPause(1))).toBe('Breakpoint role:cpo: CPO is about to speak');
    engine.step();
    expect(message(await waitPause(2))).toBe('Breakpoint match:/todo/i: the reply matched /todo/i');
    engine.step();
    expect(message(await waitPause(3))).toBe('Breakpoint conversation:Coding (Code): before conversation "Coding (Code)"');
    expect(of(events, 'breakpoint').map((b) => b.spec)).toEqual(['role:cpo', 'match:/todo/i', 'conversation:Coding (Code)']);
    engine.step();
    // The last CPO turn (Documenting (Manual)) pauses once more; then the run completes.
    await waitPause(4);
    engine.step();
    expect((await done).status).toBe('completed');
  });

  it("a match on the run's last reply is reported, and a match and a role breakpoint at one stop are both shown", async () => {
    const provider = new ScriptedProvider(cooperative(2));
    const log = makeEngine(provider, { breakpoints: ['match:END CONVERSATION'], onBreakpoint: 'log' });
    await log.engine.run();
    expect(of(log.events, 'breakpoint')).toHaveLength(8);
    const { engine, events } = makeEngine(new ScriptedProvider(cooperative(2)), {
      breakpoints: ['match:/Turn 1 of Design \\(Modalities\\)/', 'role:cpo'],
    });
    const done = engine.run();
    const waiting = (await waitForEvent(events, engine, (e) => e.type === 'waiting')) as EventOf<'waiting'>;
    expect(waiting.holds.map((h) => h.kind)).toEqual(['breakpoint', 'breakpoint']);
    expect(message(waiting)).toBe(
      'Breakpoint match:/Turn 1 of Design \\(Modalities\\)/: the reply matched /Turn 1 of Design \\(Modalities\\)/; Breakpoint role:cpo: CPO is about to speak',
    );
    engine.quit();
    await done;
  });

  it('headless only reports breakpoints', async () => {
    const { engine, events } = makeEngine(new ScriptedProvider(cooperative(2)), { breakpoints: ['phase:testing'], onBreakpoint: 'log' });
    expect((await engine.run()).status).toBe('completed');
    expect(of(events, 'breakpoint')).toEqual([expect.objectContaining({ spec: 'phase:testing', message: 'before phase "Testing"' })]);
    expect(of(events, 'waiting')).toHaveLength(0);
  });
});

describe('budget', () => {
  const costOf = (_model: string, usage: { promptTokens: number; completionTokens: number }) =>
    (usage.promptTokens + usage.completionTokens) / 10_000;

  it('headless: the run stops once the budget is reached', async () => {
    const { engine, events } = makeEngine(new ScriptedProvider(cooperative(3)), { maxCostUsd: 0.5, costOf });
    const result = await engine.run();
    expect(result.status).toBe('budget');
    expect(result.reason).toMatch(/^the budget of \$0\.50 was reached/);
    const reached = of(events, 'budget.reached')[0]!;
    expect(reached.spentUsd).toBeGreaterThanOrEqual(0.5);
    expect(of(events, 'conversation.ended').length).toBeLessThan(8);
  });

  it('TUI: the run pauses once, and goes on when the user says so', async () => {
    const { engine, events } = makeEngine(new ScriptedProvider(cooperative(2)), { maxCostUsd: 0.5, costOf, onFailure: 'pause' });
    const done = engine.run();
    const waiting = (await waitForEvent(events, engine, (e) => e.type === 'waiting')) as EventOf<'waiting'>;
    expect(waiting.holds).toMatchObject([{ kind: 'budget', maxUsd: 0.5 }]);
    expect(message(waiting)).toMatch(/^Budget of \$0\.50 reached/);
    engine.step();
    expect((await done).status).toBe('completed');
  });
});

describe('stopping and regenerating in flight', () => {
  it('r while a reply streams regenerates that reply, not the one before it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const provider = new ScriptedProvider((req, call) => {
      if (call === 1) {
        return (async function* () {
          yield { type: 'delta' as const, text: 'CPO: half' };
          await gate;
        })();
      }
      return `${req.meta.speaker?.name}: reply ${call}`;
    });
    const { engine, events } = makeEngine(provider, { mode: 'step', config: config({ maxTurns: 4 }) });
    const done = engine.run();
    await stepTurns(engine, events, 1);
    engine.step();
    await waitForEvent(events, engine, (e) => e.type === 'token' && e.text === 'CPO: half');
    engine.regenerate();
    release();
    await waitForEvent(events, engine, () => of(events, 'turn.ended').length === 3);
    const first = of(events, 'turn.ended')[0]!;
    expect(of(events, 'turn.discarded').map((d) => d.turnId)).toEqual([of(events, 'turn.started')[1]!.turnId]);
    expect(of(events, 'turn.started')[2]).toMatchObject({ role: 'cpo', index: 1 });
    expect(provider.requests[2]!.messages.map((m) => m.content)).toContain(first.text);
    engine.quit();
    await done;
  });

  it('x while waiting to retry stops the run instead of retrying at once', async () => {
    const provider = new ScriptedProvider((req, call) => (call === 0 ? retryable('HTTP 503: busy') : `${req.meta.speaker?.name}: ok`));
    const { engine, events } = makeEngine(provider, { config: config({ retry: { baseDelayMs: 60_000 } }) });
    const done = engine.run();
    await waitForEvent(events, engine, (e) => e.type === 'retrying');
    engine.abort();
    const waiting = (await waitForEvent(events, engine, (e) => e.type === 'waiting')) as EventOf<'waiting'>;
    expect(waiting.holds).toMatchObject([{ kind: 'stopped' }]);
    expect(provider.requests).toHaveLength(1);
    engine.quit();
    await done;
  });
});
