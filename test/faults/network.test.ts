/**
 * Fault injection: the engine with the real OpenAI provider against a local server that misbehaves.
 * Every scenario must end completed, or paused/stopped with a clear reason; never with a cut reply
 * taken as complete.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RoleplayConfig } from '../../src/config/schema.js';
import type { EngineEvent, EventOf } from '../../src/engine/events.js';
import { OpenAIProvider } from '../../src/providers/openaiProvider.js';
import { startFakeOpenAI, type FakeHandler, type FakeReply, type FakeServer } from '../support/fakeOpenAI.js';
import { config, makeEngine, waitForEvent } from '../support/scripted.js';
import { twoPersonWorkflow } from '../support/workflows.js';

const KEY = 'sk-test-SECRET-abcdef123456';
let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A one-conversation workflow keeps each scenario small. */
const ONE: RoleplayConfig = {
  sanityCheck: false,
  // Generous timeouts: the machine is shared; the timeout scenarios set their own.
  retry: { baseDelayMs: 5, maxDelayMs: 50, firstTokenTimeoutMs: 10_000, idleTimeoutMs: 10_000 },
  workflow: twoPersonWorkflow(),
};

const FAST_TIMEOUTS: RoleplayConfig = { retry: { firstTokenTimeoutMs: 800, idleTimeoutMs: 800 } };
const GOOD_LEAD = 'Boss:\n\nWhat do we need?';
const GOOD_END = 'Helper:\n\nThe plan: do it well.\n\nEND CONVERSATION';

/** Replies well except for the faults that `fault` returns for given request indexes. */
function withFaults(fault: (index: number, body: Parameters<FakeHandler>[0]['body']) => FakeReply | undefined): FakeHandler {
  return (request) => {
    const injected = fault(request.index, request.body);
    if (injected) return injected;
    const replies = request.body.messages.filter((m) => m.role === 'assistant').length;
    return { text: replies === 0 ? GOOD_LEAD : GOOD_END, chunkSize: 5 };
  };
}

async function run(handler: FakeHandler, overrides: RoleplayConfig = {}, onFailure: 'stop' | 'pause' = 'stop') {
  server = await startFakeOpenAI(handler);
  const provider = new OpenAIProvider({ apiKey: KEY, baseURL: server.url });
  const { engine, events } = makeEngine(provider, {
    config: config({ ...ONE, ...overrides, retry: { ...ONE.retry, ...overrides.retry } }),
    onFailure,
  });
  return {
    engine,
    events,
    server,
    result: onFailure === 'stop' ? await engine.run() : undefined,
    done: onFailure === 'pause' ? engine.run() : undefined,
  };
}

const of = <T extends EngineEvent['type']>(events: EngineEvent[], type: T) => events.filter((e): e is EventOf<T> => e.type === type);

function expectCompletedWithPlan(result: { status: string; artifacts: Map<string, { text: string }> } | undefined) {
  expect(result?.status).toBe('completed');
  expect(result?.artifacts.get('plan')?.text).toBe('The plan: do it well.');
}

describe('network faults are retried with backoff', () => {
  it('429 honours retry-after', async () => {
    const { result, events, server } = await run(
      withFaults((i) => (i === 0 ? { status: 429, headers: { 'retry-after-ms': '40' }, errorBody: { error: { message: 'slow down' } } } : undefined)),
    );
    expectCompletedWithPlan(result);
    expect(of(events, 'retrying')[0]).toMatchObject({ attempt: 1, delayMs: 40 });
    expect(of(events, 'retrying')[0]?.reason).toMatch(/^HTTP 429: /);
    expect(server.requests).toHaveLength(3);
  });

  it('429 with retry-after in seconds', async () => {
    const { result, events } = await run(withFaults((i) => (i === 0 ? { status: 429, headers: { 'retry-after': '1' } } : undefined)));
    expectCompletedWithPlan(result);
    expect(of(events, 'retrying')[0]?.delayMs).toBe(1000);
  });

  it('5xx with exponential backoff', async () => {
    const { result, events } = await run(withFaults((i) => (i < 3 ? { status: i === 1 ? 502 : 500 } : undefined)));
    expectCompletedWithPlan(result);
    expect(of(events, 'retrying').map((r) => [r.attempt, r.delayMs])).toEqual([
      [1, 5],
      [2, 10],
      [3, 20],
    ]);
  });

  it('no first byte within the timeout', async () => {
    const { result, events } = await run(
      withFaults((i) => (i === 0 ? { text: GOOD_LEAD, firstByteDelayMs: 5000 } : undefined)),
      FAST_TIMEOUTS,
    );
    expectCompletedWithPlan(result);
    expect(of(events, 'retrying')[0]?.reason).toBe('no reply within 800 ms');
  });

  it('a stream that stalls in the middle', async () => {
    const { result, events } = await run(
      withFaults((i) => (i === 0 ? { text: GOOD_LEAD, chunkSize: 3, stallAfterChunks: 2 } : undefined)),
      FAST_TIMEOUTS,
    );
    expectCompletedWithPlan(result);
    expect(of(events, 'retrying')[0]?.reason).toMatch(/^the stream stalled/);
    // The retried turn starts afresh: its final text is the whole reply, once.
    expect(of(events, 'turn.ended')[0]?.text).toBe(GOOD_LEAD);
  });

  it('a connection dropped in the middle of a stream is never taken as a complete reply', async () => {
    const { result, events } = await run(withFaults((i) => (i === 1 ? { text: GOOD_END, chunkSize: 4, dropAfterChunks: 3 } : undefined)));
    expectCompletedWithPlan(result);
    expect(of(events, 'retrying')[0]?.reason).toMatch(/closed before the reply was finished|broke off|cannot reach/);
    const ended = of(events, 'turn.ended');
    expect(ended.map((e) => e.text)).toEqual([GOOD_LEAD, GOOD_END]);
  });

  it('an empty reply', async () => {
    const { result, events } = await run(withFaults((i) => (i === 0 ? { text: '' } : undefined)));
    expectCompletedWithPlan(result);
    expect(of(events, 'retrying')[0]?.reason).toBe('the model sent an empty reply');
  });

  it('when retries run out, headless stops with a clear reason', async () => {
    const { result, events, server } = await run(
      withFaults(() => ({ status: 503 })),
      { retry: { attempts: 2 } },
    );
    expect(result?.status).toBe('failed');
    expect(result?.reason).toMatch(/^HTTP 503: /);
    expect(server.requests).toHaveLength(3);
    expect(of(events, 'conversation.ended')[0]).toMatchObject({ reason: 'failed', artifact: null });
    expect(of(events, 'run.finished')[0]).toMatchObject({ status: 'failed' });
  });

  it('when retries run out in the TUI, the run pauses and r retries', async () => {
    let failing = true;
    const { engine, events, done } = await run(
      withFaults(() => (failing ? { status: 500 } : undefined)),
      { retry: { attempts: 1 } },
      'pause',
    );
    const waiting = (await waitForEvent(events, engine, (e) => e.type === 'waiting')) as EventOf<'waiting'>;
    expect(waiting).toMatchObject({ holds: [{ kind: 'failure' }] });
    expect(waiting.holds[0]).toMatchObject({ message: expect.stringMatching(/HTTP 500.*\(r or space: retry, s: skip\)/) });
    failing = false;
    engine.regenerate();
    expectCompletedWithPlan(await done);
  });
});

describe('setup faults stop at once with a clear reason', () => {
  it('connection refused before the server ever answered', async () => {
    const dead = await startFakeOpenAI(() => ({ text: '' }));
    const url = dead.url;
    await dead.close();
    const provider = new OpenAIProvider({ apiKey: KEY, baseURL: url });
    const { engine, events } = makeEngine(provider, { config: config(ONE) });
    const result = await engine.run();
    expect(result).toMatchObject({ status: 'failed', setupFault: 'unreachable' });
    expect(result.reason).toMatch(/^cannot reach http:\/\/127\.0\.0\.1:\d+\/v1 \(connection refused\): check --base-url/);
    expect(of(events, 'retrying')).toHaveLength(0);
  });

  it('a refused key, with the key echoed by the server never shown', async () => {
    const { result, events } = await run(() => ({ status: 401, errorBody: { error: { message: `Incorrect API key provided: ${KEY}` } } }));
    expect(result).toMatchObject({ status: 'failed', setupFault: 'auth' });
    expect(JSON.stringify(events)).not.toContain(KEY);
  });

  it('a server error message that echoes the key is redacted', async () => {
    const { result, events } = await run(() => ({ status: 400, errorBody: { error: { message: `bad request for key ${KEY}` } } }));
    expect(result?.status).toBe('failed');
    expect(result?.reason).toContain('[redacted]');
    expect(JSON.stringify(events)).not.toContain('SECRET');
  });
});

describe('servers that differ from OpenAI', () => {
  it('a server that rejects stream_options gets one retry without it, remembered', async () => {
    const { result, server, events } = await run((request) => {
      if (request.body.stream_options)
        return { status: 400, errorBody: { error: { message: 'Unrecognized request argument supplied: stream_options' } } };
      const replies = request.body.messages.filter((m) => m.role === 'assistant').length;
      return { text: replies === 0 ? GOOD_LEAD : GOOD_END };
    });
    expectCompletedWithPlan(result);
    expect(server.requests.map((r) => 'stream_options' in r.body)).toEqual([true, false, false]);
    expect(of(events, 'usage').every((u) => u.usage.estimated)).toBe(true);
  });

  it('a stream without usage gets an estimate', async () => {
    const { result, events } = await run(
      withFaults((i, body) => ({ text: body.messages.some((m) => m.role === 'assistant') ? GOOD_END : GOOD_LEAD, usage: null })),
    );
    expectCompletedWithPlan(result);
    const usage = of(events, 'usage')[0]?.usage;
    expect(usage?.estimated).toBe(true);
    expect(usage?.completionTokens).toBe(Math.ceil(GOOD_LEAD.length / 4));
  });

  it('END CONVERSATION in bold, lower case or with punctuation ends the conversation', async () => {
    for (const marker of ['**END CONVERSATION**', 'end conversation', 'END CONVERSATION.']) {
      const { result } = await run(withFaults((i) => (i === 1 ? { text: `Helper:\n\nThe plan: do it well.\n\n${marker}` } : undefined)));
      expectCompletedWithPlan(result);
      await server?.close();
      server = undefined;
    }
  });

  it('no role header, or the wrong speaker, is flagged but the run goes on', async () => {
    const { result, events } = await run(
      withFaults((i) => (i === 0 ? { text: 'What do we need?' } : i === 1 ? { text: 'Boss:\n\nplan\n\nEND CONVERSATION' } : undefined)),
    );
    expect(result?.status).toBe('completed');
    expect(of(events, 'warning').map((w) => w.code)).toEqual(['no-header', 'wrong-speaker']);
  });

  it('a reply that never ends the conversation stops at the turn limit', async () => {
    const { result, events } = await run(() => ({ text: 'Boss: more talk' }), { maxTurns: 3 });
    expect(result?.status).toBe('completed');
    expect(of(events, 'conversation.ended')[0]).toMatchObject({ reason: 'turn-limit', turns: 3, artifact: { incomplete: true } });
  });

  it('a reply of 1 MB', async () => {
    const big = `Helper:\n\n${'x'.repeat(63)}\n`.repeat(16_384) + 'END CONVERSATION';
    const { result } = await run(withFaults((i) => (i === 1 ? { text: big, chunkSize: 4096 } : undefined)));
    expect(result?.status).toBe('completed');
    expect(result?.artifacts.get('plan')?.text.length).toBeGreaterThan(1_000_000);
  });
});
