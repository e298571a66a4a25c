/**
 * Serves one dialect on 127.0.0.1: the body its server would write for each reply, cut into writes at awkward places
 * (mid-line, inside a UTF-8 character) so that the client's SSE parsing and UTF-8 decoding are both put to the test.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Dialect, DialectReply } from './types.js';

/** How the body is cut into writes: one per event, every few bytes, or inside every multi-byte character. */
export type Split = 'events' | 'bytes' | 'utf8';

export interface DialectRequest {
  index: number;
  body: { model: string; stream_options?: { include_usage?: boolean }; messages: Array<{ role: string; content: string }> };
}

const pause = () => new Promise((resolve) => setImmediate(resolve));

/** The writes of a body: a Buffer each. */
function cut(body: string, split: Split): Buffer[] {
  const bytes = Buffer.from(body, 'utf8');
  if (split === 'bytes') {
    const out: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 7) out.push(bytes.subarray(i, i + 7));
    return out;
  }
  // Right after the lead byte of every multi-byte character, and after every `data:` too.
  const out: Buffer[] = [];
  let from = 0;
  for (let i = 0; i < bytes.length; i++) {
    const lead = bytes[i]! >= 0xc0;
    const afterData = i >= 4 && bytes.subarray(i - 4, i + 1).toString('latin1') === 'data:';
    if (lead || afterData) {
      out.push(bytes.subarray(from, i + 1));
      from = i + 1;
    }
  }
  if (from < bytes.length) out.push(bytes.subarray(from));
  return out;
}

export async function startDialectServer(
  dialect: Dialect,
  split: Split,
  reply: (request: DialectRequest) => Pick<DialectReply, 'text' | 'reasoning'>,
): Promise<{ url: string; requests: DialectRequest[]; close(): Promise<void> }> {
  const requests: DialectRequest[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const request: DialectRequest = { index: requests.length, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
        requests.push(request);
        const { text, reasoning } = reply(request);
        const events = dialect.events({
          text,
          reasoning: dialect.reasons ? reasoning : '',
          model: request.body.model,
          promptTokens: 100 + request.index,
          completionTokens: 10 + request.index,
          includeUsage: request.body.stream_options?.include_usage === true,
          seq: request.index,
        });
        res.socket?.setNoDelay(true);
        res.writeHead(200, { ...dialect.headers, 'cache-control': 'no-cache', connection: 'keep-alive' });
        const writes = split === 'events' ? events.map((e) => Buffer.from(e, 'utf8')) : cut(events.join(''), split);
        for (const [i, piece] of writes.entries()) {
          res.write(piece);
          // A timer now and then lets the pieces go out as packets of their own.
          if (i % 16 === 15) await new Promise((resolve) => setTimeout(resolve, 1));
          else await pause();
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
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
