import { describe, expect, it } from 'vitest';
import { readChatChunk } from '../../src/providers/chatChunks.js';

const choice = (delta: unknown, finish: string | null = null) => ({ choices: [{ index: 0, delta, finish_reason: finish }] });

describe('readChatChunk', () => {
  it('reads string content, and content as an array of parts (Mistral), as text', () => {
    expect(readChatChunk(choice({ content: 'Hi' }))).toEqual([{ type: 'delta', text: 'Hi' }]);
    expect(
      readChatChunk(
        choice({
          content: [
            { type: 'text', text: 'Hel' },
            { type: 'text', text: 'lo' },
          ],
        }),
      ),
    ).toEqual([{ type: 'delta', text: 'Hello' }]);
    // Never "[object Object]".
    expect(JSON.stringify(readChatChunk(choice({ content: [{ type: 'text', text: 'a' }] })))).not.toContain('object Object');
  });

  it("reads Mistral's thinking parts, and reasoning_content and reasoning, as thinking", () => {
    expect(
      readChatChunk(
        choice({
          content: [
            { type: 'thinking', thinking: [{ type: 'text', text: 'hmm' }] },
            { type: 'text', text: 'Yes' },
          ],
        }),
      ),
    ).toEqual([
      { type: 'reasoning', text: 'hmm' },
      { type: 'delta', text: 'Yes' },
    ]);
    expect(readChatChunk(choice({ content: null, reasoning_content: 'think' }))).toEqual([{ type: 'reasoning', text: 'think' }]);
    expect(readChatChunk(choice({ content: '', reasoning: 'think' }))).toEqual([{ type: 'reasoning', text: 'think' }]);
  });

  it('reads a refusal, and the finish reasons that mark a reply that is not whole', () => {
    expect(readChatChunk(choice({ refusal: 'No.' }))).toEqual([{ type: 'refusal', text: 'No.' }]);
    expect(readChatChunk(choice({}, 'stop'))).toEqual([{ type: 'finish', mark: null }]);
    expect(readChatChunk(choice({}, 'length'))).toEqual([{ type: 'finish', mark: 'length' }]);
    expect(readChatChunk(choice({}, 'content_filter'))).toEqual([{ type: 'finish', mark: 'content_filter' }]);
    expect(readChatChunk(choice({}, 'tool_calls'))).toEqual([{ type: 'finish', mark: null }]);
  });

  it('reads usage from any chunk, and from x_groq', () => {
    expect(readChatChunk({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 2 } })).toEqual([
      { type: 'usage', promptTokens: 5, completionTokens: 2 },
    ]);
    expect(readChatChunk({ ...choice({ content: 'x' }, 'stop'), usage: { prompt_tokens: 1, completion_tokens: 1 } })).toEqual([
      { type: 'delta', text: 'x' },
      { type: 'finish', mark: null },
      { type: 'usage', promptTokens: 1, completionTokens: 1 },
    ]);
    expect(readChatChunk({ ...choice({}, 'stop'), x_groq: { id: 'req', usage: { prompt_tokens: 38, completion_tokens: 4 } } })).toEqual([
      { type: 'finish', mark: null },
      { type: 'usage', promptTokens: 38, completionTokens: 4 },
    ]);
    expect(readChatChunk({ choices: [], usage: null })).toEqual([]);
  });

  it('takes what is not a chunk, or an Azure filter chunk with no choices, as nothing', () => {
    expect(readChatChunk(null)).toEqual([]);
    expect(readChatChunk('text')).toEqual([]);
    expect(readChatChunk({ choices: [], prompt_filter_results: [] })).toEqual([]);
    expect(readChatChunk({ choices: [{ index: 0, content_filter_results: {}, finish_reason: null }] })).toEqual([]);
  });
});
