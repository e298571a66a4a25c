import { afterEach, describe, expect, it } from 'vitest';
import { KEY, startTui, TestProvider, waitFor } from './harness.js';

let tui: ReturnType<typeof startTui> | undefined;
afterEach(async () => {
  await tui?.stop();
  tui = undefined;
});

describe('TUI: stepping and auto mode', () => {
  it('shows the layout and waits for a key in step mode', async () => {
    tui = startTui();
    await tui.waitFor((f) => f.includes('waiting for you'));
    const frame = tui.frame();
    expect(frame).toContain('STEP');
    expect(frame).toContain('gpt-4o-mini');
    expect(frame).toContain('test workflow');
    expect(frame).toContain('build a thing');
    expect(frame).toContain('Timeline');
    expect(frame).toContain('Design (Modalities)');
    expect(frame).toContain('next: CEO (lead) -> CPO');
    expect((tui.provider as TestProvider).requests).toHaveLength(0);
  });

  it('space sends one turn, enter the next, each streamed into the transcript', async () => {
    tui = startTui();
    await tui.waitFor((f) => f.includes('waiting for you'));
    tui.press(' ');
    await tui.waitFor((f) => f.includes('Reply 1 of Design (Modalities).') && f.includes('waiting for you'));
    expect(tui.frame()).toContain('CEO (lead) · turn 1');
    expect(tui.frame()).toContain('next: CPO (assistant) -> CEO');
    expect(tui.frame()).toMatch(/Design \(Modalities\)\s+1\/10/);
    tui.press(KEY.enter);
    await tui.waitFor((f) => f.includes('Reply 2 of Design (Modalities).') && f.includes('waiting for you'));
    expect(tui.frame()).toContain('CPO (assistant) · turn 2');
    // Nothing ran on its own in between.
    expect(tui.state.totals.turns).toBe(2);
  });

  it('a switches to auto, and turns follow without keys; a again goes back to step', async () => {
    const provider = new TestProvider();
    provider.hold = true;
    tui = startTui({ provider });
    await tui.waitFor((f) => f.includes('waiting for you'));
    tui.press('a');
    await tui.waitFor((f) => f.includes('AUTO') && f.includes('generating'));
    provider.release();
    await waitFor(
      () => provider.requests.length === 2,
      () => 'the second turn to start by itself',
    );
    tui.press('a');
    await tui.waitFor((f) => f.includes('STEP'));
    const before = tui.events.length;
    provider.release();
    // The engine says it waits for a key: it starts nothing more by itself.
    await tui.waitForEvent('waiting', before);
    await tui.waitFor((f) => f.includes('waiting for you') && f.includes('Reply 2 of Design (Modalities).'));
    expect(provider.requests).toHaveLength(2);
    expect(tui.events.slice(before).filter((e) => e.type === 'turn.started')).toEqual([]);
  });

  it('keys that arrive together in one chunk are each taken', async () => {
    tui = startTui();
    await tui.waitFor((f) => f.includes('waiting for you'));
    tui.press('$?');
    await tui.waitFor((f) => f.includes('Keys (? or esc closes'), 'the help after $ then ?');
    tui.press(KEY.escape);
    await tui.waitFor((f) => !f.includes('Keys (? or esc closes'));
    tui.press('a');
    await tui.waitFor((f) => f.includes('AUTO'));
  });

  it('starts in auto with mode auto (--auto) and stays on screen, done, when the run ends', async () => {
    tui = startTui({ mode: 'auto' });
    await tui.waitFor((f) => f.includes('done'), 'the run to finish');
    const frame = tui.frame();
    expect(frame).toContain('AUTO');
    expect(frame).toMatch(/✓ Documenting \(Manual\)\s+3\/10/);
    expect(frame).toContain('q quits');
    expect(tui.exits).toEqual([]);
    tui.press('q');
    expect(tui.exits).toEqual(['quit']);
  });
});
