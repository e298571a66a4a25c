import { describe, expect, it } from 'vitest';
import type { EngineEvent, EventOf } from '../../src/engine/events.js';
import type { StreamChunk } from '../../src/providers/types.js';
import { config, cooperative, makeEngine, retryable, ScriptedProvider, turnStarts, waitForEvent } from '../support/scripted.js';

const ofType = <T extends EngineEvent['type']>(events: EngineEvent[], type: T) => events.filter((e): e is EventOf<T> => e.type === type);

describe('engine: order and protocol', () => {
  it('runs every phase and conversation in order, alternating lead and assistant', async () => {
    const provider = new ScriptedProvider(cooperative(3));
    const { engine, events } = makeEngine(provider);
    const result = await engine.run();
    expect(result.status).toBe('completed');
    expect(ofType(events, 'conversation.started').map((e) => e.conversationId)).toEqual([
      'design-modalities',
      'design-language',
      'coding-code',
      'coding-design',
      'testing-review',
      'testing-test',
      'documenting-specification',
      'documenting-manual',
    ]);
    expect(ofType(events, 'phase.started').map((e) => e.phaseId)).toEqual(['designing', 'coding', 'testing', 'documenting']);
    const firstConversation = turnStarts(events).filter((e) => e.conversationId === 'design-modalities');
    expect(firstConversation.map((e) => [e.kind, e.role, e.side])).toEqual([
      ['start', 'ceo', 'lead'],
      ['switch', 'cpo', 'assistant'],
      ['switch', 'ceo', 'lead'],
    ]);
    // START goes to the lead, then SWITCH.
    expect(firstConversation.map((e) => e.messages.at(-1)?.content)).toEqual(['START CONVERSATION Design (Modalities)', 'SWITCH', 'SWITCH']);
    expect(ofType(events, 'warning')).toEqual([]);
    expect(ofType(events, 'run.finished')).toHaveLength(1);
  });

  it('takes the final reply without header and marker as the output artifact', async () => {
    const provider = new ScriptedProvider((req) =>
      req.meta.conversation?.turnIndex === 1
        ? `**${req.meta.speaker?.name}:**\n\nThe ${req.meta.output?.name}.\n\n**END CONVERSATION.**`
        : `${req.meta.speaker?.name}: hello`,
    );
    const { engine, events } = makeEngine(provider);
    const result = await engine.run();
    expect(result.artifacts.get('modalities')).toEqual({ text: 'The Modalities.', incomplete: false });
    const ended = ofType(events, 'conversation.ended')[0];
    expect(ended).toMatchObject({ reason: 'end-marker', turns: 2, artifact: { id: 'modalities', incomplete: false } });
  });

  it('ends at maxTurns with reason turn-limit and an incomplete artifact', async () => {
    const provider = new ScriptedProvider((req) => `${req.meta.speaker?.name}:\n\nstill talking ${req.meta.conversation?.turnIndex}`);
    const { engine, events } = makeEngine(provider, { config: config({ maxTurns: 4 }) });
    const result = await engine.run();
    const ended = ofType(events, 'conversation.ended');
    expect(ended).toHaveLength(8);
    expect(ended.every((e) => e.reason === 'turn-limit' && e.turns === 4)).toBe(true);
    expect(result.artifacts.get('modalities')).toEqual({ text: 'still talking 3', incomplete: true });
  });

  it('honours a per-conversation maxTurns override', async () => {
    const provider = new ScriptedProvider((req) => `${req.meta.speaker?.name}: more`);
    const cfg = config({ maxTurns: 3 });
    cfg.workflow.conversations[0]!.maxTurns = 1;
    const { engine, events } = makeEngine(provider, { config: cfg });
    await engine.run();
    expect(ofType(events, 'conversation.ended').map((e) => e.turns)).toEqual([1, 3, 3, 3, 3, 3, 3, 3]);
  });

  it('flags a reply whose speaker is not the one expected, and one with no header', async () => {
    const provider = new ScriptedProvider((req) => {
      const i = req.meta.conversation?.turnIndex;
      if (i === 0) return 'CTO:\n\nI am not the CEO.';
      if (i === 1) return 'No header at all.';
      return `${req.meta.speaker?.name}: done END CONVERSATION`;
    });
    const { engine, events } = makeEngine(provider, { config: config({ maxTurns: 3 }) });
    await engine.run();
    const codes = ofType(events, 'warning')
      .slice(0, 2)
      .map((w) => [w.code, w.message]);
    expect(codes[0]).toEqual(['wrong-speaker', 'The reply speaks as "CTO" but it is CEO\'s turn']);
    expect(codes[1]?.[0]).toBe('no-header');
  });

  it('runs the sanity check first when enabled, in the thread', async () => {
    const provider = new ScriptedProvider(cooperative(2));
    const { engine, events } = makeEngine(provider, { config: config({ sanityCheck: true }) });
    await engine.run();
    const turns = turnStarts(events);
    expect(turns[0]).toMatchObject({ kind: 'sanity', conversationId: null });
    expect(turns[0]?.messages.at(-1)?.content).toMatch(/^Answer with only "SUCCESS"/);
    expect(turns[1]?.messages.map((m) => m.content)).toContain('SUCCESS');
  });
});

describe('engine: context strategies', () => {
  it('thread: later conversations see the whole thread', async () => {
    const provider = new ScriptedProvider(cooperative(2));
    const { engine, events } = makeEngine(provider);
    await engine.run();
    const second = turnStarts(events).find((e) => e.conversationId === 'design-language');
    const contents = second?.messages.map((m) => m.content) ?? [];
    expect(contents).toContain('START CONVERSATION Design (Modalities)');
    expect(contents.some((c) => c.includes('Modalities body from Design (Modalities)'))).toBe(true);
    expect(second?.messages[0]?.role).toBe('system');
  });

  it('scoped: a conversation starts from the initial message plus the artifacts so far', async () => {
    const provider = new ScriptedProvider(cooperative(2));
    const { engine, events } = makeEngine(provider, { config: config({ context: 'scoped' }) });
    await engine.run();
    const second = turnStarts(events).find((e) => e.conversationId === 'design-language');
    const contents = second?.messages.map((m) => m.content) ?? [];
    expect(contents).not.toContain('START CONVERSATION Design (Modalities)');
    expect(contents[2]).toContain('These are the artifacts produced so far');
    expect(contents[2]).toContain('### Modalities\n\nModalities body from Design (Modalities)');
    expect(contents.at(-1)).toBe('START CONVERSATION Design (Language)');
    expect(second?.messages).toHaveLength(4);
  });

  it('the initial message lists the artifacts, not the roles (the seed bug is fixed)', async () => {
    const provider = new ScriptedProvider(cooperative(2));
    const { engine, events } = makeEngine(provider);
    await engine.run();
    const initial = turnStarts(events)[0]?.messages[1]?.content ?? '';
    const artifactsSection = initial.split('These are the artifacts')[1]?.split('These are the conversations')[0] ?? '';
    expect(artifactsSection).toContain("('artifact' name:[Modalities]");
    expect(artifactsSection).not.toContain("'role'");
  });
});

describe('engine: commands', () => {
  it('step mode waits before each turn and step() sends exactly one', async () => {
    const provider = new ScriptedProvider(cooperative(2));
    const { engine, events } = makeEngine(provider, { mode: 'step' });
    const done = engine.run();
    await waitForEvent(events, engine, (e) => e.type === 'waiting');
    expect(ofType(events, 'turn.started')).toHaveLength(0);
    engine.step();
    await waitForEvent(events, engine, (e) => e.type === 'turn.ended');
    await waitForEvent(events, engine, (e) => e.type === 'waiting' && e.next.kind === 'switch');
    expect(ofType(events, 'turn.started')).toHaveLength(1);
    expect(ofType(events, 'waiting').at(-1)?.next).toMatchObject({ kind: 'switch', role: 'cpo', side: 'assistant' });
    engine.setMode('auto');
    expect((await done).status).toBe('completed');
    expect(ofType(events, 'mode.changed').map((e) => e.mode)).toEqual(['auto']);
  });

  it('intervene puts the customer message into the thread before the next turn', async () => {
    const provider = new ScriptedProvider(cooperative(3));
    const { engine, events } = makeEngine(provider, { mode: 'step' });
    const done = engine.run();
    await waitForEvent(events, engine, (e) => e.type === 'waiting');
    engine.step();
    await waitForEvent(events, engine, (e) => e.type === 'turn.ended');
    engine.intervene('  Please use Postgres.  ');
    expect(ofType(events, 'customer.message')).toMatchObject([{ text: 'Please use Postgres.', conversationId: 'design-modalities' }]);
    engine.setMode('auto');
    await done;
    const next = provider.requests[1]!;
    expect(next.meta.customer).toEqual(['Please use Postgres.']);
    const contents = next.messages.map((m) => m.content);
    expect(contents.at(-2)).toContain('Please use Postgres.');
    expect(contents.at(-1)).toBe('SWITCH');
    expect(provider.requests[2]?.meta.customer).toEqual([]);
  });

  it('intervene while a reply streams goes in before the next turn', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const provider = new ScriptedProvider((req, call) => {
      if (call === 0) {
        return (async function* (): AsyncGenerator<StreamChunk> {
          yield { type: 'delta', text: 'CEO: first' };
          await gate;
          yield { type: 'delta', text: ' part' };
        })();
      }
      return cooperative(2)(req, call) as string;
    });
    const { engine, events } = makeEngine(provider);
    const done = engine.run();
    await waitForEvent(events, engine, (e) => e.type === 'token');
    engine.intervene('hello from the customer');
    // Told at once, and waiting: the reply in flight was asked for before it, so the next turn hears it.
    expect(ofType(events, 'customer.message')).toMatchObject([{ customerId: 'c1', text: 'hello from the customer' }]);
    release();
    await done;
    expect(provider.requests[0]?.messages.map((m) => m.content).join('\n')).not.toContain('hello from the customer');
    expect(provider.requests[1]?.messages.map((m) => m.content).join('\n')).toContain('hello from the customer');
    expect(turnStarts(events)[1]?.heard).toEqual(['c1']);
  });

  it('skip ends the conversation with the last reply as its artifact, marked skipped', async () => {
    const provider = new ScriptedProvider((req) => `${req.meta.speaker?.name}: reply ${req.meta.conversation?.turnIndex}`);
    const { engine, events } = makeEngine(provider, { mode: 'step' });
    const done = engine.run();
    await waitForEvent(events, engine, (e) => e.type === 'waiting');
    engine.step();
    await waitForEvent(events, engine, (e) => e.type === 'turn.ended');
    engine.skipConversation();
    await waitForEvent(events, engine, (e) => e.type === 'conversation.ended');
    expect(ofType(events, 'conversation.ended')[0]).toMatchObject({
      conversationId: 'design-modalities',
      reason: 'skipped',
      artifact: { id: 'modalities', text: 'reply 0', incomplete: true },
    });
    engine.quit();
    expect((await done).status).toBe('quit');
  });

  it('skipPhase skips the rest of the phase and goes on with the next one', async () => {
    const provider = new ScriptedProvider(cooperative(2));
    const { engine, events } = makeEngine(provider, { mode: 'step' });
    const done = engine.run();
    await waitForEvent(events, engine, (e) => e.type === 'waiting');
    engine.skipPhase();
    await waitForEvent(events, engine, (e) => e.type === 'phase.ended');
    engine.setMode('auto');
    await done;
    expect(ofType(events, 'phase.ended')[0]).toMatchObject({ phaseId: 'designing', skipped: true });
    // The conversation in progress ends as skipped with its phase; the ones after it in the phase never start.
    const designing = ofType(events, 'conversation.ended').filter((e) => e.conversationId.startsWith('design-'));
    expect(designing.map((e) => [e.conversationId, e.reason])).toEqual([['design-modalities', 'phase-skipped']]);
    expect(ofType(events, 'conversation.started').map((e) => e.conversationId)).not.toContain('design-language');
    expect(ofType(events, 'turn.started')[0]?.conversationId).toBe('coding-code');
  });

  it('abort keeps the partial text marked interrupted; no late token of it reaches the next turn', async () => {
    const provider = new ScriptedProvider((req, call) => {
      if (call === 0) {
        // A misbehaving stream that ignores the abort signal and keeps yielding.
        return (async function* (): AsyncGenerator<StreamChunk> {
          yield { type: 'delta', text: 'CEO: partial' };
          await new Promise((r) => setTimeout(r, 5));
          yield { type: 'delta', text: ' LATE' };
        })();
      }
      return cooperative(2)(req, call) as string;
    });
    const { engine, events } = makeEngine(provider);
    const done = engine.run();
    await waitForEvent(events, engine, (e) => e.type === 'token');
    engine.abort();
    const ended = (await waitForEvent(events, engine, (e) => e.type === 'turn.ended')) as EventOf<'turn.ended'>;
    expect(ended).toMatchObject({ status: 'interrupted', text: 'CEO: partial' });
    const waiting = (await waitForEvent(events, engine, (e) => e.type === 'waiting')) as EventOf<'waiting'>;
    expect(waiting.holds).toEqual([{ kind: 'stopped', message: 'Stopped by you: space continues, r regenerates' }]);
    await new Promise((r) => setTimeout(r, 20));
    // Auto mode does not go past what holds the run: a step does.
    engine.setMode('auto');
    engine.step();
    await done;
    const tokens = ofType(events, 'token');
    expect(tokens.some((t) => t.text.includes('LATE'))).toBe(false);
    expect(
      tokens
        .filter((t) => t.turnId === ended.turnId)
        .map((t) => t.text)
        .join(''),
    ).toBe('CEO: partial');
  });

  it('regenerate drops the last reply and asks again from the same point', async () => {
    let call = 0;
    const provider = new ScriptedProvider((req) => `${req.meta.speaker?.name}: version ${++call}${call >= 4 ? ' END CONVERSATION' : ''}`);
    const { engine, events } = makeEngine(provider, { mode: 'step', config: config({ maxTurns: 3 }) });
    const done = engine.run();
    await waitForEvent(events, engine, (e) => e.type === 'waiting');
    engine.step();
    await waitForEvent(events, engine, (e) => e.type === 'turn.ended');
    engine.regenerate();
    await waitForEvent(events, engine, (e) => e.type === 'turn.discarded');
    await waitForEvent(events, engine, (e) => e.type === 'turn.ended' && e.text.includes('version 2'));
    const [, second] = provider.requests;
    expect(second?.messages.at(-1)?.content).toBe('START CONVERSATION Design (Modalities)');
    expect(second?.messages.map((m) => m.content).join('\n')).not.toContain('version 1');
    engine.quit();
    await done;
  });

  it('quit while waiting ends the run as quit', async () => {
    const { engine, events } = makeEngine(new ScriptedProvider(cooperative(2)), { mode: 'step' });
    const done = engine.run();
    await waitForEvent(events, engine, (e) => e.type === 'waiting');
    engine.quit();
    expect(await done).toMatchObject({ status: 'quit' });
    expect(ofType(events, 'run.finished')[0]).toMatchObject({ status: 'quit' });
  });
});

describe('engine: failures', () => {
  it('retries a retryable failure with backoff and then succeeds', async () => {
    const provider = new ScriptedProvider((req, call) => (call === 0 ? retryable('HTTP 503: busy') : (cooperative(2)(req, call) as string)));
    const { engine, events } = makeEngine(provider, { config: config({ retry: { baseDelayMs: 1 } }) });
    expect((await engine.run()).status).toBe('completed');
    expect(ofType(events, 'retrying')[0]).toMatchObject({ attempt: 1, maxAttempts: 5, delayMs: 1, reason: 'HTTP 503: busy' });
  });

  it('stops the run as failed when retries run out, with onFailure stop', async () => {
    const provider = new ScriptedProvider(() => retryable('HTTP 500: down'));
    const { engine, events } = makeEngine(provider, { config: config({ retry: { attempts: 2, baseDelayMs: 1 } }) });
    const result = await engine.run();
    expect(result).toMatchObject({ status: 'failed', reason: 'HTTP 500: down' });
    expect(ofType(events, 'retrying')).toHaveLength(2);
    expect(provider.requests).toHaveLength(3);
  });

  it('pauses when retries run out with onFailure pause, and regenerate retries the turn', async () => {
    const provider = new ScriptedProvider((req, call) => (call < 2 ? new Error('bad request') : (cooperative(2)(req, call) as string)));
    const { engine, events } = makeEngine(provider, { onFailure: 'pause' });
    const done = engine.run();
    const waiting = (await waitForEvent(events, engine, (e) => e.type === 'waiting')) as EventOf<'waiting'>;
    expect(waiting.holds).toEqual([{ kind: 'failure', message: 'bad request (r or space: retry, s: skip)' }]);
    engine.regenerate();
    await waitForEvent(events, engine, (e) => e.type === 'waiting' && e.seq > waiting.seq);
    engine.regenerate();
    expect((await done).status).toBe('completed');
    expect(ofType(events, 'conversation.ended')[0]).toMatchObject({ reason: 'end-marker', turns: 2 });
  });

  it('treats an empty reply as a failure to retry', async () => {
    const provider = new ScriptedProvider((req, call) => (call === 0 ? '' : (cooperative(2)(req, call) as string)));
    const { engine, events } = makeEngine(provider, { config: config({ retry: { baseDelayMs: 1 } }) });
    expect((await engine.run()).status).toBe('completed');
    expect(ofType(events, 'retrying')[0]?.reason).toBe('the model sent an empty reply');
  });

  it('estimates usage when the provider sends none, and passes real usage through', async () => {
    const provider = new ScriptedProvider((req, call) =>
      call === 0
        ? (function* (): Generator<StreamChunk> {
            yield { type: 'delta', text: 'CEO: hi' };
            yield { type: 'usage', promptTokens: 11, completionTokens: 3 };
          })()
        : (cooperative(2)(req, call) as string),
    );
    const { engine, events } = makeEngine(provider);
    await engine.run();
    const usages = ofType(events, 'usage');
    expect(usages[0]?.usage).toEqual({ promptTokens: 11, completionTokens: 3, estimated: false });
    expect(usages[1]?.usage.estimated).toBe(true);
    expect(usages[1]?.usage.promptTokens).toBeGreaterThan(100);
  });
});
