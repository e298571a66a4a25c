/**
 * A local OpenAI-compatible Chat Completions server for tests: streaming SSE, usage, errors, stalls and
 * dropped connections, on 127.0.0.1 only. The real `openai` package talks to it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  index: number;
  headers: http.IncomingHttpHeaders;
  body: {
    model: string;
    stream?: boolean;
    stream_options?: { include_usage?: boolean };
    temperature?: number;
    messages: Array<{ role: string; content: string }>;
  };
}

export interface FakeReply {
  /** The reply text, streamed in pieces of `chunkSize` characters. */
  text?: string;
  chunkSize?: number;
  /** An HTTP error instead of a stream. */
  status?: number;
  errorBody?: unknown;
  headers?: Record<string, string>;
  /** Close the socket after this many content chunks, without finishing the stream. */
  dropAfterChunks?: number;
  /** Stop sending (but keep the socket open) after this many content chunks. */
  stallAfterChunks?: number;
  /** Wait this long before the first byte. */
  firstByteDelayMs?: number;
  /** Milliseconds between chunks. */
  chunkDelayMs?: number;
  usage?: { prompt_tokens: number; completion_tokens: number } | null;
  /** Destroy the connection before answering at all. */
  destroy?: boolean;
}

export type FakeHandler = (request: ReceivedRequest) => FakeReply | Promise<FakeReply>;

export interface FakeServer {
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startFakeOpenAI(handler: FakeHandler): Promise<FakeServer> {
  const requests: ReceivedRequest[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const respond = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found' } }));
      return;
    }
    const received: ReceivedRequest = {
      index: requests.length,
      headers: req.headers,
      body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
    };
    requests.push(received);
    const reply = await handler(received);
    if (reply.destroy) {
      req.socket.destroy();
      return;
    }
    if (reply.firstByteDelayMs) await sleep(reply.firstByteDelayMs);
    if (reply.status && reply.status >= 400) {
      res
        .writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers })
        .end(JSON.stringify(reply.errorBody ?? { error: { message: `fake error ${reply.status}`, type: 'server_error' } }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...reply.headers });
    const text = reply.text ?? '';
    const size = reply.chunkSize ?? 8;
    const id = `chatcmpl-${received.index}`;
    const send = (payload: unknown) => res.write(`data: ${JSON.stringify(payload)}\n\n`);
    const base = { id, object: 'chat.completion.chunk', created: 1, model: received.body.model };
    send({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
    let sent = 0;
    for (let i = 0; i < text.length; i += size) {
      if (reply.dropAfterChunks !== undefined && sent >= reply.dropAfterChunks) {
        res.socket?.destroy();
        return;
      }
      if (reply.stallAfterChunks !== undefined && sent >= reply.stallAfterChunks) return; // never ends
      send({ ...base, choices: [{ index: 0, delta: { content: text.slice(i, i + size) }, finish_reason: null }] });
      sent++;
      if (reply.chunkDelayMs) await sleep(reply.chunkDelayMs);
    }
    send({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
    const wantsUsage = received.body.stream_options?.include_usage;
    if (wantsUsage && reply.usage !== null) {
      send({
        ...base,
        choices: [],
        usage: reply.usage ?? {
          prompt_tokens: JSON.stringify(received.body.messages).length >> 2,
          completion_tokens: text.length >> 2,
          total_tokens: 0,
        },
      });
    }
    res.end('data: [DONE]\n\n');
  };
  // http calls the listener and drops what it returns: a failed reply shows as an unhandled rejection.
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
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Who speaks in each conversation of the software-company preset. */
export const PRESET_SPEAKERS: Record<string, [string, string]> = {
  'Design (Modalities)': ['CEO', 'CPO'],
  'Design (Language)': ['CEO', 'CTO'],
  'Coding (Code)': ['CTO', 'Programmer'],
  'Coding (Design)': ['Programmer', 'Designer'],
  'Testing (Review)': ['Programmer', 'Reviewer'],
  'Testing (Test)': ['Programmer', 'Tester'],
  'Documenting (Specification)': ['CTO', 'Programmer'],
  'Documenting (Manual)': ['CEO', 'CPO'],
};

/**
 * A well-behaved model for the preset: SUCCESS for the sanity check, then per conversation the lead
 * asks, the assistant answers, and the lead closes with an artifact and END CONVERSATION.
 */
export function presetModel(request: ReceivedRequest): FakeReply {
  const messages = request.body.messages;
  const last = messages.at(-1)?.content ?? '';
  if (/Answer with only "SUCCESS"/.test(last)) return { text: 'SUCCESS' };
  const startIndex = messages.findLastIndex((m) => m.role === 'user' && m.content.startsWith('START CONVERSATION '));
  const name = messages[startIndex]?.content.replace('START CONVERSATION ', '').trim() ?? '';
  const [lead, assistant] = PRESET_SPEAKERS[name] ?? ['Someone', 'Else'];
  const turn = messages.slice(startIndex).filter((m) => m.role === 'assistant').length;
  if (turn === 0) return { text: `${lead}:\n\nLet us work on ${name}. What do you need?` };
  if (turn === 1) return { text: `${assistant}:\n\nI need the details of ${name}.` };
  return { text: `**${lead}:**\n\nArtifact of ${name}.\n\n**END CONVERSATION**` };
}
