/**
 * DeepSeek (api-docs.deepseek.com/guides/reasoning_model, /api/create-chat-completion): `: keep-alive` SSE comments
 * while the request waits to be scheduled, thinking in `delta.reasoning_content` with `content: null`, then the reply
 * with `reasoning_content: null`, the finish chunk with an empty content, usage (asked for) in the last chunk with no
 * choices, with DeepSeek's cache counts, then `data: [DONE]`.
 */
import { tokens, type Dialect } from './types.js';

export const deepseek: Dialect = {
  name: 'DeepSeek',
  source: 'https://api-docs.deepseek.com/guides/reasoning_model',
  reasons: true,
  usage: 'asked',
  headers: { 'content-type': 'text/event-stream; charset=utf-8', 'x-ds-trace-id': 't1' },
  events(r) {
    const base = {
      id: `6ca35a25-e012-4746-8d29-${String(r.seq).padStart(12, '0')}`,
      object: 'chat.completion.chunk',
      created: 1_760_000_000 + r.seq,
      model: r.model,
      system_fingerprint: 'fp_7e73fd9a08_prod0820_fp8_kvcache',
    };
    const chunk = (delta: object, finish: string | null) =>
      `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
    const out = [': keep-alive\n\n', ': keep-alive\n\n', chunk({ role: 'assistant', content: null, reasoning_content: '' }, null)];
    for (const piece of tokens(r.reasoning)) out.push(chunk({ content: null, reasoning_content: piece }, null));
    for (const piece of tokens(r.text)) out.push(chunk({ content: piece, reasoning_content: null }, null));
    out.push(chunk({ content: '', reasoning_content: null }, 'stop'));
    if (r.includeUsage) {
      out.push(
        `data: ${JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: r.promptTokens, completion_tokens: r.completionTokens, total_tokens: r.promptTokens + r.completionTokens, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 12 }, prompt_cache_hit_tokens: 0, prompt_cache_miss_tokens: r.promptTokens } })}\n\n`,
      );
    }
    out.push('data: [DONE]\n\n');
    return out;
  },
};
