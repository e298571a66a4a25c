import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ThinkSplitter } from '../../src/engine/thinkBlocks.js';

function split(pieces: string[]): { reply: string; reasoning: string } {
  const splitter = new ThinkSplitter();
  let reply = '';
  let reasoning = '';
  for (const piece of [...pieces.map((p) => splitter.push(p)), splitter.end()]) {
    reply += piece.reply;
    reasoning += piece.reasoning;
  }
  return { reply, reasoning };
}

describe('ThinkSplitter', () => {
  it('takes a <think> block out of the reply, with the newlines around its text', () => {
    expect(split(['<think>\nI wonder.\n</think>\n\nBoss: hello'])).toEqual({ reply: 'Boss: hello', reasoning: 'I wonder.' });
  });

  it('leaves a reply without one as it is, a lone "<" included', () => {
    expect(split(['a < b and <thin', 'gs> >'])).toEqual({ reply: 'a < b and <things> >', reasoning: '' });
    expect(split(['ends with <'])).toEqual({ reply: 'ends with <', reasoning: '' });
  });

  it('keeps an unclosed block as thinking', () => {
    expect(split(['<think>still going'])).toEqual({ reply: '', reasoning: 'still going' });
  });

  it('gives the same split however the text is cut into pieces', () => {
    const text = 'x <think>\nEND CONVERSATION? no\n</think>\n\nBoss:\n\nok <think>two</think> end';
    const whole = split([text]);
    expect(whole).toEqual({ reply: 'x Boss:\n\nok end', reasoning: 'END CONVERSATION? notwo' });
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: text.length }), { maxLength: 12 }), (cuts) => {
        const at = [...new Set(cuts)].sort((a, b) => a - b);
        const pieces = [0, ...at].map((from, i) => text.slice(from, at[i] ?? text.length));
        expect(split(pieces)).toEqual(whole);
      }),
    );
  });
});
