import { afterEach, describe, expect, it } from 'vitest';
import { messageRows, messagesOf } from '../../src/ui/Messages.js';
import { oneConversation, viewState } from '../support/viewState.js';
import { KEY, startTui } from './harness.js';

let tui: ReturnType<typeof startTui> | undefined;
afterEach(async () => {
  await tui?.stop();
  tui = undefined;
});

describe('TUI: messages are read whole', () => {
  it('a long pause reason wraps onto lines of its own at 80 columns, and m shows every message', async () => {
    tui = startTui({ mode: 'auto', columns: 80, config: { breakpoints: ['match:/Reply 1 of Design \\(Modalities\\)\\./'] } });
    await tui.waitFor((f) => f.includes('⏸ Breakpoint match:/Reply 1 of Design'));
    const joined = tui.frame().replace(/\s+/g, ' ');
    // Longer than the screen is wide: all of it shows, on two lines, with no "…".
    expect(joined).toContain('⏸ Breakpoint match:/Reply 1 of Design \\(Modalities\\)\\./: the reply matched /Reply 1 of Design \\(Modalities\\)\\./');
    for (const line of tui.frame().split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    tui.press('m');
    await tui.waitFor((f) => f.includes('Messages (m or esc closes'));
    await tui.waitFor((f) => /\+\s*\d+s ⏸ Breakpoint match:\/Reply 1 of Design/.test(f));
    tui.press(KEY.escape);
    await tui.waitFor((f) => !f.includes('Messages (m or esc closes'));
  });

  it('the demo warning gives way to any other message, and each message wraps whole', () => {
    const { state, emit } = viewState(oneConversation(3));
    emit({ type: 'warning', code: 'demo', message: 'Running the offline demo model.' });
    expect(messagesOf(state, null).map((m) => m.text)).toEqual(['⚠ Running the offline demo model.']);
    // A replay runs no model at all.
    expect(messagesOf(state, null, false)).toEqual([]);
    emit({
      type: 'waiting',
      holds: [{ kind: 'failure', message: `The model could not be reached: ${'connection refused '.repeat(6)}(r or space: retry, s: skip)` }],
      next: { conversationId: 'c', kind: 'conversation', role: 'a', side: 'lead' },
    } as never);
    const messages = messagesOf(state, 'Copied it');
    expect(messages.map((m) => m.text.slice(0, 12))).toEqual([' Copied it'.trim().slice(0, 12), '⏸ The model ']);
    const rows = messageRows(messages, 40, 10);
    expect(
      rows
        .map((r) => r.text.trimEnd())
        .join(' ')
        .replace(/\s+/g, ' '),
    ).toContain('(r or space: retry, s: skip)');
    for (const row of rows) expect(row.text.length).toBeLessThanOrEqual(40);
    // Too many to fit: the last row says where the rest is.
    expect(messageRows(messages, 40, 3).at(-1)?.text).toMatch(/more lines: m shows every message/);
  });
});
