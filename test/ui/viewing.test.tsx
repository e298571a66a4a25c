import stringWidth from 'string-width';
import { afterEach, describe, expect, it } from 'vitest';
import { KEYMAP } from '../../src/ui/keymap.js';
import { KEY, startTui, TestProvider, waitFor } from './harness.js';

let tui: ReturnType<typeof startTui> | undefined;
afterEach(async () => {
  await tui?.stop();
  tui = undefined;
});

/** A reply of `n` numbered lines, so positions on screen are easy to check. */
/** The open help's frames, page after page (at most `pages` more), until one shows `last`: one frame a line block. */
async function helpPages(tui: ReturnType<typeof startTui>, last: string, pages: number): Promise<string> {
  let seen = tui.frame();
  for (let page = 0; page < pages && !seen.includes(last); page++) {
    const before = tui.frame();
    tui.press(KEY.pageDown);
    await tui.waitFor((f) => f !== before);
    seen += `\n${tui.frame()}`;
  }
  return seen;
}

const long = (n: number) => (request: { meta: { speaker?: { name: string } | undefined } }) =>
  `${request.meta.speaker?.name}:\n\n${Array.from({ length: n }, (_, i) => `line ${i + 1}`).join('\n')}`;

describe('TUI: scrolling', () => {
  it('follows the end; scrolling up holds the view, shows a marker, and End follows again', async () => {
    const provider = new TestProvider(long(60));
    tui = startTui({ provider });
    await tui.waitFor((f) => f.includes('waiting for you'));
    tui.press(' ');
    await tui.waitFor((f) => f.includes('line 60') && f.includes('waiting for you'));
    expect(tui.frame()).not.toContain('line 1\n');
    tui.press(KEY.pageUp);
    await tui.waitFor((f) => f.includes('new text below') && !f.includes('line 60'));
    const afterPage = Number(/line (\d+)/.exec(tui.frame())?.[1]);
    tui.press('k', KEY.up);
    const firstShown = String(afterPage - 2);
    await tui.waitFor((f) => /line (\d+)/.exec(f)?.[1] === firstShown);
    // New text arrives below; the view stays where it is.
    provider.hold = true;
    tui.press(' ');
    await waitFor(() => tui!.state.activeTurnId !== null);
    provider.release();
    await tui.waitFor((f) => f.includes('waiting for you') && /new text below: \d+ more lines/.test(f));
    expect(/line (\d+)/.exec(tui.frame())?.[1]).toBe(firstShown);
    tui.press('j', KEY.down);
    await tui.waitFor((f) => /line (\d+)/.exec(f)?.[1] === String(Number(firstShown) + 2));
    tui.press(KEY.home);
    await tui.waitFor((f) => f.includes('CEO (lead) · turn 1') && f.includes('line 1\n'));
    tui.press(KEY.pageDown);
    await tui.waitFor((f) => !f.includes('CEO (lead) · turn 1'));
    tui.press(KEY.end);
    // At the end again: the last lines of the last reply, no marker; its header is above them, off screen.
    await tui.waitFor((f) => !f.includes('new text below') && /line 60\n/.test(f) && !f.includes('CEO (lead) · turn 1'));
    expect(tui.state.turns.size).toBe(2);
  });

  it('scrolls three lines a notch of the mouse wheel, in a chunk too, and follows again at the end', async () => {
    tui = startTui({ provider: new TestProvider(long(60)) });
    await tui.waitFor((f) => f.includes('waiting for you'));
    tui.press(' ');
    await tui.waitFor((f) => f.includes('line 60') && f.includes('waiting for you'));
    const wheelUp = '\x1b[<64;40;10M';
    const wheelDown = '\x1b[<65;40;10M';
    const below = (f: string) => Number(/new text below: (\d+) more lines/.exec(f)?.[1] ?? 0);
    tui.press(wheelUp + wheelUp);
    // Six lines up; the marker then takes a row of the view.
    await tui.waitFor((f) => below(f) === 7);
    expect(tui.frame()).not.toContain('line 60');
    tui.press(wheelDown);
    await tui.waitFor((f) => below(f) === 4);
    // A click is no key: nothing moves, nothing is typed.
    tui.press('\x1b[<0;40;10M\x1b[<0;40;10m');
    tui.press(wheelDown);
    await tui.waitFor((f) => !f.includes('new text below') && f.includes('line 60'));
  });

  it('tab views a finished conversation, and back to the live one', async () => {
    tui = startTui();
    await tui.waitFor((f) => f.includes('waiting for you'));
    tui.press(' ');
    await tui.waitFor((f) => f.includes('Reply 1 of Design (Modalities).') && f.includes('waiting for you'));
    tui.press('s');
    // The skipped conversation stays on screen until the person moves on.
    await tui.waitFor((f) => f.includes('next: CEO (lead) -> CTO') && f.includes('Conversation skipped: Modalities written (incomplete)'));
    expect(tui.frame()).toContain('Reply 1 of Design (Modalities).');
    tui.press(KEY.tab);
    await tui.waitFor((f) => !f.includes('Reply 1 of Design (Modalities).') && f.includes('Design (Language) · CEO with CTO'));
    expect(tui.frame()).not.toContain('viewing an earlier conversation');
    tui.press(KEY.tab);
    await tui.waitFor((f) => f.includes('Reply 1 of Design (Modalities).') && f.includes('viewing an earlier conversation'));
    tui.press(KEY.tab);
    await tui.waitFor((f) => !f.includes('viewing an earlier conversation') && f.includes('Design (Language) · CEO with CTO'));
    tui.press(KEY.shiftTab);
    await tui.waitFor((f) => f.includes('viewing an earlier conversation'));
  });

  it('a finished conversation stays on screen with its artifact until the next turn starts', async () => {
    tui = startTui();
    await tui.waitFor((f) => f.includes('waiting for you'));
    tui.press(' ', ' ', ' ');
    await tui.waitFor((f) => f.includes('Conversation done: Modalities written · space goes on'));
    expect(tui.frame()).toContain('The Modalities of Design (Modalities).');
    expect(tui.frame()).toContain('next: CEO (lead) -> CTO');
    // The prompt inspector opens on the reply on screen, not on the empty conversation.
    tui.press('p');
    await tui.waitFor((f) => f.includes('turn 3') && f.includes('Design (Modalities)'));
    tui.press('p', ' ');
    await tui.waitFor((f) => f.includes('Reply 1 of Design (Language).'));
    expect(tui.frame()).not.toContain('Conversation done');
  });

  it('a person reading up the transcript keeps their place when the run moves on to the next conversation', async () => {
    const provider = new TestProvider((request) => {
      const m = request.meta;
      const index = m.conversation?.turnIndex ?? 0;
      const body = Array.from({ length: 40 }, (_, i) => `${m.conversation?.name} line ${i + 1}`).join('\n');
      return `${m.speaker?.name}:\n\n${body}${index >= 1 ? '\n\nEND CONVERSATION' : ''}`;
    });
    tui = startTui({ provider });
    await tui.waitFor((f) => f.includes('waiting for you'));
    tui.press(' ');
    await tui.waitFor((f) => f.includes('Design (Modalities) line 40') && f.includes('waiting for you'));
    tui.press(KEY.pageUp, 'a');
    // Auto mode runs on into the next conversation; the view stays where the person reads.
    await waitFor(() => (tui!.state.conversations.get(tui!.state.workflow!.phases[0]!.conversations[1]!.id)?.turns ?? 0) >= 1);
    // (The run may have ended by then, which drops the "earlier conversation" banner: the timeline's › says where.)
    await tui.waitFor((f) => /›. Design \(Modalities\)/.test(f) && f.includes('Design (Modalities) line') && !f.includes('Design (Language) line'));
    tui.press('a');
  });

  it('o shows the artifacts produced so far', async () => {
    tui = startTui({ mode: 'auto' });
    await waitFor(() => tui!.state.artifacts.size >= 2);
    tui.press('o');
    await tui.waitFor((f) => f.includes('Artifacts') && f.includes('The Modalities of Design (Modalities).'));
    tui.press(KEY.tab);
    await tui.waitFor((f) => f.includes('The Language of Design (Language).'));
    tui.press('o');
    await tui.waitFor((f) => !f.includes('(tab: next · o: back)'));
  });
});

describe('TUI: layout and help', () => {
  it('under 90 columns the timeline is a one-line strip, and the layout follows resizes', async () => {
    tui = startTui({ columns: 80 });
    await tui.waitFor((f) => f.includes('waiting for you') && f.includes('1/4 Designing › Design (Modalities) 0/10'));
    expect(tui.frame()).not.toContain('Timeline');
    expect(tui.frame()).toContain('●○│○○│○○│○○');
    for (const line of tui.frame().split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    tui.resize(120);
    await tui.waitFor((f) => f.includes('Timeline'));
    tui.resize(70);
    await tui.waitFor((f) => !f.includes('Timeline') && f.includes('●○│'));
  });

  it('? shows every key of the keymap; ? or esc closes it', async () => {
    tui = startTui();
    await tui.waitFor((f) => f.includes('waiting for you'));
    tui.press('?');
    await tui.waitFor((f) => f.includes('Keys (? or esc closes'));
    // The help scrolls once it is taller than the screen: its first page and its end show every line.
    const seen = await helpPages(tui, 'ended at the turn limit', 5);
    for (const binding of KEYMAP) {
      expect(seen).toContain(binding.label);
      expect(seen).toContain(binding.description);
    }
    tui.press('?');
    await tui.waitFor((f) => !f.includes('Keys (? or esc closes'));
    tui.press('?');
    await tui.waitFor((f) => f.includes('Keys (? or esc closes'));
    tui.press(KEY.escape);
    await tui.waitFor((f) => !f.includes('Keys (? or esc closes'));
  });

  it('? at 80 columns wraps what does not fit instead of cutting it: every line ends as written', async () => {
    tui = startTui({ columns: 80 });
    await tui.waitFor((f) => f.includes('waiting for you'));
    tui.press('?');
    await tui.waitFor((f) => f.includes('Keys (? or esc closes'));
    const seen = await helpPages(tui, 'rewound n times', 8);
    // The ends of the long lines, each past 80 columns: cut, they ended in '…' at the screen's edge.
    for (const end of ['q/esc close.', 'Shift selects text meanwhile).', 'for the whole reply.']) expect(seen).toContain(end);
    for (const row of seen.split('\n')) expect(stringWidth(row)).toBeLessThanOrEqual(80);
  });

  it('the footer hints come from the keymap', async () => {
    tui = startTui();
    await tui.waitFor((f) => f.includes('waiting for you'));
    for (const binding of KEYMAP.filter((b) => b.hint && ['help', 'quit', 'step'].includes(b.command))) {
      expect(tui.frame()).toContain(`${binding.label} ${binding.hint}`);
    }
  });
});

describe('TUI: a wide terminal', () => {
  it('shows where the run is in the header and widens the timeline', async () => {
    tui = startTui({ columns: 200 });
    await tui.waitFor((f) => f.includes('waiting for you'));
    expect(tui.frame()).toContain('phase 1/4 · conversation 1/8');
    expect(tui.frame()).toContain('Documenting (Specification)');
    tui.resize(100);
    await tui.waitFor((f) => !f.includes('phase 1/4 · conversation 1/8') && f.includes('Documenting (Specif…'));
  });
});
