import { afterEach, describe, expect, it } from 'vitest';
import { KEY, startTui, TestProvider, waitFor } from './harness.js';

let tui: ReturnType<typeof startTui> | undefined;
afterEach(async () => {
  await tui?.stop();
  tui = undefined;
});

describe('TUI: editing the request before it is sent', () => {
  it('a request: breakpoint opens the request; the edit is sent, and the inspector marks the turn', async () => {
    const provider = new TestProvider();
    tui = startTui({ provider, mode: 'auto', config: { breakpoints: ['request:CPO'] }, columns: 120 });
    await tui.waitFor((f) => f.includes('--- #5 user ---') && f.includes('Editing the request of CPO, turn 2'));
    expect(provider.requests).toHaveLength(1);
    // The edited turn's reply then holds after its first word, so the run does not go on (in auto mode) to the next
    // CPO request, whose editor would take the keys below.
    provider.hold = true;
    // The cursor starts at the end, after the prompt: add to it.
    tui.press(' Keep it short.', KEY.enter);
    await waitFor(() => provider.requests.length >= 2);
    expect(provider.requests[1]?.messages.at(-1)?.content).toBe('SWITCH Keep it short.');
    await tui.waitFor((f) => f.includes('request edited before sending'));
    tui.press('p');
    await tui.waitFor((f) => f.includes('edited before sending: these are the messages you sent'));
  });

  it('esc closes it and space sends the request as built; a request that does not parse is not sent', async () => {
    const provider = new TestProvider();
    tui = startTui({ provider, config: { breakpoints: ['request:CEO'] }, columns: 120 });
    // The first turn is the CEO's: its request opens at once, step mode or not.
    await tui.waitFor((f) => f.includes('Editing the request of CEO, turn 1'));
    // Break the first marker (ctrl+home goes to the top): the request is refused with the line to fix, and the editor stays.
    tui.press('\x1b[1;5H', '\x0b', '--- #1 robot ---', KEY.enter);
    await tui.waitFor((f) => f.includes('Not sent: line 1: "robot" is not a role'));
    expect(provider.requests).toHaveLength(0);
    tui.press(KEY.escape);
    await tui.waitFor((f) => f.includes('Drop what you wrote?'));
    tui.press('y');
    await tui.waitFor((f) => !f.includes('Request ›') && f.includes('the request of CEO waits'));
    tui.press(' ');
    await waitFor(() => provider.requests.length === 1);
    expect(provider.requests[0]?.messages.at(-1)?.content).toBe('START CONVERSATION Design (Modalities)');
  });
});
