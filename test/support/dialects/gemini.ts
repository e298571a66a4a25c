/**
 * Gemini's OpenAI-compatible endpoint (ai.google.dev/gemini-api/docs/openai, generativelanguage.googleapis.com/
 * v1beta/openai/): keys in alphabetical order, no `finish_reason` at all on the chunks before the last, events
 * separated by CRLF as Google's front end writes them, the last chunk with `finish_reason: "stop"` and usage (asked
 * for or not), then `data: [DONE]`.
 */
import { tokens, type Dialect } from './types.js';

export const gemini: Dialect = {
  name: 'Gemini (OpenAI-compatible)',
  source: 'https://ai.google.dev/gemini-api/docs/openai',
  reasons: false,
  usage: 'always',
  headers: { 'content-type': 'text/event-stream', server: 'scaffolding on HTTPServer2' },
  events(r) {
    const pieces = tokens(r.text);
    const head = { created: 1_760_000_000 + r.seq, id: `kmxoaOqXK${r.seq}`, model: r.model, object: 'chat.completion.chunk' };
    // Gemini sends few, large chunks: a handful of tokens each.
    const groups: string[] = [];
    for (let i = 0; i < pieces.length; i += 3) groups.push(pieces.slice(i, i + 3).join(''));
    const out = groups
      .slice(0, -1)
      .map((text) => `data: ${JSON.stringify({ choices: [{ delta: { content: text, role: 'assistant' }, index: 0 }], ...head })}\r\n\r\n`);
    out.push(
      `data: ${JSON.stringify({ choices: [{ delta: { content: groups.at(-1) ?? '', role: 'assistant' }, finish_reason: 'stop', index: 0 }], ...head, usage: { completion_tokens: r.completionTokens, prompt_tokens: r.promptTokens, total_tokens: r.promptTokens + r.completionTokens } })}\r\n\r\n`,
    );
    out.push('data: [DONE]\r\n\r\n');
    return out;
  },
};
