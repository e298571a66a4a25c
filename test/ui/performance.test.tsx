import { describe, expect, it } from 'vitest';
import { oneConversation, viewState } from '../support/viewState.js';
import { TranscriptLayout } from '../../src/ui/transcriptLayout.js';
import { startTui, TestProvider } from './harness.js';

function session(turns: number) {
  const { state, emit } = viewState(oneConversation(5000, 'b'));
  const turn = (i: number) => {
    emit({
      type: 'turn.started',
      turnId: `t${i}`,
      conversationId: 'c',
      kind: 'switch',
      role: i % 2 ? 'b' : 'a',
      side: i % 2 ? 'assistant' : 'lead',
      index: i,
      attempt: 1,
      model: 'm',
      temperature: undefined,
      request: { base: null, keep: 0, add: [{ role: 'user', content: 'SWITCH' }] },
      heard: [],
    });
    emit({ type: 'token', turnId: `t${i}`, text: `Reply ${i} with **some** text that wraps over a line or two when the pane is narrow.` });
  };
  for (let i = 0; i < turns; i++) {
    turn(i);
    emit({
      type: 'turn.ended',
      turnId: `t${i}`,
      status: 'complete',
      text: state.turns.get(`t${i}`)?.text ?? '',
      speaker: null,
      endsConversation: false,
      durationMs: 1,
      firstTokenMs: 1,
    });
  }
  return { state, emit, turn };
}

describe('TUI: the work per redraw does not grow with the session', () => {
  it('lays out each finished message once per width; a streaming one is the only one redone', () => {
    const { state, emit, turn } = session(1000);
    const layout = new TranscriptLayout();
    const first = layout.lines(state, 'c', 80);
    expect(layout.laidOut).toBe(1000);
    const lastLines = Array.from({ length: 6 }, (_, i) => first.at(first.length - 6 + i)).join('\n');
    expect(lastLines).toContain('Reply 999');
    turn(1000);
    for (let i = 0; i < 50; i++) {
      emit({ type: 'token', turnId: 't1000', text: ' more' });
      layout.lines(state, 'c', 80);
    }
    // 50 redraws of the streaming reply, and nothing else laid out again.
    expect(layout.laidOut).toBe(1000 + 50);
    layout.lines(state, 'c', 60);
    expect(layout.laidOut).toBe(1000 + 50 + 1001);
  });

  it('a discarded reply makes the conversation lay out again, without it', () => {
    const { state, emit } = session(3);
    const layout = new TranscriptLayout();
    expect(layout.lines(state, 'c', 80).length).toBeGreaterThan(0);
    const before = layout.lines(state, 'c', 80).length;
    emit({ type: 'turn.discarded', turnId: 't2', reason: 'regenerate' });
    expect(layout.lines(state, 'c', 80).length).toBeLessThan(before);
  });

  it('shows a retrying turn in the header and the transcript', async () => {
    const { ProviderError } = await import('../../src/providers/types.js');
    let calls = 0;
    const provider = new TestProvider((request) => {
      if (++calls === 1) throw new ProviderError('server busy', true);
      return `${request.meta.speaker?.name}:\n\nFine now.`;
    });
    const tui = startTui({ provider, config: { retry: { attempts: 2, baseDelayMs: 300, maxDelayMs: 300 } } });
    try {
      await tui.waitFor((f) => f.includes('waiting for you'));
      tui.press(' ');
      await tui.waitFor((f) => f.includes('retrying') && f.includes('retrying 1/2 in 300 ms: server busy'));
      await tui.waitFor((f) => f.includes('Fine now.'));
    } finally {
      await tui.stop();
    }
  });
});
