/**
 * A local Responses API server for tests (`POST /v1/responses`, streamed; `GET /v1/models`), on 127.0.0.1 only.
 * Its streams follow OpenAI's published streaming events byte for byte: `event: <type>` and `data: <json>` lines,
 * every payload with its `type` and `sequence_number`; response.created, response.in_progress, the output item
 * and content part events around response.output_text.delta, reasoning summary events for a reasoning item, and
 * one terminal event (response.completed with usage, response.incomplete or response.failed); no `[DONE]`.
 * Stored responses (`store: true`) can be continued with `previous_response_id`, as on the server.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

type InputItem = { role: string; content: string };

export interface ReceivedResponsesRequest {
  index: number;
  headers: http.IncomingHttpHeaders;
  body: {
    model: string;
    instructions?: string;
    input: InputItem[] | string;
    stream?: boolean;
    store?: boolean;
    previous_response_id?: string;
    temperature?: number;
  };
  /** The whole conversation the server answers: the stored context of previous_response_id, then this input. */
  context: InputItem[];
}

export interface FakeResponsesReply {
  text?: string;
  chunkSize?: number;
  /** A reasoning item with this summary text, streamed before the message. */
  reasoning?: string;
  /** A reasoning item with this raw reasoning text (`response.reasoning_text.delta`, as open models send), before the message. */
  reasoningText?: string;
  /** Pause this long after each reasoning delta (a model thinking for long before it answers). */
  reasoningPauseMs?: number;
  /** A refusal content part instead of output text. */
  refusal?: string;
  usage?: { input_tokens: number; output_tokens: number } | null;
  /** End with response.failed instead of response.completed. */
  fail?: { code: string; message: string };
  /** End with response.incomplete, e.g. max_output_tokens. */
  incomplete?: string;
  /** An `error` event after this many deltas. */
  errorEvent?: { code: string; message: string; afterChunks?: number };
  /** An HTTP error instead of a stream. */
  status?: number;
  errorBody?: unknown;
  /** Close the socket after this many deltas. */
  dropAfterChunks?: number;
  /** Write the body in pieces of this many bytes (mid-line, mid-UTF-8 character). */
  bytesPerWrite?: number;
}

export type FakeResponsesHandler = (request: ReceivedResponsesRequest) => FakeResponsesReply | Promise<FakeResponsesReply>;

export interface FakeResponsesServer {
  url: string;
  requests: ReceivedResponsesRequest[];
  /** Drops the stored responses, as when they expire: previous_response_id then fails. */
  forgetStored(): void;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function responseObject(id: string, body: ReceivedResponsesRequest['body'], status: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    object: 'response',
    created_at: 1741290958,
    status,
    background: false,
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    max_output_tokens: null,
    model: body.model,
    output: [],
    parallel_tool_calls: true,
    previous_response_id: body.previous_response_id ?? null,
    reasoning: { effort: null, summary: null },
    store: body.store ?? true,
    temperature: body.temperature ?? 1.0,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: [],
    top_p: 1.0,
    truncation: 'disabled',
    usage: null,
    user: null,
    metadata: {},
    ...extra,
  };
}

export async function startFakeResponses(handler: FakeResponsesHandler, options: { models?: string[] } = {}): Promise<FakeResponsesServer> {
  const requests: ReceivedResponsesRequest[] = [];
  const stored = new Map<string, InputItem[]>();
  const sockets = new Set<Socket>();
  const json = (res: http.ServerResponse, status: number, payload: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
  const respond = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.method === 'GET' && req.url?.endsWith('/models')) {
      json(res, 200, {
        object: 'list',
        data: (options.models ?? []).map((id) => ({ id, object: 'model', created: 1686935002, owned_by: 'openai' })),
      });
      return;
    }
    if (req.method !== 'POST' || !req.url?.endsWith('/responses')) {
      json(res, 404, { error: { message: `Invalid URL (${req.method} ${req.url})`, type: 'invalid_request_error', param: null, code: null } });
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ReceivedResponsesRequest['body'];
    const input = typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : body.input;
    let context = input;
    if (body.previous_response_id) {
      const before = stored.get(body.previous_response_id);
      if (!before) {
        json(res, 400, {
          error: {
            message: `Previous response with id '${body.previous_response_id}' not found.`,
            type: 'invalid_request_error',
            param: 'previous_response_id',
            code: 'previous_response_not_found',
          },
        });
        return;
      }
      context = [...before, ...input];
    }
    const received: ReceivedResponsesRequest = { index: requests.length, headers: req.headers, body, context };
    requests.push(received);
    const reply = await handler(received);
    if (reply.status && reply.status >= 400) {
      json(res, reply.status, reply.errorBody ?? { error: { message: `fake error ${reply.status}`, type: 'server_error', param: null, code: null } });
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    const id = `resp_${String(received.index).padStart(4, '0')}67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b`;
    const msgId = `msg_${String(received.index).padStart(4, '0')}67ccd2bf17f0819081ff3bb2cf6508e60bb6a6b452d3795b`;
    let sequence = 0;
    const pending: string[] = [];
    const event = (type: string, payload: Record<string, unknown>) => {
      pending.push(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...payload })}\n\n`);
    };
    const flush = async () => {
      const data = Buffer.from(pending.splice(0).join(''), 'utf8');
      const size = reply.bytesPerWrite ?? data.length;
      for (let at = 0; at < data.length; at += size) {
        res.write(data.subarray(at, at + size));
        if (reply.bytesPerWrite) await sleep(1);
      }
    };
    event('response.created', { response: responseObject(id, body, 'in_progress') });
    event('response.in_progress', { response: responseObject(id, body, 'in_progress') });
    let outputIndex = 0;
    const output: unknown[] = [];
    if (reply.reasoning !== undefined) {
      const rsId = `rs_${String(received.index).padStart(4, '0')}6876cf02e0bc8192b74af0fb64b715ff06fa2fcced15a5ac`;
      event('response.output_item.added', { output_index: 0, item: { id: rsId, type: 'reasoning', summary: [] } });
      event('response.reasoning_summary_part.added', { item_id: rsId, output_index: 0, summary_index: 0, part: { type: 'summary_text', text: '' } });
      for (const piece of reply.reasoning.match(/[\s\S]{1,8}/g) ?? []) {
        event('response.reasoning_summary_text.delta', { item_id: rsId, output_index: 0, summary_index: 0, delta: piece, obfuscation: 'bU5z' });
        if (reply.reasoningPauseMs) {
          await flush();
          await sleep(reply.reasoningPauseMs);
        }
      }
      event('response.reasoning_summary_text.done', { item_id: rsId, output_index: 0, summary_index: 0, text: reply.reasoning });
      const summary = [{ type: 'summary_text', text: reply.reasoning }];
      event('response.reasoning_summary_part.done', { item_id: rsId, output_index: 0, summary_index: 0, part: summary[0] });
      const item = { id: rsId, type: 'reasoning', summary };
      event('response.output_item.done', { output_index: 0, item });
      output.push(item);
      outputIndex = 1;
    }
    if (reply.reasoningText !== undefined) {
      const rsId = `rs_${String(received.index).padStart(4, '0')}6876cf02e0bc8192b74af0fb64b715ff06fa2fcced15a5ad`;
      const at = { item_id: rsId, output_index: outputIndex, content_index: 0 };
      event('response.output_item.added', { output_index: outputIndex, item: { id: rsId, type: 'reasoning', summary: [], content: [] } });
      event('response.content_part.added', { ...at, part: { type: 'reasoning_text', text: '' } });
      for (const piece of reply.reasoningText.match(/[\s\S]{1,8}/g) ?? []) {
        event('response.reasoning_text.delta', { ...at, delta: piece });
        if (reply.reasoningPauseMs) {
          await flush();
          await sleep(reply.reasoningPauseMs);
        }
      }
      event('response.reasoning_text.done', { ...at, text: reply.reasoningText });
      const part = { type: 'reasoning_text', text: reply.reasoningText };
      event('response.content_part.done', { ...at, part });
      const item = { id: rsId, type: 'reasoning', summary: [], content: [part] };
      event('response.output_item.done', { output_index: outputIndex, item });
      output.push(item);
      outputIndex += 1;
    }
    event('response.output_item.added', {
      output_index: outputIndex,
      item: { id: msgId, type: 'message', status: 'in_progress', content: [], role: 'assistant' },
    });
    if (reply.refusal !== undefined) {
      const at = { item_id: msgId, output_index: outputIndex, content_index: 0 };
      event('response.content_part.added', { ...at, part: { type: 'refusal', refusal: '' } });
      for (const piece of reply.refusal.match(/[\s\S]{1,8}/g) ?? []) event('response.refusal.delta', { ...at, delta: piece });
      event('response.refusal.done', { ...at, refusal: reply.refusal });
      const part = { type: 'refusal', refusal: reply.refusal };
      event('response.content_part.done', { ...at, part });
      const message = { id: msgId, type: 'message', status: 'completed', content: [part], role: 'assistant' };
      event('response.output_item.done', { output_index: outputIndex, item: message });
      event('response.completed', { response: responseObject(id, body, 'completed', { output: [...output, message] }) });
      await flush();
      res.end();
      return;
    }
    event('response.content_part.added', {
      item_id: msgId,
      output_index: outputIndex,
      content_index: 0,
      part: { type: 'output_text', annotations: [], logprobs: [], text: '' },
    });
    await flush();
    const text = reply.text ?? '';
    const pieces = Array.from(text.matchAll(new RegExp(`[\\s\\S]{1,${reply.chunkSize ?? 8}}`, 'gu')), (m) => m[0]);
    for (const [sent, piece] of pieces.entries()) {
      if (reply.dropAfterChunks !== undefined && sent >= reply.dropAfterChunks) {
        res.socket?.destroy();
        return;
      }
      if (reply.errorEvent && sent >= (reply.errorEvent.afterChunks ?? 0)) break;
      event('response.output_text.delta', {
        item_id: msgId,
        output_index: outputIndex,
        content_index: 0,
        delta: piece,
        logprobs: [],
        obfuscation: 'Qy3X',
      });
      await flush();
    }
    if (reply.errorEvent) {
      event('error', { code: reply.errorEvent.code, message: reply.errorEvent.message, param: null });
      await flush();
      res.end();
      return;
    }
    const part = { type: 'output_text', annotations: [], logprobs: [], text };
    event('response.output_text.done', { item_id: msgId, output_index: outputIndex, content_index: 0, text, logprobs: [] });
    event('response.content_part.done', { item_id: msgId, output_index: outputIndex, content_index: 0, part });
    const message = { id: msgId, type: 'message', status: reply.incomplete ? 'incomplete' : 'completed', content: [part], role: 'assistant' };
    event('response.output_item.done', { output_index: outputIndex, item: message });
    output.push(message);
    const usage =
      reply.usage === null
        ? null
        : {
            input_tokens: reply.usage?.input_tokens ?? JSON.stringify(context).length >> 2,
            input_tokens_details: { cached_tokens: 0 },
            output_tokens: reply.usage?.output_tokens ?? text.length >> 2,
            output_tokens_details: { reasoning_tokens: reply.reasoning ? reply.reasoning.length >> 2 : 0 },
            total_tokens: 0,
          };
    if (usage) usage.total_tokens = usage.input_tokens + usage.output_tokens;
    if (reply.fail) {
      event('response.failed', { response: responseObject(id, body, 'failed', { error: reply.fail, output, usage }) });
    } else if (reply.incomplete) {
      event('response.incomplete', {
        response: responseObject(id, body, 'incomplete', { incomplete_details: { reason: reply.incomplete }, output, usage }),
      });
    } else {
      event('response.completed', { response: responseObject(id, body, 'completed', { output, usage }) });
      if (body.store !== false) stored.set(id, [...context, { role: 'assistant', content: text }]);
    }
    await flush();
    res.end();
  };
  const server = http.createServer((req, res) => void respond(req, res));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    forgetStored: () => stored.clear(),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
