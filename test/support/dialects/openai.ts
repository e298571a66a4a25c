/**
 * OpenAI's Chat Completions stream (platform.openai.com/docs/api-reference/chat-streaming): every chunk carries
 * `service_tier`, `system_fingerprint`, `usage: null` while usage is asked for, and `obfuscation` padding; the first
 * delta has `role`, `content: ""` and `refusal: null`; the finish chunk has an empty delta; usage comes in a chunk of
 * its own with no choices; the stream ends with `data: [DONE]`.
 */
import { tokens, type Dialect } from './types.js';

export const openai: Dialect = {
  name: 'OpenAI',
  source: 'https://platform.openai.com/docs/api-reference/chat-streaming/streaming',
  reasons: false,
  usage: 'asked',
  headers: { 'content-type': 'text/event-stream; charset=utf-8', 'openai-processing-ms': '112', 'x-request-id': 'req_0' },
  events(r) {
    const base = { id: `chatcmpl-B${r.seq}xYz`, object: 'chat.completion.chunk', created: 1_760_000_000 + r.seq, model: r.model };
    const tail = { service_tier: 'default', system_fingerprint: 'fp_560af6e559' };
    const usage = r.includeUsage ? { usage: null } : {};
    const chunk = (delta: object, finish: string | null) =>
      `data: ${JSON.stringify({ ...base, ...tail, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...usage, obfuscation: 'q3Xk' })}\n\n`;
    const out = [chunk({ role: 'assistant', content: '', refusal: null }, null)];
    for (const piece of tokens(r.text)) out.push(chunk({ content: piece }, null));
    out.push(chunk({}, 'stop'));
    if (r.includeUsage) {
      const u = {
        prompt_tokens: r.promptTokens,
        completion_tokens: r.completionTokens,
        total_tokens: r.promptTokens + r.completionTokens,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
      };
      out.push(`data: ${JSON.stringify({ ...base, ...tail, choices: [], usage: u, obfuscation: 'Zr' })}\n\n`);
    }
    out.push('data: [DONE]\n\n');
    return out;
  },
};
