/**
 * OpenRouter (openrouter.ai/docs/api-reference/streaming): SSE comments `: OPENROUTER PROCESSING` while it waits for
 * the upstream model (and between chunks), `provider` on every chunk, thinking in `delta.reasoning` with
 * `reasoning_details`, `native_finish_reason` on the finish chunk, usage (asked for) in a last chunk with no choices,
 * then `data: [DONE]`.
 */
import { tokens, type Dialect } from './types.js';

export const openrouter: Dialect = {
  name: 'OpenRouter',
  source: 'https://openrouter.ai/docs/api-reference/streaming',
  reasons: true,
  usage: 'asked',
  headers: { 'content-type': 'text/event-stream', 'x-generation-id': 'gen-1' },
  events(r) {
    const base = {
      id: `gen-${1_760_000_000 + r.seq}-Or`,
      provider: 'DeepInfra',
      model: r.model,
      object: 'chat.completion.chunk',
      created: 1_760_000_000 + r.seq,
    };
    const chunk = (delta: object, finish: string | null) =>
      `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: { role: 'assistant', ...delta }, finish_reason: finish, native_finish_reason: finish, logprobs: null }] })}\n\n`;
    const out = [': OPENROUTER PROCESSING\n\n', ': OPENROUTER PROCESSING\n\n'];
    for (const [i, piece] of tokens(r.reasoning).entries()) {
      out.push(
        chunk({ content: '', reasoning: piece, reasoning_details: [{ type: 'reasoning.text', text: piece, format: 'unknown', index: 0 }] }, null),
      );
      if (i === 1) out.push(': OPENROUTER PROCESSING\n\n');
    }
    for (const piece of tokens(r.text)) out.push(chunk({ content: piece, reasoning: null }, null));
    out.push(chunk({ content: '', reasoning: null }, 'stop'));
    if (r.includeUsage) {
      out.push(
        `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null, native_finish_reason: null, logprobs: null }], usage: { prompt_tokens: r.promptTokens, completion_tokens: r.completionTokens, total_tokens: r.promptTokens + r.completionTokens, cost: 0.0000123, is_byok: false } })}\n\n`,
      );
    }
    out.push('data: [DONE]\n\n');
    return out;
  },
};
