import { afterEach, describe, expect, it } from 'vitest';
import { startTui, TestProvider } from './harness.js';

let tui: ReturnType<typeof startTui> | undefined;
afterEach(async () => {
  await tui?.stop();
  tui = undefined;
});

const answering = (answer: string) =>
  new TestProvider((request) => (request.meta.kind === 'sanity' ? answer : `${request.meta.speaker?.name}:\n\nReply.`));

describe('TUI: the sanity check', () => {
  it('has its row in the timeline with its answer', async () => {
    tui = startTui({ provider: answering('SUCCESS'), config: { sanityCheck: true } });
    await tui.waitFor((f) => f.includes('waiting for you'));
    tui.press(' ');
    await tui.waitFor((f) => /✓ Sanity check SUCCESS/.test(f) && f.includes('waiting for you'));
    expect(tui.frame()).toContain('✓ The sanity check passed · space goes on');
    expect(tui.frame()).not.toContain('⏸');
  });

  it('a FAILURE pauses the run with the answer, and space goes on anyway', async () => {
    tui = startTui({ provider: answering('FAILURE'), config: { sanityCheck: true }, mode: 'auto' });
    await tui.waitFor((f) => /✗ Sanity check FAILURE/.test(f) && f.includes('⏸ The sanity check answered "FAILURE": space goes on anyway'));
    // The answer itself is on screen, not an empty first conversation.
    expect(tui.frame()).toContain('✗ The sanity check did not answer SUCCESS');
    expect(tui.state.conversations.get(tui.state.workflow!.phases[0]!.conversations[0]!.id)?.turns).toBe(0);
    tui.press(' ');
    await tui.waitFor((f) => f.includes('Reply.'));
  });
});
