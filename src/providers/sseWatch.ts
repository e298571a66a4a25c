/**
 * Watches the bytes of a server-sent-events body on their way to the SDK's parser, unchanged, for what the SDK does
 * not tell: whether the stream ended with `data: [DONE]` (a clean end, also from servers that never send a
 * `finish_reason`) rather than by a connection that simply closed.
 */

/** What the watch saw so far. */
export interface SseSeen {
  done: boolean;
}

// Only the start of each line matters; a line longer than this is not `data: [DONE]`.
const HEAD = 16;
const DONE = /^data: ?\[DONE\]/;

/** The same response, its body passed through the watch. */
export function watchSse(response: Response): { response: Response; seen: SseSeen } {
  const seen: SseSeen = { done: false };
  if (!response.body) return { response, seen };
  let head = '';
  const watch = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      // Bytes, not characters: `data: [DONE]` is ASCII, and a UTF-8 character split across chunks never matches it.
      // Only each line's first bytes are read, so a chunk costs one indexOf per line.
      for (let from = 0; ;) {
        const newline = chunk.indexOf(0x0a, from);
        const end = newline === -1 ? chunk.length : newline;
        if (head.length < HEAD) head += String.fromCharCode(...chunk.subarray(from, Math.min(end, from + HEAD - head.length)));
        if (newline === -1) break;
        if (DONE.test(head)) seen.done = true;
        head = '';
        from = newline + 1;
      }
      controller.enqueue(chunk);
    },
    flush() {
      if (DONE.test(head)) seen.done = true;
    },
  });
  const body = response.body.pipeThrough(watch);
  return {
    response: new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers }),
    seen,
  };
}
