/**
 * Groq (console.groq.com/docs/api-reference#chat-create): `x_groq` on the first chunk (the request id and seed) and
 * on the finish chunk, where it carries the usage, with timings, as `x_groq.usage` (and also `usage` when it was
 * asked for); thinking with `reasoning_format: "parsed"` in `delta.reasoning`; then `data: [DONE]`.
 */
import { tokens, type Dialect } from './types.js';

export const groq: Dialect = {
  name: 'Groq',
  source: 'https://console.groq.com/docs/api-reference#chat-create',
  reasons: true,
  usage: 'always',
  headers: { 'content-type': 'text/event-stream', 'x-groq-region': 'dls' },
  events(r) {
    const base = {
      id: `chatcmpl-bc4c2b5f-${r.seq}`,
      object: 'chat.completion.chunk',
      created: 1_760_000_000 + r.seq,
      model: r.model,
      system_fingerprint: 'fp_c06d5113ec',
    };
    const chunk = (delta: object, finish: string | null, extra: object = {}) =>
      `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...extra })}\n\n`;
    const out = [chunk({ role: 'assistant', content: '' }, null, { x_groq: { id: `req_01k${r.seq}`, seed: 2093329955 } })];
    for (const piece of tokens(r.reasoning)) out.push(chunk({ reasoning: piece }, null));
    for (const piece of tokens(r.text)) out.push(chunk({ content: piece }, null));
    const usage = {
      queue_time: 0.090321431,
      prompt_tokens: r.promptTokens,
      prompt_time: 0.003210785,
      completion_tokens: r.completionTokens,
      completion_time: 0.027554055,
      total_tokens: r.promptTokens + r.completionTokens,
      total_time: 0.03076484,
    };
    out.push(chunk({}, 'stop', { x_groq: { id: `req_01k${r.seq}`, usage }, ...(r.includeUsage ? { usage } : {}) }));
    out.push('data: [DONE]\n\n');
    return out;
  },
};
