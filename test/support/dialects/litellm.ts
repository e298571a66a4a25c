/**
 * The LiteLLM proxy (docs.litellm.ai/docs/proxy/user_keys, litellm/proxy/proxy_server.py's async_data_generator):
 * chunks written with Python's json.dumps (", " and ": ", every non-ASCII character as a \u escape, an emoji as a
 * surrogate pair), `system_fingerprint: null`, the delta without `role` after the first, the finish chunk with an
 * empty delta, usage (asked for) in a last chunk with no choices, then `data: [DONE]`.
 */
import { pythonJson, tokens, type Dialect } from './types.js';

export const litellm: Dialect = {
  name: 'LiteLLM',
  source: 'https://docs.litellm.ai/docs/completion/stream',
  reasons: false,
  usage: 'asked',
  headers: { 'content-type': 'text/event-stream; charset=utf-8', 'x-litellm-version': '1.74.0' },
  events(r) {
    const base = {
      id: `chatcmpl-${r.seq}c0ffee`,
      created: 1_760_000_000 + r.seq,
      model: r.model,
      object: 'chat.completion.chunk',
      system_fingerprint: null,
    };
    const chunk = (delta: object, finish?: string) =>
      `data: ${pythonJson({ ...base, choices: [{ ...(finish ? { finish_reason: finish } : {}), index: 0, delta }] })}\n\n`;
    const out = tokens(r.text).map((piece, i) => chunk(i === 0 ? { content: piece, role: 'assistant' } : { content: piece }));
    out.push(chunk({}, 'stop'));
    if (r.includeUsage) {
      out.push(
        `data: ${pythonJson({ ...base, choices: [{ index: 0, delta: {} }], usage: { completion_tokens: r.completionTokens, prompt_tokens: r.promptTokens, total_tokens: r.promptTokens + r.completionTokens } })}\n\n`,
      );
    }
    out.push('data: [DONE]\n\n');
    return out;
  },
};
