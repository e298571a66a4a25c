import { afterEach, describe, expect, it } from 'vitest';
import { buildExportDocument } from '../../src/session/exportDocument.js';
import { renderTranscript } from '../../src/session/transcript.js';
import { KEY, startTui, TestProvider, waitFor } from './harness.js';

let tui: ReturnType<typeof startTui> | undefined;
afterEach(async () => {
  await tui?.stop();
  tui = undefined;
});

describe('TUI: a person in a seat', () => {
  it("--human: the reply's input opens by itself on the role's turn; enter sends it into the thread as that role's", async () => {
    const provider = new TestProvider();
    tui = startTui({ provider, mode: 'auto', humans: ['cpo'] });
    await tui.waitFor((f) => f.includes('You ›') && f.includes('Your reply as CPO, turn 2 of Design (Modalities)'));
    expect(tui.frame()).toContain('Your turn as CPO');
    // Command keys are text in the input.
    tui.press('s', 'q', KEY.backspace, KEY.backspace, 'A web app, please.');
    await tui.waitFor((f) => f.includes('You › A web app, please.'));
    tui.press(KEY.enter);
    await tui.waitFor((f) => f.includes('✍ written by you') && f.includes('A web app, please.'));
    await waitFor(() => provider.requests.length >= 2);
    expect(provider.requests[1]?.messages.map((m) => m.content)).toContain('CPO:\n\nA web app, please.');
    const mine = [...tui.state.turns.values()].find((t) => t.role === 'cpo');
    expect(mine).toMatchObject({ byPerson: true, text: 'CPO:\n\nA web app, please.', status: 'complete' });
    // The exports say who wrote it.
    expect(renderTranscript(tui.state)).toContain('#### CPO (assistant, written by a person)');
    const exported = buildExportDocument(tui.state).phases[0]?.conversations[0]?.turns;
    expect(exported?.map((t) => t.author)).toEqual(['model', 'person', ...exported!.slice(2).map(() => 'model')]);
  });

  it('h takes the next turn once; esc closes the input and the run waits; h then hands the seat back to the model', async () => {
    const provider = new TestProvider();
    tui = startTui({ provider });
    await tui.waitFor((f) => f.includes('waiting for you'));
    tui.press('h');
    await tui.waitFor((f) => f.includes('You ›') && f.includes('Your reply as CEO, turn 1'));
    tui.press('Hello team.', KEY.enter);
    await tui.waitFor((f) => f.includes('✍ written by you') && f.includes('Hello team.'));
    expect(provider.requests).toHaveLength(0);
    // Once: the next turn is the model's again.
    tui.press(' ');
    await waitFor(() => provider.requests.length === 1);
    await tui.waitFor((f) => f.includes('Reply 2 of Design (Modalities)'));
    tui.press('h');
    await tui.waitFor((f) => f.includes('You ›') && f.includes('Your reply as CEO, turn 3'));
    tui.press(KEY.escape);
    await tui.waitFor((f) => !f.includes('You ›') && f.includes('Your turn as CEO'));
    tui.press('h');
    await tui.waitFor((f) => f.includes('CEO goes back to the model') && !f.includes('Your turn as CEO'));
    tui.press(' ');
    await waitFor(() => provider.requests.length === 2);
    expect([...tui.state.turns.values()].map((t) => t.byPerson)).toEqual([true, false, false]);
  });

  it("space on the person's turn opens the reply again; END CONVERSATION in it ends the conversation", async () => {
    tui = startTui({ humans: ['ceo'] });
    await tui.waitFor((f) => f.includes('You ›'));
    tui.press(KEY.escape);
    await tui.waitFor((f) => !f.includes('You ›'));
    tui.press(' ');
    await tui.waitFor((f) => f.includes('You ›'));
    tui.press('We are done here.', '\x1b\r', 'END CONVERSATION', KEY.enter);
    await tui.waitFor((f) => f.includes('Conversation done: Modalities written'));
    expect(tui.state.artifacts.get('modalities')).toEqual({ text: 'We are done here.', incomplete: false });
  });
});
