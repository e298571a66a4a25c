import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/ui/markdown.js';
import { MarkdownStream } from '../../src/ui/markdownStream.js';
import { TranscriptLayout, type LineSource } from '../../src/ui/transcriptLayout.js';
import { oneConversation, turnStarted, viewState } from '../support/viewState.js';

// Pieces of replies: Latin, CJK, emoji (ZWJ sequences, flags, skin tones), fences (closed, unclosed, ~~~, with and
// without a language, one that looks like a closing fence but has a language), lists, quotes, headings, tabs,
// blank lines, long words that wrap hard.
const PIECES = [
  'The service stores a **name** and an `email`, ',
  'then returns the new user. ',
  '数据库中的用户表存储姓名和电子邮件地址，',
  '検証してから新しいユーザーを返します。',
  '👩‍💻 deploys 🚀🇩🇪 with 👍🏽 and 👨‍👩‍👧‍👦 ',
  'supercalifragilisticexpialidocious_identifier_that_wraps_hard ',
  '\n',
  '\n\n',
  '\n\n\n',
  '\n```ts\n',
  '\n```\n',
  '```',
  '\n~~~\n',
  '\n```js\n',
  '\tconst x = 1;\t// tab\n',
  '\n- one point\n- another point that is rather long and goes on and on to wrap\n',
  '\n  1. nested 数字\n',
  '\n> a quote with **bold**\n',
  '\n# Heading 見出し\n',
  '\n## Sub 🎉\n',
  ' ',
  '   \n',
];

const reply = fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((parts) => parts.join(''));
/** Cut points for a text: the chunks it streams in. */
const chunked = reply.chain((text) =>
  fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, text.length) }), { maxLength: 25 }).map((cuts) => ({
    text,
    cuts: [...cuts]
      .filter((c) => c < text.length)
      .sort((a, b) => a - b)
      .concat(text.length),
  })),
);
const WIDTHS = [10, 23, 41, 80, 117];

const all = (s: LineSource) => Array.from({ length: s.length }, (_, i) => s.at(i));

describe('incremental layout of a streaming reply', () => {
  it('gives, after every chunk and at every width, the lines of laying out the whole text at once', () => {
    fc.assert(
      fc.property(chunked, ({ text, cuts }) => {
        for (const width of WIDTHS) {
          const stream = new MarkdownStream();
          for (const cut of cuts) {
            const prefix = text.slice(0, cut);
            const { kept, tail } = stream.lines(prefix, width);
            expect([...kept, ...tail]).toEqual(renderMarkdown(prefix, width));
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('starts again when the text is edited or the width changes', () => {
    const stream = new MarkdownStream('  ');
    const a = 'First paragraph.\n\n```\ncode\n```\nSecond ';
    expect([...Object.values(stream.lines(a, 30)).flat()]).toEqual(renderMarkdown(a, 30).map((l) => '  ' + l));
    const b = 'Edited paragraph, now longer than it was before.\n\nThird';
    expect([...Object.values(stream.lines(b, 30)).flat()]).toEqual(renderMarkdown(b, 30).map((l) => '  ' + l));
    expect([...Object.values(stream.lines(b, 12)).flat()]).toEqual(renderMarkdown(b, 12).map((l) => '  ' + l));
  });

  it('lays out a finished block once: the work per chunk is the tail after the last block boundary', () => {
    const stream = new MarkdownStream();
    let text = '';
    for (let i = 0; i < 200; i++) {
      text += `Paragraph ${i} says something about the service.\n\n`;
      stream.lines(text, 40);
    }
    // Each paragraph once when its blank line arrives, plus the (empty) tail.
    expect(stream.laidOutChars).toBe(text.length);
    // Inside an open fence nothing is kept: the fence is laid out whole until it closes.
    const fenced = new MarkdownStream();
    let code = 'Intro.\n\n```\n';
    for (let i = 0; i < 10; i++) fenced.lines((code += `line ${i}\n\n`), 40);
    expect(fenced.lines(code, 40).kept).toEqual(renderMarkdown('Intro.\n', 40));
    expect(fenced.lines(code + '```\n', 40).kept.length).toBeGreaterThan(10);
  });

  const started = turnStarted('t1');

  it('in the transcript: the same lines as laying out the streaming reply whole, whatever the chunks, widths and retries', () => {
    // Each chunk comes at one of the widths (a resize), or after a retry that empties the reply and starts it again.
    const steps = chunked.chain(({ text, cuts }) =>
      fc
        .tuple(
          fc.array(fc.constantFrom(...WIDTHS), { minLength: cuts.length, maxLength: cuts.length }),
          fc.array(fc.boolean(), { minLength: cuts.length, maxLength: cuts.length }),
        )
        .map(([widths, retries]) => ({ text, cuts, widths, retries })),
    );
    fc.assert(
      fc.property(steps, ({ text, cuts, widths, retries }) => {
        const { state, emit } = viewState(oneConversation(9));
        emit(started);
        const incremental = new TranscriptLayout();
        let at = 0;
        cuts.forEach((cut, i) => {
          if (retries[i] && i % 3 === 2) emit({ type: 'retrying', turnId: 't1', attempt: 1, maxAttempts: 3, delayMs: 10, reason: 'x' });
          emit({ type: 'token', turnId: 't1', text: text.slice(at, cut) });
          at = cut;
          const width = widths[i] ?? 80;
          expect(all(incremental.lines(state, 'c', width))).toEqual(all(new TranscriptLayout({ incremental: false }).lines(state, 'c', width)));
        });
      }),
      { numRuns: 150 },
    );
  });

  it('in the transcript, a frame reads only the pieces of the reply that came since the frame before, not the whole reply', () => {
    const { state, emit } = viewState(oneConversation(9));
    emit(started);
    const layout = new TranscriptLayout();
    const turn = state.turns.get('t1')!;
    // Reading the whole reply (which V8 would copy whole, a long reply every frame) is counted while a frame is laid out.
    let framing = false;
    let reads = 0;
    let text = turn.text;
    Object.defineProperty(turn, 'text', {
      get: () => {
        if (framing) reads++;
        return text;
      },
      set: (value: string) => (text = value),
    });
    const frame = (width: number) => {
      framing = true;
      const lines = all(layout.lines(state, 'c', width));
      framing = false;
      return lines;
    };
    for (let i = 0; i < 300; i++) {
      for (let t = 0; t < 5; t++) emit({ type: 'token', turnId: 't1', text: `word${i}.${t} ` });
      if (i % 7 === 6) emit({ type: 'token', turnId: 't1', text: '\n\n' });
      frame(60);
    }
    // The first frame reads it (the reply begins), and no other.
    expect(reads).toBe(1);
    // Another width lays it out again from the whole reply, once.
    const resized = frame(40);
    expect(reads).toBe(2);
    expect(resized).toEqual(all(new TranscriptLayout({ incremental: false }).lines(state, 'c', 40)));
  });
});
