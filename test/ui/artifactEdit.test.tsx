import { afterEach, describe, expect, it } from 'vitest';
import { KEY, startTui, TestProvider, waitFor } from './harness.js';

let tui: ReturnType<typeof startTui> | undefined;
afterEach(async () => {
  await tui?.stop();
  tui = undefined;
});

describe("TUI: editing a conversation's artifact", () => {
  it('e on a conversation that just ended edits its final reply, and the artifact follows', async () => {
    const provider = new TestProvider();
    tui = startTui({ provider, columns: 120 });
    await tui.waitFor((f) => f.includes('waiting for you'));
    for (let i = 1; i <= 3; i++) {
      tui.press(' ');
      await waitFor(() => provider.requests.length === i && tui!.state.activeTurnId === null && tui!.state.waiting !== null);
    }
    await tui.waitFor((f) => f.includes('Conversation done: Modalities written'));
    tui.press('e');
    await tui.waitFor((f) => f.includes('Editing CEO, turn 3: the Modalities artifact follows'));
    // Ctrl+U clears the reply line by line (six lines with their breaks).
    tui.press('\x15'.repeat(8), 'CEO: A web app.', '\x1b\r', 'END CONVERSATION', KEY.enter);
    await waitFor(() => tui!.state.artifacts.get('modalities')?.text === 'A web app.');
    tui.press('o');
    await tui.waitFor((f) => f.includes('A web app.') && f.includes('Artifacts'));
    // In o, e edits the final reply that made the artifact shown.
    tui.press('e');
    await tui.waitFor((f) => f.includes('the Modalities artifact follows'));
    tui.press(KEY.up, KEY.end, ' Offline first.', KEY.enter);
    await waitFor(() => tui!.state.artifacts.get('modalities')?.text === 'A web app. Offline first.');
    tui.press(' ');
    await waitFor(() => provider.requests.length === 4);
    expect(provider.requests[3]?.messages.some((m) => m.content.includes('A web app.'))).toBe(true);
  });
});
