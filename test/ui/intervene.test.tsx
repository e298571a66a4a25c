import { afterEach, describe, expect, it, vi } from 'vitest';
import { KEY, startTui, TestProvider, waitFor, startGenerating } from './harness.js';

let tui: ReturnType<typeof startTui> | undefined;
afterEach(async () => {
  await tui?.stop();
  tui = undefined;
});

describe('TUI: speaking as the customer', () => {
  it('c opens the input; enter sends; the message shows as the Customer and the next turn answers it', async () => {
    const provider = new TestProvider();
    tui = startTui({ provider });
    await tui.waitFor((f) => f.includes('waiting for you'));
    tui.press('c');
    await tui.waitFor((f) => f.includes('Customer ›') && f.includes('esc cancels'));
    // Command keys are text while the input is open.
    tui.press('s', 'q', KEY.backspace, KEY.backspace, 'Keep it small');
    await tui.waitFor((f) => f.includes('Customer › Keep it small'));
    tui.press(KEY.enter);
    await tui.waitFor((f) => f.includes('▌ Customer') && f.includes('▌ Keep it small') && !f.includes('esc cancels'));
    tui.press(' ');
    await tui.waitFor((f) => f.includes('Customer said: Keep it small.'));
    expect(provider.requests[0]?.meta.customer).toEqual(['Keep it small']);
    expect(provider.requests[0]?.messages.some((m) => m.content.includes('Keep it small'))).toBe(true);
    expect(tui.exits).toEqual([]);
  });

  it('esc cancels without sending, after asking whether to drop what was written', async () => {
    tui = startTui();
    await tui.waitFor((f) => f.includes('waiting for you'));
    tui.press('c');
    await tui.waitFor((f) => f.includes('Customer ›'));
    tui.press('never mind');
    await tui.waitFor((f) => f.includes('never mind'));
    tui.press(KEY.escape);
    await tui.waitFor((f) => f.includes('Drop what you wrote? y drops it'));
    tui.press('y');
    await tui.waitFor((f) => !f.includes('Customer ›'));
    expect(tui.frame()).not.toContain('never mind');
    expect(tui.state.conversations.get('design-modalities')?.items).toEqual([]);
  });

  it('a pasted multi-line text keeps its lines; Enter typed after it, in the same chunk or not, sends it', async () => {
    const provider = new TestProvider();
    tui = startTui({ provider });
    await tui.waitFor((f) => f.includes('waiting for you'));
    tui.press('c', `${KEY.pasteStart}first line\rsecond line${KEY.pasteEnd}`, 'third\r');
    await tui.waitFor((f) => f.includes('▌ second linethird') && !f.includes('esc cancels'));
    expect(tui.frame()).toContain('▌ first line');
    tui.press(' ');
    await waitFor(() => provider.requests.length === 1);
    expect(provider.requests[0]?.meta.customer).toEqual(['first line\nsecond linethird']);
  });

  it('text with an Enter in the middle that the terminal did not mark as a paste is typed keys: the Enter sends', async () => {
    tui = startTui();
    await tui.waitFor((f) => f.includes('waiting for you'));
    const intervene = vi.spyOn(tui.engine, 'intervene');
    tui.press('c', 'one\ro');
    await tui.waitFor((f) => f.includes('Artifacts (tab: next') && !f.includes('esc cancels'), 'the message sent, then o showing the artifacts');
    expect(intervene.mock.calls).toEqual([['one']]);
  });

  it('a paste outside the input is not taken for commands', async () => {
    tui = startTui();
    await tui.waitFor((f) => f.includes('waiting for you'));
    tui.press(`${KEY.pasteStart}quit skip all${KEY.pasteEnd}`);
    // A step after it: had the paste been keys, q would have quit, s skipped this conversation, a gone to auto.
    tui.press(' ');
    await tui.waitFor((f) => f.includes('Reply 1 of Design (Modalities).') && f.includes('waiting for you'));
    expect(tui.exits).toEqual([]);
    expect(tui.frame()).toContain('STEP');
    expect(tui.state.conversations.get('design-modalities')?.status).toBe('active');
  });

  it('typing while a reply streams: the message goes in before the next turn', async () => {
    const { provider } = (tui = await startGenerating());
    tui.press('c', 'Add dark mode', KEY.enter);
    await tui.waitFor((f) => !f.includes('Customer ›'));
    provider.release();
    await tui.waitFor((f) => f.includes('Reply 1 of Design (Modalities).') && f.includes('▌ Add dark mode'));
    const items = tui.state.conversations.get('design-modalities')?.items ?? [];
    expect(items.map((i) => i.kind)).toEqual(['turn', 'customer']);
    provider.hold = false;
    tui.press(' ');
    await tui.waitFor((f) => f.includes('Customer said: Add dark mode.'));
    expect(provider.requests[1]?.meta.customer).toEqual(['Add dark mode']);
  });
});

describe('TUI: the customer input takes typed text and Enter in one chunk as a submit', () => {
  it('sends "text\\r"', async () => {
    const t = startTui();
    try {
      await t.waitFor((f) => f.includes('waiting for you'));
      t.press('c', 'All at once\r');
      await t.waitFor((f) => f.includes('▌ All at once') && !f.includes('esc cancels'));
    } finally {
      await t.stop();
    }
  });
});
