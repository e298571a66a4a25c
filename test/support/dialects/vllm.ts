/**
 * vLLM's OpenAI-compatible server (docs.vllm.ai: serving/openai_compatible_server, features/reasoning_outputs;
 * vllm/entrypoints/openai/serving_chat.py): pydantic's compact JSON with raw UTF-8, `logprobs: null` in each choice,
 * the finish chunk with `stop_reason`, thinking from a reasoning parser in `delta.reasoning`, usage in a chunk of its
 * own with no choices when asked, then `data: [DONE]`.
 */
import { tokens, type Dialect } from './types.js';

export const vllm: Dialect = {
  name: 'vLLM',
  source: 'https://docs.vllm.ai/en/latest/features/reasoning_outputs.html',
  reasons: true,
  usage: 'asked',
  headers: { 'content-type': 'text/event-stream; charset=utf-8' },
  events(r) {
    const base = { id: `chatcmpl-${r.seq}f3c1a`, object: 'chat.completion.chunk', created: 1_760_000_000 + r.seq, model: r.model };
    const chunk = (delta: object, finish: string | null, extra: object = {}) =>
      `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish, ...extra }] })}\n\n`;
    const out = [chunk({ role: 'assistant', content: '' }, null)];
    for (const piece of tokens(r.reasoning)) out.push(chunk({ reasoning: piece }, null));
    for (const piece of tokens(r.text)) out.push(chunk({ content: piece }, null));
    out.push(chunk({ content: '' }, 'stop', { stop_reason: null }));
    if (r.includeUsage) {
      out.push(
        `data: ${JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: r.promptTokens, total_tokens: r.promptTokens + r.completionTokens, completion_tokens: r.completionTokens } })}\n\n`,
      );
    }
    out.push('data: [DONE]\n\n');
    return out;
  },
};
