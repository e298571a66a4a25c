/**
 * Streams as servers really send them, and the errors they answer with, against the engine with the real provider:
 * a clean end without finish_reason, refusals, replies cut off or filtered, thinking (as deltas and as <think>
 * blocks), the size limit against a reply that never ends, a line the SDK cannot parse, and the setup errors.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RoleplayConfig } from '../../src/config/schema.js';
import type { EngineEvent, EventOf } from '../../src/engine/events.js';
import { OpenAIProvider } from '../../src/providers/openaiProvider.js';
import { chunk, startRawServer, type RawAnswer, type RawRequest, type RawServer, type RawStep } from '../support/rawSse.js';
import { config, makeEngine } from '../support/scripted.js';
import { twoPersonWorkflow } from '../support/workflows.js';

const LEAD = 'Boss:\n\nWhat do we need?';
const END = 'Helper:\n\nThe plan: do it well.\n\nEND CONVERSATION';

let server: RawServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  vi.restoreAllMocks();
});

const of = <T extends EngineEvent['type']>(events: EngineEvent[], type: T) => events.filter((e): e is EventOf<T> => e.type === type);

/** A whole, well-formed stream of `text`. */
function whole(text: string): RawAnswer {
  return { steps: [chunk({ role: 'assistant', content: '' }), chunk({ content: text }), chunk({}, 'stop'), 'data: [DONE]\n\n'] };
}

/** The lead's turn answered by `lead`; the helper's turn ends the conversation well, unless `helper` says otherwise. */
function script(lead: (request: RawRequest) => RawAnswer, helper: (request: RawRequest) => RawAnswer = () => whole(END)) {
  return (request: RawRequest) => (request.body.messages.some((m) => m.role === 'assistant') ? helper(request) : lead(request));
}

async function run(answer: (request: RawRequest) => RawAnswer, overrides: RoleplayConfig = {}) {
  server = await startRawServer(answer);
  const provider = new OpenAIProvider({ apiKey: 'sk-test-streams-1234567', baseURL: server.url });
  const { engine, events } = makeEngine(provider, {
    config: config({
      sanityCheck: false,
      workflow: twoPersonWorkflow(),
      ...overrides,
      retry: { baseDelayMs: 5, maxDelayMs: 20, firstTokenTimeoutMs: 10_000, idleTimeoutMs: 10_000, ...overrides.retry },
    }),
  });
  const result = await engine.run();
  return { result, events, server };
}

describe('how a reply ends', () => {
  it('a clean end with [DONE] and no finish_reason is a complete reply, not retried', async () => {
    const { result, events } = await run(
      script(() => ({ steps: [chunk({ role: 'assistant', content: '' }), chunk({ content: LEAD }), 'data: [DONE]\n\n'] })),
    );
    expect(result.status).toBe('completed');
    expect(of(events, 'retrying')).toEqual([]);
    expect(of(events, 'turn.ended').map((e) => e.text)).toEqual([LEAD, END]);
  });

  it('a body that just stops, with neither finish_reason nor [DONE], is still retried as cut off', async () => {
    const { result, events, server } = await run(
      script((request) => (request.index === 0 ? { steps: [chunk({ content: 'Boss:\n\nWhat do' })] } : whole(LEAD))),
    );
    expect(result.status).toBe('completed');
    expect(of(events, 'retrying').map((e) => e.reason)).toEqual(['the connection closed before the reply was finished']);
    expect(of(events, 'turn.ended')[0]?.text).toBe(LEAD);
    expect(server.requests).toHaveLength(3);
  });

  it('a refusal is shown as one, kept as the reply, and not retried', async () => {
    const refusal = "I'm sorry, I can't help with that.";
    const { result, events, server } = await run(
      script(() => ({
        steps: [chunk({ role: 'assistant', content: null, refusal: '' }), chunk({ refusal }), chunk({}, 'stop'), 'data: [DONE]\n\n'],
      })),
    );
    expect(result.status).toBe('completed');
    expect(of(events, 'retrying')).toEqual([]);
    expect(server.requests).toHaveLength(2);
    expect(of(events, 'turn.ended')[0]).toMatchObject({ text: refusal, finish: 'refusal', status: 'complete', endsConversation: false });
  });

  it('a refusal that quotes END CONVERSATION does not end the conversation', async () => {
    const refusal = 'I will not write END CONVERSATION for you.';
    const { events } = await run(script(() => ({ steps: [chunk({ refusal }), chunk({}, 'stop'), 'data: [DONE]\n\n'] })));
    expect(of(events, 'turn.ended')[0]).toMatchObject({ finish: 'refusal', endsConversation: false });
    expect(of(events, 'conversation.ended')[0]).toMatchObject({ reason: 'end-marker', turns: 2 });
  });

  it('finish_reason length is recorded and marked cut off, not retried, and the run goes on', async () => {
    const { result, events, server } = await run(
      script(() => ({ steps: [chunk({ content: 'Boss:\n\nWhat do we' }), chunk({}, 'length'), 'data: [DONE]\n\n'] })),
    );
    expect(result.status).toBe('completed');
    expect(server.requests).toHaveLength(2);
    expect(of(events, 'turn.ended')[0]).toMatchObject({ text: 'Boss:\n\nWhat do we', finish: 'length', status: 'complete' });
  });

  it('finish_reason content_filter is recorded and marked filtered', async () => {
    const { result, events } = await run(
      script(
        () => whole(LEAD),
        () => ({ steps: [chunk({ content: 'Helper:\n\nThe plan' }), chunk({}, 'content_filter'), 'data: [DONE]\n\n'] }),
      ),
      { maxTurns: 2 },
    );
    expect(result.status).toBe('completed');
    expect(of(events, 'turn.ended')[1]).toMatchObject({ finish: 'content_filter' });
    expect(of(events, 'conversation.ended')[0]).toMatchObject({ reason: 'turn-limit' });
  });

  it("Azure's content filter stopping a reply with an error event in the stream: the text so far, marked filtered", async () => {
    const { result, events, server } = await run(
      script(() => ({
        steps: [
          chunk({ content: 'Boss:\n\nWhat do' }),
          'data: {"error":{"code":"content_filter","message":"The response was filtered due to the prompt triggering Azure OpenAI\'s content management policy.","param":"prompt","status":400}}\n\n',
        ],
      })),
    );
    expect(result.status).toBe('completed');
    expect(server.requests).toHaveLength(2);
    expect(of(events, 'turn.ended')[0]).toMatchObject({ text: 'Boss:\n\nWhat do', finish: 'content_filter' });
  });

  it('cut off at the token limit before any reply: a failure that says so, not six paid retries', async () => {
    const { result, server } = await run(
      script(() => ({ steps: [chunk({ reasoning_content: 'thinking and thinking' }), chunk({}, 'length'), 'data: [DONE]\n\n'] })),
    );
    expect(result.status).toBe('failed');
    expect(result.reason).toMatch(/cut the reply off at its token limit before the model replied \(it only thought\)/);
    expect(server.requests).toHaveLength(1);
  });

  it('usage sent in a chunk that also carries the last text is counted', async () => {
    const { events } = await run(
      script(() => ({
        steps: [chunk({ content: LEAD }, 'stop', { usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 } }), 'data: [DONE]\n\n'],
      })),
    );
    expect(of(events, 'usage')[0]?.usage).toEqual({ promptTokens: 7, completionTokens: 3, estimated: false });
  });
});

describe('thinking', () => {
  it('a model that thinks longer than the first-token timeout is not stopped, and its thinking is kept apart', async () => {
    const thinking: RawStep[] = [];
    for (let i = 0; i < 8; i++) thinking.push(chunk({ reasoning_content: `step ${i}. ` }), { pauseMs: 100 });
    const { result, events } = await run(
      script(() => ({ steps: [...thinking, chunk({ content: LEAD }), chunk({}, 'stop'), 'data: [DONE]\n\n'] })),
      { retry: { firstTokenTimeoutMs: 300, idleTimeoutMs: 300 } },
    );
    expect(result.status).toBe('completed');
    expect(of(events, 'retrying')).toEqual([]);
    const first = of(events, 'turn.ended')[0];
    expect(first?.text).toBe(LEAD);
    expect(first?.reasoning).toBe('step 0. step 1. step 2. step 3. step 4. step 5. step 6. step 7. ');
  });

  it('a model that only thinks about END CONVERSATION in a <think> block does not end the conversation', async () => {
    const { result, events, server } = await run(
      script(() => ({
        steps: [
          chunk({ content: '<thi' }),
          chunk({ content: 'nk>\nShall I say END CONVERSATION? Not yet.\n</th' }),
          chunk({ content: `ink>\n\n${LEAD}` }),
          chunk({}, 'stop'),
          'data: [DONE]\n\n',
        ],
      })),
    );
    expect(result.status).toBe('completed');
    const first = of(events, 'turn.ended')[0];
    expect(first).toMatchObject({ text: LEAD, reasoning: 'Shall I say END CONVERSATION? Not yet.', endsConversation: false });
    expect(of(events, 'conversation.ended')[0]).toMatchObject({ reason: 'end-marker', turns: 2 });
    // Never sent back: the helper's request holds the lead's reply only.
    expect(JSON.stringify(server.requests[1]?.body.messages)).not.toContain('Shall I');
  });
});

describe('the size of a reply', () => {
  it('a reply that never ends is cut at maxReplyChars, marked, and the run goes on; the server is not read further', async () => {
    function* endless(): Generator<RawStep> {
      yield chunk({ content: 'Boss:\n\n' });
      for (;;) yield chunk({ content: 'x'.repeat(1000) });
    }
    const { result, events, server } = await run(
      script(() => ({ steps: endless() })),
      { maxReplyChars: 50_000 },
    );
    expect(result.status).toBe('completed');
    const first = of(events, 'turn.ended')[0];
    expect(first).toMatchObject({ finish: 'size-limit', status: 'complete' });
    expect(first?.text).toHaveLength(50_000);
    expect(
      of(events, 'token')
        .filter((e) => e.turnId === first?.turnId)
        .reduce((n, e) => n + e.text.length, 0),
    ).toBe(50_000);
    // What the server got to write before the client hung up: the limit and what the socket buffers held, not more.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.written[0]).toBeLessThan(8_000_000);
    expect(of(events, 'turn.ended')[1]?.text).toBe(END);
  });
});

describe('what the SDK would print', () => {
  it('a line the SDK cannot parse, with escape bytes in it, reaches no console and no message raw', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const { result, events } = await run(
      script((request) =>
        request.index === 0
          ? { steps: [chunk({ content: 'Boss:' }), 'data: {"oops \x1b]0;pwned\x07\x1b]52;c;ZXZpbA==\x07\x1b[2J\n\n'] }
          : whole(LEAD),
      ),
    );
    expect(result.status).toBe('completed');
    expect(error).not.toHaveBeenCalled();
    expect(warn).not.toHaveBeenCalled();
    expect(log).not.toHaveBeenCalled();
    const reason = of(events, 'retrying')[0]?.reason ?? '';
    expect(reason).toMatch(/^the server sent a line that is not JSON: "\{"oops/);
    expect(reason).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
  });
});

describe('errors the user must fix: one line, not retried', () => {
  const refuse = (status: number, body: unknown) => script(() => ({ status, body }));

  it('an unknown model (404)', async () => {
    const { result, server } = await run(
      refuse(404, {
        error: {
          message: 'The model `gpt-9` does not exist or you do not have access to it.',
          type: 'invalid_request_error',
          code: 'model_not_found',
        },
      }),
    );
    expect(result).toMatchObject({ status: 'failed', setupFault: 'model' });
    expect(result.reason).toMatch(
      /^HTTP 404: http:\/\/127\.0\.0\.1:\d+\/v1 has no model "m" \(.*\): check --model, or the role's model in the config$/,
    );
    expect(server.requests).toHaveLength(1);
  });

  it('a URL with no API behind it (404 that names no model)', async () => {
    const { result } = await run(refuse(404, { error: { message: 'Not Found' } }));
    expect(result).toMatchObject({ status: 'failed', setupFault: 'unreachable' });
    expect(result.reason).toMatch(/check --base-url \(it usually ends in \/v1\)$/);
  });

  it('no access (403)', async () => {
    const { result, server } = await run(
      refuse(403, { error: { message: 'Project does not have access to model m', type: 'invalid_request_error', code: 'model_not_found' } }),
    );
    expect(result).toMatchObject({ status: 'failed', setupFault: 'access' });
    expect(result.reason).toMatch(/^HTTP 403: the key may not use model "m" at .*: check the key's access, or choose another --model$/);
    expect(server.requests).toHaveLength(1);
  });

  it('quota (429 insufficient_quota) is not retried', async () => {
    const { result, server } = await run(
      refuse(429, {
        error: {
          message: 'You exceeded your current quota, please check your plan and billing details.',
          type: 'insufficient_quota',
          code: 'insufficient_quota',
        },
      }),
    );
    expect(result).toMatchObject({ status: 'failed', setupFault: 'quota' });
    expect(result.reason).toMatch(/^HTTP 429: the account has no quota left \(.*\): add credit to it, or use another key$/);
    expect(server.requests).toHaveLength(1);
  });

  it('context too long: which turn, how many tokens, and that --context scoped would help', async () => {
    const { result } = await run(
      script(
        () => whole(LEAD),
        () => ({
          status: 400,
          body: {
            error: {
              message:
                "This model's maximum context length is 8192 tokens. However, your messages resulted in 9013 tokens. Please reduce the length of the messages.",
              type: 'invalid_request_error',
              code: 'context_length_exceeded',
            },
          },
        }),
      ),
    );
    expect(result).toMatchObject({ status: 'failed', setupFault: 'context' });
    expect(result.reason).toMatch(
      /^HTTP 400: the request is longer than model "m" can read \(9,013 tokens, the model takes 8,192\), at turn 2 of "Planning" \(Helper\), about \d+ tokens in \d+ messages: --context scoped/,
    );
  });

  it('context too long as llama.cpp says it (n_prompt_tokens, n_ctx)', async () => {
    const { result } = await run(
      refuse(400, {
        error: {
          code: 400,
          message: 'the request exceeds the available context size, try increasing it',
          type: 'exceed_context_size_error',
          n_prompt_tokens: 5000,
          n_ctx: 4096,
        },
      }),
    );
    expect(result).toMatchObject({ setupFault: 'context' });
    expect(result.reason).toContain('(5,000 tokens, the model takes 4,096), at turn 1 of "Planning" (Boss)');
  });
});
