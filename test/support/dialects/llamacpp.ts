/**
 * llama.cpp's llama-server (tools/server/README.md): nlohmann::json compact, keys in its own order (`choices`
 * first), a first delta with `content: null`, thinking in `delta.reasoning_content` (--reasoning-format deepseek),
 * the finish chunk carrying `usage` and `timings` in the same chunk (asked for or not), then `data: [DONE]`.
 */
import { tokens, type Dialect } from './types.js';

export const llamacpp: Dialect = {
  name: 'llama.cpp',
  source: 'https://github.com/ggml-org/llama.cpp/blob/master/tools/server/README.md',
  reasons: true,
  usage: 'always',
  headers: { 'content-type': 'text/event-stream', server: 'llama.cpp' },
  events(r) {
    const tail = {
      created: 1_760_000_000 + r.seq,
      id: `chatcmpl-Lc${r.seq}`,
      model: r.model,
      system_fingerprint: 'b6123-79c1160b',
      object: 'chat.completion.chunk',
    };
    const chunk = (delta: object, finish: string | null, extra: object = {}) =>
      `data: ${JSON.stringify({ choices: [{ finish_reason: finish, index: 0, delta }], ...tail, ...extra })}\n\n`;
    const out = [chunk({ role: 'assistant', content: null }, null)];
    for (const piece of tokens(r.reasoning)) out.push(chunk({ reasoning_content: piece }, null));
    for (const piece of tokens(r.text)) out.push(chunk({ content: piece }, null));
    out.push(
      chunk({}, 'stop', {
        usage: { completion_tokens: r.completionTokens, prompt_tokens: r.promptTokens, total_tokens: r.promptTokens + r.completionTokens },
        timings: { prompt_n: r.promptTokens, prompt_ms: 40.1, predicted_n: r.completionTokens, predicted_ms: 310.5, predicted_per_second: 48.3 },
      }),
    );
    out.push('data: [DONE]\n\n');
    return out;
  },
};
