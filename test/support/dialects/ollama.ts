/**
 * Ollama's OpenAI compatibility (docs.ollama.com/api/openai-compatibility; server/openai/openai.go): Go's
 * encoding/json (compact, `<`, `>` and `&` escaped as \u003c, \u003e, \u0026), `system_fingerprint: "fp_ollama"`,
 * every delta with `role`, thinking models' thinking in `delta.reasoning`, the finish chunk with an empty content,
 * usage in a chunk of its own with no choices when asked, then `data: [DONE]`.
 */
import { goJson, tokens, type Dialect } from './types.js';

export const ollama: Dialect = {
  name: 'Ollama',
  source: 'https://docs.ollama.com/api/openai-compatibility',
  reasons: true,
  usage: 'asked',
  headers: { 'content-type': 'text/event-stream' },
  events(r) {
    const base = {
      id: `chatcmpl-${100 + r.seq}`,
      object: 'chat.completion.chunk',
      created: 1_760_000_000 + r.seq,
      model: r.model,
      system_fingerprint: 'fp_ollama',
    };
    const chunk = (delta: object, finish: string | null) =>
      `data: ${goJson({ ...base, choices: [{ index: 0, delta: { role: 'assistant', ...delta }, finish_reason: finish }] })}\n\n`;
    const out: string[] = [];
    for (const piece of tokens(r.reasoning)) out.push(chunk({ content: '', reasoning: piece }, null));
    for (const piece of tokens(r.text)) out.push(chunk({ content: piece }, null));
    out.push(chunk({ content: '' }, 'stop'));
    if (r.includeUsage) {
      out.push(
        `data: ${goJson({ ...base, choices: [], usage: { prompt_tokens: r.promptTokens, completion_tokens: r.completionTokens, total_tokens: r.promptTokens + r.completionTokens } })}\n\n`,
      );
    }
    out.push('data: [DONE]\n\n');
    return out;
  },
};
