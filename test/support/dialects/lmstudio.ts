/**
 * LM Studio's OpenAI-compatible server (lmstudio.ai/docs/app/api/endpoints/openai): the model's id as
 * `system_fingerprint`, `logprobs: null`, a reasoning model's thinking left in the content as a `<think>…</think>`
 * block (when "separate reasoning_content" is off), an empty delta on the finish chunk, usage in a chunk of its own
 * when asked, then `data: [DONE]`.
 */
import { tokens, type Dialect } from './types.js';

export const lmstudio: Dialect = {
  name: 'LM Studio',
  source: 'https://lmstudio.ai/docs/app/api/endpoints/openai',
  reasons: true,
  usage: 'asked',
  headers: { 'content-type': 'text/event-stream', 'x-powered-by': 'Express' },
  events(r) {
    const base = {
      id: `chatcmpl-lm${r.seq}`,
      object: 'chat.completion.chunk',
      created: 1_760_000_000 + r.seq,
      model: r.model,
      system_fingerprint: r.model,
    };
    const chunk = (delta: object, finish: string | null) =>
      `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
    const content = r.reasoning ? `<think>\n${r.reasoning}\n</think>\n\n${r.text}` : r.text;
    const out = [chunk({ role: 'assistant', content: '' }, null)];
    // The tags come as tokens of their own, and the text around them in pieces that cut them at odd places too.
    for (const piece of tokens(content)) out.push(chunk({ content: piece }, null));
    out.push(chunk({}, 'stop'));
    if (r.includeUsage) {
      out.push(
        `data: ${JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: r.promptTokens, completion_tokens: r.completionTokens, total_tokens: r.promptTokens + r.completionTokens } })}\n\n`,
      );
    }
    out.push('data: [DONE]\n\n');
    return out;
  },
};
