/**
 * A local server that answers each chat request with the raw body the test gives: SSE lines exactly as written
 * (also broken ones), with pauses, an endless body, or an HTTP error. For the stream cases no dialect sends.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type RawStep = string | { pauseMs: number };

export type RawAnswer =
  | { status: number; body: unknown }
  /** The body's steps, in order; `endless` repeats the generator until the client goes away. */
  | { steps: Iterable<RawStep> | AsyncIterable<RawStep> };

export interface RawRequest {
  index: number;
  body: { model: string; messages: Array<{ role: string; content: string }> };
}

export interface RawServer {
  url: string;
  requests: RawRequest[];
  /** Bytes written into each response before it ended or the client went away. */
  written: number[];
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `data: <json>` and a blank line. */
const data = (value: unknown) => `data: ${JSON.stringify(value)}\n\n`;

/** A chat chunk with one choice. */
export function chunk(delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}) {
  return data({
    id: 'chatcmpl-raw',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'm',
    choices: [{ index: 0, delta, finish_reason: finish }],
    ...extra,
  });
}

export async function startRawServer(answer: (request: RawRequest) => RawAnswer): Promise<RawServer> {
  const requests: RawRequest[] = [];
  const written: number[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      void (async () => {
        const request: RawRequest = { index: requests.length, body: JSON.parse(Buffer.concat(parts).toString('utf8')) };
        requests.push(request);
        const reply = answer(request);
        if ('status' in reply) {
          res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
          return;
        }
        const slot = written.push(0) - 1;
        let gone = false;
        res.on('close', () => (gone = true));
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        for await (const step of reply.steps) {
          if (gone) return;
          if (typeof step === 'string') {
            written[slot]! += Buffer.byteLength(step);
            // Wait for the socket to drain, as a server does: one that is not read stops sending.
            if (!res.write(step)) {
              await new Promise<void>((resolve) => {
                const done = () => {
                  res.off('drain', done).off('close', done);
                  resolve();
                };
                res.on('drain', done).on('close', done);
              });
            }
          } else await sleep(step.pauseMs);
        }
        res.end();
      })();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    written,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
