/**
 * What the TUI shows of a model's thinking and of replies that are not whole: thinking dimmed and folded to one line
 * (t opens it), never shown as the reply; cut off, filtered and refused replies marked under their text, and in the
 * prompt inspector.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ModelRequest, Provider, StreamChunk } from '../../src/providers/types.js';
import { startTui } from './harness.js';

/** Streams a turn's chunks as given, one per tick. */
class ChunkProvider implements Provider {
  readonly label = 'chunks';
  constructor(private readonly turns: (request: ModelRequest) => StreamChunk[]) {}
  async *stream(request: ModelRequest): AsyncGenerator<StreamChunk> {
    for (const chunk of this.turns(request)) {
      await new Promise((resolve) => setImmediate(resolve));
      yield chunk;
    }
  }
}

const byTurn = (chunks: StreamChunk[][]) => (request: ModelRequest) => {
  const index = request.meta.conversation?.turnIndex ?? 0;
  return chunks[index] ?? [{ type: 'delta', text: `${request.meta.speaker?.name}:\n\nDone.\n\nEND CONVERSATION` }];
};

let tui: ReturnType<typeof startTui> | undefined;
afterEach(async () => {
  await tui?.stop();
  tui = undefined;
});

describe('TUI: thinking and marks', () => {
  it('folds the thinking to one dimmed line, t opens and folds it; it never shows as the reply', async () => {
    const provider = new ChunkProvider(
      byTurn([
        [
          { type: 'reasoning', text: 'First I weigh the options.\nThen I pick one.' },
          { type: 'delta', text: 'CEO:\n\nWe build it.' },
        ],
      ]),
    );
    tui = startTui({ provider });
    await tui.waitFor((f) => f.includes('waiting for you'));
    tui.press(' ');
    await tui.waitFor((f) => f.includes('We build it.') && f.includes('waiting for you'));
    let frame = tui.frame();
    expect(frame).toContain('▸ thought · 2 lines (t shows)');
    expect(frame).not.toContain('weigh the options');
    tui.press('t');
    await tui.waitFor((f) => f.includes('▾ thought'));
    frame = tui.frame();
    expect(frame).toContain('│ First I weigh the options.');
    expect(frame).toContain('│ Then I pick one.');
    tui.press('t');
    await tui.waitFor((f) => f.includes('▸ thought'));
    frame = tui.frame();
    expect(frame).not.toContain('weigh the options');
  });

  it('marks a reply cut off at the token limit, a filtered one and a refusal, in the transcript and the inspector', async () => {
    const provider = new ChunkProvider(
      byTurn([
        [
          { type: 'delta', text: 'CEO:\n\nWe build' },
          { type: 'finish', mark: 'length' },
        ],
        [
          { type: 'refusal', text: 'I cannot help with that.' },
          { type: 'finish', mark: null },
        ],
        [
          { type: 'delta', text: 'CEO:\n\nThe rest' },
          { type: 'finish', mark: 'content_filter' },
        ],
      ]),
    );
    tui = startTui({ provider, mode: 'auto', config: { maxTurns: 3 } });
    await tui.waitFor((f) => f.includes('filtered:'));
    const frame = tui.frame();
    expect(frame).toContain("✂ cut off: the server's token limit");
    expect(frame).toContain('⊘ refused: the model declined the turn');
    expect(frame).toContain("✂ filtered: the server's content filter stopped it");
    tui.press('a');
    tui.press('p');
    await tui.waitFor((f) => f.includes('The reply:'));
    expect(tui.frame()).toMatch(/The reply: (cut off|refused|filtered)/);
  });
});
