import chalk from 'chalk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTui, TestProvider } from './harness.js';

const level = chalk.level;
beforeAll(() => void (chalk.level = 1));
afterAll(() => void (chalk.level = level));

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

  it('a match: breakpoint scrolls to the line that matched in a long reply, marks what matched, and n finds it again', async () => {
    // The match is near the top of a 60-line reply: off screen when the view follows the end.
    const reply = () => ['CEO:', '', 'line 1', 'line 2', 'the NEEDLE is here', ...Array.from({ length: 57 }, (_, i) => `line ${i + 4}`)].join('\n');
    const tui = startTui({ mode: 'auto', provider: new TestProvider(reply), config: { breakpoints: ['match:/needle/i'] } });
    await tui.waitFor((f) => f.includes('Breakpoint match:/needle/i'), 'the match breakpoint');
    await tui.waitFor((f) => f.includes('the NEEDLE is here'), 'the matching line on screen');
    expect(tui.frame()).not.toContain('line 60');
    // What matched is black on yellow (30;43), the rest of its line in reverse video (7).
    const row =
      tui
        .styledFrame()
        .split('\n')
        .find((r) => r.includes('NEEDLE')) ?? '';
    expect(row).toMatch(/\x1b\[7m\s*the \x1b\[27m/);
    expect(row).toMatch(/\x1b\[(30|43|1)(;\d+)*m(\x1b\[\d+m)*NEEDLE/);
    // n goes on from the breakpoint's match, as after a /: the next reply's match, round the run.
    tui.press('n');
    await tui.waitFor((f) => !f.includes('No match') && f.includes('NEEDLE'), 'n from the match');
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
