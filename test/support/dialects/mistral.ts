/**
 * Mistral (docs.mistral.ai/capabilities/reasoning): a reasoning model (Magistral) streams `delta.content` as an array
 * of parts: `{"type":"thinking","thinking":[{"type":"text","text":…}]}` for its thinking, and the reply as plain
 * strings or `{"type":"text","text":…}` parts; usage is in the finish chunk whether asked for or not; then
 * `data: [DONE]`.
 */
import { tokens, type Dialect } from './types.js';

export const mistral: Dialect = {
  name: 'Mistral',
  source: 'https://docs.mistral.ai/capabilities/reasoning/',
  reasons: true,
  usage: 'always',
  headers: { 'content-type': 'text/event-stream; charset=utf-8', 'mistral-correlation-id': 'c1' },
  events(r) {
    const base = { id: `426a1c8c62704d9596${r.seq}`, object: 'chat.completion.chunk', created: 1_760_000_000 + r.seq, model: r.model };
    const chunk = (delta: object, finish: string | null, extra: object = {}) =>
      `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`;
    const out = [chunk({ role: 'assistant', content: '' }, null)];
    for (const piece of tokens(r.reasoning)) out.push(chunk({ content: [{ type: 'thinking', thinking: [{ type: 'text', text: piece }] }] }, null));
    // The reply: some pieces as text parts, the rest as plain strings, as the API mixes them.
    for (const [i, piece] of tokens(r.text).entries()) out.push(chunk({ content: i % 2 ? piece : [{ type: 'text', text: piece }] }, null));
    out.push(
      chunk({ content: '' }, 'stop', {
        usage: { prompt_tokens: r.promptTokens, total_tokens: r.promptTokens + r.completionTokens, completion_tokens: r.completionTokens },
      }),
    );
    out.push('data: [DONE]\n\n');
    return out;
  },
};
