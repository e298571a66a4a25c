import { describe, expect, it } from 'vitest';
import { startTui } from './harness.js';

describe('breakpoints in the TUI', () => {
  it('in auto mode the run pauses where a breakpoint says, shows why, and space goes on', async () => {
    const tui = startTui({ mode: 'auto', config: { breakpoints: ['role:CPO', 'match:/Reply 2 of Design \\(Language\\)/'] } });
    await tui.waitFor((f) => f.includes('Breakpoint role:CPO: CPO is about to speak'), 'the role breakpoint');
    expect(tui.frame()).toContain('paused');
    expect(tui.state.turns.size).toBe(1);
    tui.press(' ');
    await tui.waitFor((f) => f.includes('Breakpoint match:'), 'the match breakpoint');
    expect(tui.frame()).toContain('the reply matched');
    tui.press(' ');
    await tui.waitFor((f) => f.includes('Breakpoint role:CPO'), 'the next CPO turn');
    await tui.stop();
  });

  it('several holds at once are each shown whole on a line of its own, and one space goes on past them all', async () => {
    const tui = startTui({ mode: 'auto', config: { breakpoints: ['role:CPO', 'match:/Reply 1 of/'] } });
    await tui.waitFor((f) => /\n⏸ Breakpoint match:\/Reply 1 of\/: .*\n⏸ Breakpoint role:CPO: .*\n/.test(f), 'both breakpoints');
    tui.press(' ');
    await tui.waitFor(() => [...tui.state.turns.values()].some((t) => t.role === 'cpo'), 'the CPO turn');
    await tui.stop();
  });
});
