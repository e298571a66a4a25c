/**
 * One Chat Completions stream chunk, as servers really send it, read into our StreamChunk events. Pure: the
 * provider calls it for every chunk the SDK parsed. What it reads, and from whom:
 * - `delta.content` as a string, or as an array of parts (Mistral's reasoning models: `text` parts are the reply,
 *   `thinking` parts hold the thinking as text parts of their own);
 * - `delta.reasoning_content` (DeepSeek, vLLM, LM Studio, llama.cpp) and `delta.reasoning` (OpenRouter, Ollama,
 *   Groq, newer vLLM): the model's thinking;
 * - `delta.refusal` (OpenAI);
 * - `finish_reason`: `length` and `content_filter` (and the spellings some servers use for them) mark a reply that
 *   is not whole;
 * - usage in any chunk: `usage` (OpenAI's last chunk, or every chunk on some servers) or `x_groq.usage` (Groq).
 */
import type { FinishMark, StreamChunk } from './types.js';

type Loose = Record<string, unknown>;

const isObject = (value: unknown): value is Loose => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

const MARKS: Record<string, FinishMark> = {
  length: 'length',
  max_tokens: 'length',
  model_length: 'length',
  content_filter: 'content_filter',
  safety: 'content_filter',
  recitation: 'content_filter',
};

/** The reply's text and the thinking in a content array; parts of other types (references, images) are skipped. */
function readParts(parts: readonly unknown[]): { reply: string; reasoning: string } {
  let reply = '';
  let reasoning = '';
  for (const part of parts) {
    if (typeof part === 'string') {
      reply += part;
      continue;
    }
    if (!isObject(part)) continue;
    if (part.type === 'text' || (part.type === undefined && typeof part.text === 'string')) reply += text(part.text);
    else if (part.type === 'thinking' || part.type === 'reasoning') {
      const inner = part.thinking ?? part.reasoning ?? part.text;
      if (Array.isArray(inner)) reasoning += readParts(inner).reply;
      else reasoning += text(inner);
    }
  }
  return { reply, reasoning };
}

function readUsage(value: unknown): StreamChunk | undefined {
  if (!isObject(value)) return undefined;
  const prompt = value.prompt_tokens;
  const completion = value.completion_tokens;
  if (typeof prompt !== 'number' && typeof completion !== 'number') return undefined;
  return {
    type: 'usage',
    promptTokens: typeof prompt === 'number' && prompt >= 0 ? Math.round(prompt) : 0,
    completionTokens: typeof completion === 'number' && completion >= 0 ? Math.round(completion) : 0,
  };
}

/** The events one chunk carries, in the order a reader would see them: thinking, reply, refusal, finish, usage. */
export function readChatChunk(chunk: unknown): StreamChunk[] {
  if (!isObject(chunk)) return [];
  const out: StreamChunk[] = [];
  const choices: unknown[] = Array.isArray(chunk.choices) ? chunk.choices : [];
  const choice = choices.find((c) => isObject(c) && (c.index === 0 || c.index === undefined)) ?? choices[0];
  if (isObject(choice)) {
    const delta = isObject(choice.delta) ? choice.delta : {};
    const reasoning = text(delta.reasoning_content) || text(delta.reasoning);
    let reply = '';
    let partsReasoning = '';
    if (Array.isArray(delta.content)) ({ reply, reasoning: partsReasoning } = readParts(delta.content));
    else reply = text(delta.content);
    if (reasoning) out.push({ type: 'reasoning', text: reasoning });
    if (partsReasoning) out.push({ type: 'reasoning', text: partsReasoning });
    if (reply) out.push({ type: 'delta', text: reply });
    const refusal = text(delta.refusal);
    if (refusal) out.push({ type: 'refusal', text: refusal });
    const finish = choice.finish_reason;
    if (typeof finish === 'string' && finish) out.push({ type: 'finish', mark: MARKS[finish.toLowerCase()] ?? null });
  }
  const usage = readUsage(chunk.usage) ?? (isObject(chunk.x_groq) ? readUsage(chunk.x_groq.usage) : undefined);
  if (usage) out.push(usage);
  return out;
}
