/**
 * Azure OpenAI (learn.microsoft.com/azure/ai-foundry/openai/concepts/content-streaming, and its content filtering
 * page): the first chunk has no choices and empty id, model and object, only `prompt_filter_results`; every chunk
 * after carries `content_filter_results` per choice; the finish chunk is followed by one more with the filter's
 * results for the end of the reply; usage, when asked, in a chunk of its own; then `data: [DONE]`.
 */
import { tokens, type Dialect } from './types.js';

const SAFE = {
  hate: { filtered: false, severity: 'safe' },
  self_harm: { filtered: false, severity: 'safe' },
  sexual: { filtered: false, severity: 'safe' },
  violence: { filtered: false, severity: 'safe' },
};

export const azure: Dialect = {
  name: 'Azure OpenAI',
  source: 'https://learn.microsoft.com/azure/ai-foundry/openai/concepts/content-streaming',
  reasons: false,
  usage: 'asked',
  headers: { 'content-type': 'text/event-stream; charset=utf-8', 'apim-request-id': 'a1', 'x-ms-region': 'Sweden Central' },
  events(r) {
    const out = [
      `data: ${JSON.stringify({ choices: [], created: 0, id: '', model: '', object: '', prompt_filter_results: [{ prompt_index: 0, content_filter_results: { ...SAFE, jailbreak: { filtered: false, detected: false } } }] })}\n\n`,
    ];
    const base = {
      created: 1_760_000_000 + r.seq,
      id: `chatcmpl-Az${r.seq}`,
      model: 'gpt-4o-2024-11-20',
      object: 'chat.completion.chunk',
      system_fingerprint: 'fp_ee1d74bde0',
    };
    const chunk = (delta: object, finish: string | null, filter: object = {}) =>
      `data: ${JSON.stringify({ choices: [{ content_filter_results: filter, delta, finish_reason: finish, index: 0, logprobs: null }], ...base })}\n\n`;
    out.push(chunk({ content: '', refusal: null, role: 'assistant' }, null));
    for (const piece of tokens(r.text)) out.push(chunk({ content: piece }, null, SAFE));
    out.push(chunk({}, 'stop'));
    out.push(
      `data: ${JSON.stringify({ choices: [{ content_filter_offsets: { check_offset: 0, start_offset: 0, end_offset: r.text.length }, content_filter_results: SAFE, finish_reason: null, index: 0 }], created: 0, id: '', model: '', object: '' })}\n\n`,
    );
    if (r.includeUsage) {
      out.push(
        `data: ${JSON.stringify({ choices: [], ...base, usage: { completion_tokens: r.completionTokens, prompt_tokens: r.promptTokens, total_tokens: r.promptTokens + r.completionTokens } })}\n\n`,
      );
    }
    out.push('data: [DONE]\n\n');
    return out;
  },
};
