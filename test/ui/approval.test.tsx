import { afterEach, describe, expect, it } from 'vitest';
import { KEY, startTui, TestProvider, waitFor } from './harness.js';

let tui: ReturnType<typeof startTui> | undefined;
afterEach(async () => {
  await tui?.stop();
  tui = undefined;
});

describe('TUI: draft, then approve', () => {
  it('a draft streams in marked as one; space accepts it and the next turn hears it', async () => {
    const provider = new TestProvider();
    tui = startTui({ provider, mode: 'auto', approve: ['ceo'], columns: 120 });
    await tui.waitFor((f) => f.includes('✎ draft: space accepts · e edits · r regenerates') && f.includes("CEO's reply is a draft"));
    expect(provider.requests).toHaveLength(1);
    tui.press(' ');
    await tui.waitFor((f) => f.includes('✓ draft accepted'));
    await waitFor(() => provider.requests.length >= 2);
    expect(provider.requests[1]?.messages.map((m) => m.content)).toContain('CEO:\n\nReply 1 of Design (Modalities).');
  });

  it('e edits the draft in the editor, enter accepts the edit; r regenerates a draft', async () => {
    const provider = new TestProvider();
    tui = startTui({ provider, mode: 'auto', approve: 'all', columns: 120 });
    await tui.waitFor((f) => f.includes('✎ draft: space accepts'));
    tui.press('r');
    await waitFor(() => provider.requests.length === 2);
    await tui.waitFor((f) => f.includes('✎ draft: space accepts') && f.includes('↻ regenerated'));
    tui.press('e');
    await tui.waitFor((f) => f.includes("Editing CEO's draft, turn 1 · enter saves"));
    tui.press('\x15'.repeat(4), 'CEO: A tighter opening.', KEY.enter);
    await tui.waitFor((f) => f.includes('✓ draft accepted as you edited it') && f.includes('CEO: A tighter opening.'));
    await waitFor(() => provider.requests.length >= 3);
    const sent = provider.requests[2]?.messages.map((m) => m.content) ?? [];
    expect(sent).toContain('CEO: A tighter opening.');
    expect(sent).not.toContain('CEO:\n\nReply 1 of Design (Modalities).');
  });
});
