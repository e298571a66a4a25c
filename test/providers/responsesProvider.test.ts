import { afterEach, describe, expect, it } from 'vitest';
import { ResponsesProvider } from '../../src/providers/responsesProvider.js';
import { ProviderError, type ChatMessage, type ModelRequest, type StreamChunk } from '../../src/providers/types.js';
import { startFakeResponses, type FakeResponsesHandler, type FakeResponsesServer } from '../support/fakeResponses.js';

let server: FakeResponsesServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const meta: ModelRequest['meta'] = { kind: 'switch', task: 't', workflowDescription: 'w', customer: [] };
const request = (messages: ChatMessage[], model = 'gpt-4.1-mini'): ModelRequest => ({ model, temperature: undefined, messages, meta });
const thread: ChatMessage[] = [
  { role: 'system', content: 'You are a company.' },
  { role: 'user', content: 'START CONVERSATION Design' },
];

async function collect(provider: ResponsesProvider, req: ModelRequest): Promise<StreamChunk[]> {
  const out: StreamChunk[] = [];
  for await (const chunk of provider.stream(req, new AbortController().signal)) out.push(chunk);
  return out;
}

async function failure(provider: ResponsesProvider, req: ModelRequest): Promise<ProviderError> {
  try {
    await collect(provider, req);
  } catch (error) {
    if (error instanceof ProviderError) return error;
    throw error;
  }
  throw new Error('the stream did not fail');
}

async function start(handler: FakeResponsesHandler) {
  server = await startFakeResponses(handler);
  return server;
}

const text = (chunks: StreamChunk[]) => chunks.flatMap((c) => (c.type === 'delta' ? [c.text] : [])).join('');

describe('ResponsesProvider', () => {
  it('sends instructions and input items with store false, and streams the reply and its usage exactly', async () => {
    const reply = 'CEO:\n\nÜber-app 设计 👩‍💻 — done.\n\nEND CONVERSATION';
    const s = await start(() => ({ text: reply, chunkSize: 3, bytesPerWrite: 7, usage: { input_tokens: 42, output_tokens: 9 } }));
    const provider = new ResponsesProvider({ apiKey: 'sk-test', baseURL: s.url });
    const chunks = await collect(provider, request(thread));
    expect(text(chunks)).toBe(reply);
    expect(chunks.slice(-2)).toEqual([
      { type: 'usage', promptTokens: 42, completionTokens: 9 },
      { type: 'finish', mark: null },
    ]);
    const body = s.requests[0]!.body;
    expect(body.instructions).toBe('You are a company.');
    expect(body.input).toEqual([{ role: 'user', content: 'START CONVERSATION Design' }]);
    expect(body.store).toBe(false);
    expect(body.stream).toBe(true);
    expect(body.previous_response_id).toBeUndefined();
  });

  it('streams reasoning summaries and reasoning text as thinking, apart from the reply', async () => {
    const s = await start(() => ({ reasoning: 'Think about END CONVERSATION first.', reasoningText: 'Raw 思考 👩‍💻 steps.', text: 'CTO:\n\nHere.' }));
    const chunks = await collect(new ResponsesProvider({ apiKey: 'k', baseURL: s.url }), request(thread));
    expect(text(chunks)).toBe('CTO:\n\nHere.');
    const thought = chunks.flatMap((c) => (c.type === 'reasoning' ? [c.text] : [])).join('');
    expect(thought).toBe('Think about END CONVERSATION first.Raw 思考 👩‍💻 steps.');
    // Thinking comes before the reply, and the reply ends with a plain finish.
    expect(chunks.findIndex((c) => c.type === 'delta')).toBeGreaterThan(chunks.findLastIndex((c) => c.type === 'reasoning'));
    expect(chunks.at(-1)).toEqual({ type: 'finish', mark: null });
  });

  it('a refusal streams as refusal chunks, not as an error', async () => {
    const s = await start(() => ({ refusal: "I'm sorry, I can't help with that." }));
    const chunks = await collect(new ResponsesProvider({ apiKey: 'k', baseURL: s.url }), request(thread));
    expect(chunks.flatMap((c) => (c.type === 'refusal' ? [c.text] : [])).join('')).toBe("I'm sorry, I can't help with that.");
    expect(text(chunks)).toBe('');
    expect(chunks.at(-1)).toEqual({ type: 'finish', mark: null });
  });

  it('a response without usage yields none (the engine estimates it)', async () => {
    const s = await start(() => ({ text: 'Hi', usage: null }));
    const chunks = await collect(new ResponsesProvider({ apiKey: 'k', baseURL: s.url }), request(thread));
    expect(chunks.some((c) => c.type === 'usage')).toBe(false);
  });

  it('response.failed is retried for a server error and not for a bad prompt', async () => {
    let code = 'server_error';
    const s = await start(() => ({ text: 'partial', fail: { code, message: 'The model failed to generate a response.' } }));
    const provider = new ResponsesProvider({ apiKey: 'k', baseURL: s.url });
    const retried = await failure(provider, request(thread));
    expect(retried.retryable).toBe(true);
    expect(retried.message).toContain('server_error');
    code = 'invalid_prompt';
    const final = await failure(provider, request(thread));
    expect(final.retryable).toBe(false);
    expect(final.message).toContain('invalid_prompt');
  });

  it('response.incomplete keeps the text so far, marked: max_output_tokens as length, content_filter as filtered', async () => {
    let reason = 'max_output_tokens';
    const s = await start(() => ({ text: 'half a rep', incomplete: reason, usage: { input_tokens: 5, output_tokens: 3 } }));
    const provider = new ResponsesProvider({ apiKey: 'k', baseURL: s.url });
    let chunks = await collect(provider, request(thread));
    expect(text(chunks)).toBe('half a rep');
    expect(chunks.slice(-2)).toEqual([
      { type: 'usage', promptTokens: 5, completionTokens: 3 },
      { type: 'finish', mark: 'length' },
    ]);
    reason = 'content_filter';
    chunks = await collect(provider, request(thread));
    expect(chunks.at(-1)).toEqual({ type: 'finish', mark: 'content_filter' });
    // A reason the API does not document is not taken as a reply: retried like a dropped stream.
    reason = 'something_new';
    const error = await failure(provider, request(thread));
    expect(error.retryable).toBe(true);
    expect(error.message).toBe('the reply was cut off (something_new)');
  });

  it('unknown model, no access, context too long and no quota are the same one lines as Chat Completions, not retried', async () => {
    const bodies: Record<number, unknown> = {
      404: {
        error: {
          message: 'The model `gpt-9` does not exist or you do not have access to it.',
          type: 'invalid_request_error',
          param: null,
          code: 'model_not_found',
        },
      },
      403: { error: { message: 'You are not allowed to sample from this model', type: 'invalid_request_error', param: null, code: null } },
      400: {
        error: {
          message: 'Your input exceeds the context window of this model. Please adjust your input and try again.',
          type: 'invalid_request_error',
          param: 'input',
          code: 'context_length_exceeded',
        },
      },
      429: {
        error: {
          message: 'You exceeded your current quota, please check your plan and billing details.',
          type: 'insufficient_quota',
          param: null,
          code: 'insufficient_quota',
        },
      },
    };
    let status = 404;
    const s = await start(() => ({ status, errorBody: bodies[status] }));
    const provider = new ResponsesProvider({ apiKey: 'k', baseURL: s.url });
    const faults: Array<[number, string | undefined, RegExp]> = [
      [404, 'model', /^HTTP 404: http:\/\/127\.0\.0\.1:\d+\/v1 has no model "gpt-9" \(.*\): check --model/],
      [403, 'access', /^HTTP 403: the key may not use model "gpt-9" at http:\/\/127/],
      [400, 'context', /^HTTP 400: the request is longer than model "gpt-9" can read/],
      [429, 'quota', /^HTTP 429: the account has no quota left/],
    ];
    for (const [code, fault, message] of faults) {
      status = code;
      const error = await failure(provider, request(thread, 'gpt-9'));
      expect(error.retryable).toBe(false);
      expect(error.setupFault).toBe(fault);
      expect(error.message).toMatch(message);
    }
  });

  it('an error event in the stream fails the attempt', async () => {
    const s = await start(() => ({
      text: 'abcdefghij',
      chunkSize: 2,
      errorEvent: { code: 'server_error', message: 'Something went wrong', afterChunks: 2 },
    }));
    const error = await failure(new ResponsesProvider({ apiKey: 'k', baseURL: s.url }), request(thread));
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('Something went wrong');
  });

  it('a stream that breaks off is retryable; a refused key is a setup fault naming its variable', async () => {
    let mode: 'drop' | 'auth' = 'drop';
    const s = await start(() =>
      mode === 'drop'
        ? { text: 'abcdefgh', chunkSize: 2, dropAfterChunks: 2 }
        : {
            status: 401,
            errorBody: { error: { message: 'Incorrect API key provided: sk-abc***', type: 'invalid_request_error', code: 'invalid_api_key' } },
          },
    );
    const provider = new ResponsesProvider({ apiKey: 'sk-secret-key', baseURL: s.url, apiKeyEnv: 'CLOUD_KEY' });
    expect((await failure(provider, request(thread))).retryable).toBe(true);
    mode = 'auth';
    const auth = await failure(provider, request(thread));
    expect(auth.setupFault).toBe('auth');
    expect(auth.message).toContain('CLOUD_KEY');
  });

  it('sends the extra headers and store: true when asked', async () => {
    const s = await start(() => ({ text: 'ok' }));
    await collect(new ResponsesProvider({ apiKey: 'k', baseURL: s.url, store: true, headers: { 'x-team': 'roleplay' } }), request(thread));
    expect(s.requests[0]!.body.store).toBe(true);
    expect(s.requests[0]!.headers['x-team']).toBe('roleplay');
  });

  it('serverThread sends only what a request adds, with previous_response_id, and the server sees the whole thread', async () => {
    const s = await start((r) => ({ text: `reply ${r.index}` }));
    const provider = new ResponsesProvider({ apiKey: 'k', baseURL: s.url, serverThread: true });
    await collect(provider, request(thread));
    const second = [...thread, { role: 'assistant', content: 'reply 0' }, { role: 'user', content: 'SWITCH' }] satisfies ChatMessage[];
    await collect(provider, request(second));
    const [first, next] = s.requests;
    expect(first!.body.store).toBe(true);
    expect(next!.body.previous_response_id).toMatch(/^resp_0000/);
    expect(next!.body.input).toEqual([{ role: 'user', content: 'SWITCH' }]);
    expect(next!.context).toEqual(second.slice(1));
    // A request that does not continue the last one (an edited reply) is sent whole.
    const edited = [...thread, { role: 'assistant', content: 'edited' }, { role: 'user', content: 'SWITCH' }] satisfies ChatMessage[];
    await collect(provider, request(edited));
    expect(s.requests[2]!.body.previous_response_id).toBeUndefined();
    expect(s.requests[2]!.body.input).toHaveLength(3);
    expect(provider.sent.chars).toBeLessThan(provider.sent.fullChars);
  });

  it('serverThread sends the whole thread again when the server no longer has the stored response', async () => {
    const s = await start((r) => ({ text: r.index === 0 ? 'reply' : 'again' }));
    const provider = new ResponsesProvider({ apiKey: 'k', baseURL: s.url, serverThread: true });
    await collect(provider, request(thread));
    s.forgetStored();
    const chunks = await collect(provider, request([...thread, { role: 'assistant', content: 'reply' }, { role: 'user', content: 'SWITCH' }]));
    expect(text(chunks)).toBe('again');
    // The first try with previous_response_id was refused (400) before it was counted; the second sent everything.
    expect(s.requests).toHaveLength(2);
    expect(s.requests[1]!.body.previous_response_id).toBeUndefined();
    expect(s.requests[1]!.body.input).toHaveLength(3);
  });
});
