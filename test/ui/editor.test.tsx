import { afterEach, describe, expect, it, vi } from 'vitest';
import { KEY, startTui } from './harness.js';

let tui: ReturnType<typeof startTui> | undefined;
afterEach(async () => {
  await tui?.stop();
  tui = undefined;
});

const LEFT = '\x1b[D';
const CTRL_LEFT = '\x1b[1;5D';

async function open(kind: 'c' | 'h' = 'c') {
  tui = startTui({ columns: 100 });
  await tui.waitFor((f) => f.includes('waiting for you'));
  tui.press(kind);
  await tui.waitFor((f) => f.includes(kind === 'c' ? 'Customer ›' : 'You ›'));
  return tui;
}

describe('TUI: the inline editor', () => {
  it('moves its cursor with the arrows and word jumps, and types where the cursor is', async () => {
    const tui = await open();
    const intervene = vi.spyOn(tui.engine, 'intervene');
    tui.press('keep it small');
    await tui.waitFor((f) => f.includes('Customer › keep it small'));
    tui.press(CTRL_LEFT, CTRL_LEFT, 'very ', LEFT.repeat(6), '!');
    await tui.waitFor((f) => f.includes('Customer › keep! very it small'));
    // End, then Ctrl+W takes the last word back.
    tui.press(KEY.end, '\x17', 'tiny');
    await tui.waitFor((f) => f.includes('Customer › keep! very it tiny'));
    tui.press(KEY.enter);
    await tui.waitFor((f) => !f.includes('Customer ›'));
    expect(intervene.mock.calls).toEqual([['keep! very it tiny']]);
  });

  it('wraps a long line inside its box and scrolls a long text, keeping the cursor in view', async () => {
    const tui = await open();
    const words = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');
    tui.press(`${KEY.pasteStart}${words}${KEY.pasteEnd}`);
    await tui.waitFor((f) => f.includes('word39'));
    // Wrapped at a space, inside the border: no row runs past it.
    const rows = tui
      .frame()
      .split('\n')
      .filter((line) => line.startsWith('│ '));
    expect(rows.length).toBeGreaterThan(2);
    for (const row of rows) expect(row.trimEnd().endsWith('│')).toBe(true);
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\n');
    tui.press(`${KEY.pasteStart}\n${lines}${KEY.pasteEnd}`);
    await tui.waitFor((f) => f.includes('line 30') && /row \d+\/\d+/.test(f));
    expect(tui.frame()).not.toContain('line 2\n');
    expect(tui.frame()).not.toContain('word0');
    // Up through the rows: the view follows the cursor to the top.
    tui.press(KEY.up.repeat(40));
    await tui.waitFor((f) => f.includes('Customer › word0') && !f.includes('line 30'));
    expect(tui.frame()).toMatch(/row 1\/\d+/);
  });

  it('esc asks before it drops a changed text; any other key goes on editing, y drops it', async () => {
    const tui = await open();
    tui.press('a draft worth keeping');
    await tui.waitFor((f) => f.includes('a draft worth keeping'));
    tui.press(KEY.escape);
    await tui.waitFor((f) => f.includes('Drop what you wrote? y drops it'));
    tui.press('n');
    await tui.waitFor((f) => !f.includes('Drop what you wrote?') && f.includes('Customer › a draft worth keeping'));
    tui.press('!');
    await tui.waitFor((f) => f.includes('Customer › a draft worth keeping!'));
    tui.press(KEY.escape);
    await tui.waitFor((f) => f.includes('Drop what you wrote?'));
    tui.press('y');
    await tui.waitFor((f) => !f.includes('Customer ›'));
    expect(tui.state.session.customers.size).toBe(0);
  });

  it('says what it edits: e on a reply shows "Editing CEO, turn 1", the seat "Your reply as CEO, turn 1"', async () => {
    tui = startTui({ columns: 120 });
    await tui.waitFor((f) => f.includes('waiting for you'));
    tui.press(' ');
    await tui.waitFor((f) => f.includes('Reply 1 of Design (Modalities).') && f.includes('waiting for you'));
    tui.press('e');
    await tui.waitFor((f) => f.includes('Editing CEO, turn 1 · enter saves'));
    // The cursor starts at the end: typing adds to the reply.
    tui.press(' More.');
    await tui.waitFor((f) => f.includes('Reply 1 of Design (Modalities). More.'));
    tui.press(KEY.escape);
    await tui.waitFor((f) => f.includes('Drop what you wrote?'));
    tui.press('y');
    await tui.waitFor((f) => !f.includes('Editing CEO'));
    tui.press('h');
    await tui.waitFor((f) => f.includes('Your reply as CPO, turn 2 of Design (Modalities) · enter sends'));
  });

  it("the help overlay lists the editor's keys", async () => {
    tui = startTui({ columns: 120 });
    await tui.waitFor((f) => f.includes('waiting for you'));
    tui.press('?');
    await tui.waitFor((f) => f.includes('Keys (? or esc closes'));
    tui.press(KEY.end);
    await tui.waitFor((f) => f.includes('In the input (c, e, h, /)') || f.includes('close (asks first when you changed the text)'));
  });
});
