import { afterEach, describe, expect, it } from 'vitest';
import { KEY, startTui, waitFor, startGenerating } from './harness.js';

let tui: ReturnType<typeof startTui> | undefined;
afterEach(async () => {
  await tui?.stop();
  tui = undefined;
});

describe('TUI: quitting', () => {
  it('q quits at once when nothing is generated', async () => {
    tui = startTui();
    await tui.waitFor((f) => f.includes('waiting for you'));
    tui.press('q');
    expect(tui.exits).toEqual(['quit']);
  });

  it('q asks first while a reply is generated; another key stays, y quits', async () => {
    tui = await startGenerating();
    tui.press('q');
    await tui.waitFor((f) => f.includes('Quit anyway?'));
    expect(tui.exits).toEqual([]);
    tui.press('n');
    await tui.waitFor((f) => !f.includes('Quit anyway?'));
    expect(tui.exits).toEqual([]);
    expect(tui.state.activeTurnId).not.toBeNull();
    tui.press('q');
    await tui.waitFor((f) => f.includes('Quit anyway?'));
    tui.press('y');
    expect(tui.exits).toEqual(['quit']);
  });

  it('a reply that ends while q asks changes the question: it no longer says a reply is being generated', async () => {
    const generating = await startGenerating();
    tui = generating;
    tui.press('q');
    await tui.waitFor((f) => f.includes('Quit anyway?'));
    generating.provider.release();
    await tui.waitFor((f) => f.includes('The reply is done. Quit? y quits') && !f.includes('being generated'));
    expect(tui.state.activeTurnId).toBeNull();
    expect(tui.exits).toEqual([]);
    tui.press('y');
    expect(tui.exits).toEqual(['quit']);
  });

  it('Ctrl+C first stops the reply and shows a hint; a second one within 2 s quits', async () => {
    tui = await startGenerating();
    tui.press(KEY.ctrlC);
    await tui.waitFor((f) => f.includes('Press Ctrl+C again within 2 s to quit') && f.includes('⏹ interrupted'));
    expect(tui.exits).toEqual([]);
    tui.press(KEY.ctrlC);
    expect(tui.exits).toEqual(['interrupt']);
  });

  it('the Ctrl+C hint goes away after 2 s, and then one Ctrl+C does not quit', async () => {
    tui = startTui();
    await tui.waitFor((f) => f.includes('waiting for you'));
    tui.press(KEY.ctrlC);
    await tui.waitFor((f) => f.includes('Press Ctrl+C again'));
    await waitFor(
      () => !tui!.frame().includes('Press Ctrl+C again'),
      () => 'the hint to go',
      3500,
    );
    tui.press(KEY.ctrlC);
    await tui.waitFor((f) => f.includes('Press Ctrl+C again'));
    expect(tui.exits).toEqual([]);
  });
});
