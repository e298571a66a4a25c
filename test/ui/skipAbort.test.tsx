import { afterEach, describe, expect, it } from 'vitest';
import { KEY, startTui, TestProvider, waitFor } from './harness.js';

let tui: ReturnType<typeof startTui> | undefined;
afterEach(async () => {
  await tui?.stop();
  tui = undefined;
});

describe('TUI: skipping', () => {
  it('s skips the rest of the conversation; the timeline marks it skipped with its turn count', async () => {
    tui = startTui();
    await tui.waitFor((f) => f.includes('waiting for you'));
    tui.press(' ');
    await tui.waitFor((f) => f.includes('Reply 1 of Design (Modalities).') && f.includes('waiting for you'));
    tui.press('s');
    await tui.waitFor((f) => f.includes('next: CEO (lead) -> CTO'));
    expect(tui.frame()).toMatch(/↷ Design \(Modalities\)\s+1\/10/);
    expect(tui.frame()).toMatch(/● Design \(Language\)\s+0\/10/);
  });

  it('S skips the rest of the phase', async () => {
    tui = startTui();
    await tui.waitFor((f) => f.includes('waiting for you'));
    // It asks first, and any other key keeps the phase.
    tui.press('S');
    await tui.waitFor((f) => f.includes('Skip the rest of phase Designing (2 conversations)? y skips'));
    tui.press('n');
    await tui.waitFor((f) => !f.includes('Skip the rest of phase'));
    await tui.keysTaken();
    expect(tui.state.conversations.get('design-modalities')?.status).toBe('active');
    tui.press('Sy');
    await tui.waitFor((f) => f.includes('● Coding (Code)'));
    expect(tui.frame()).toMatch(/↷ Design \(Modalities\)/);
    expect(tui.frame()).toMatch(/↷ Design \(Language\)/);
    expect(tui.state.conversations.get('design-language')?.status).toBe('skipped');
  });
});

describe('TUI: stopping and regenerating', () => {
  it('x stops the reply: its partial text stays, marked interrupted, and the run pauses', async () => {
    const provider = new TestProvider();
    provider.hold = true;
    tui = startTui({ provider });
    await tui.waitFor((f) => f.includes('waiting for you'));
    tui.press(' ');
    await tui.waitFor((f) => f.includes('generating') && f.includes('CEO:▍'));
    tui.press('x');
    await tui.waitFor((f) => f.includes('⏹ interrupted') && f.includes('paused'));
    expect(tui.frame()).toContain('Stopped by you');
    expect(tui.frame()).not.toContain('▍');
    // Space continues with the next turn.
    provider.hold = false;
    tui.press(' ');
    await tui.waitFor((f) => f.includes('Reply 2 of Design (Modalities).'));
  });

  it('esc stops the reply too', async () => {
    const provider = new TestProvider();
    provider.hold = true;
    tui = startTui({ provider });
    await tui.waitFor((f) => f.includes('waiting for you'));
    tui.press(' ');
    await tui.waitFor((f) => f.includes('CEO:▍'));
    tui.press(KEY.escape);
    await tui.waitFor((f) => f.includes('⏹ interrupted'));
  });

  it('r drops the last reply and generates it again', async () => {
    let call = 0;
    const provider = new TestProvider((request) => `${request.meta.speaker?.name}:\n\nVersion ${++call}.`);
    tui = startTui({ provider });
    await tui.waitFor((f) => f.includes('waiting for you'));
    tui.press(' ');
    await tui.waitFor((f) => f.includes('Version 1.') && f.includes('waiting for you'));
    tui.press('r');
    await tui.waitFor((f) => f.includes('Version 2.') && f.includes('waiting for you'));
    expect(tui.frame()).not.toContain('Version 1.');
    expect(tui.frame()).toContain('CEO (lead) · turn 1');
    expect(tui.frame()).not.toContain('turn 2');
    await waitFor(() => provider.requests.length === 2);
    expect(provider.requests[1]?.meta.conversation?.turnIndex).toBe(0);
    // Marked as such, like an edited reply; a second r counts.
    expect(tui.frame()).toContain('↻ regenerated');
    tui.press('r');
    await tui.waitFor((f) => f.includes('Version 3.') && f.includes('↻ regenerated 2 times'));
    // The next reply is a new one, not a regeneration.
    tui.press(' ');
    await tui.waitFor((f) => f.includes('Version 4.') && f.includes('waiting for you'));
    expect(tui.frame().match(/↻ regenerated/g)).toHaveLength(1);
  });

  it('a failed turn pauses with the error; r retries it', async () => {
    let fail = true;
    const provider = new TestProvider((request) => {
      if (fail) {
        fail = false;
        throw new Error('model exploded');
      }
      return `${request.meta.speaker?.name}:\n\nRecovered.`;
    });
    tui = startTui({ provider, config: { retry: { attempts: 0 } } });
    await tui.waitFor((f) => f.includes('waiting for you'));
    tui.press(' ');
    await tui.waitFor((f) => f.includes('paused') && f.includes('model exploded'));
    expect(tui.frame()).toContain('✗ failed');
    tui.press('r');
    await tui.waitFor((f) => f.includes('Recovered.'));
  });
});

describe('TUI: the turn limit', () => {
  it('marks a conversation that ended at its turn limit', async () => {
    const t = startTui({ mode: 'auto', config: { maxTurns: 1 } });
    try {
      await t.waitFor((f) => f.includes('done'));
      expect(t.frame()).toMatch(/⚑ Design \(Modalities\)\s+1\/1/);
      expect(t.state.conversations.get('design-modalities')?.status).toBe('turn-limit');
    } finally {
      await t.stop();
    }
  });
});

describe('TUI: the footer offers the keys that work now', () => {
  const hints = (frame: string) => frame.split('\n').at(-2) ?? '';

  it('while a reply streams, between turns, and after the end', async () => {
    const provider = new TestProvider();
    provider.hold = true;
    tui = startTui({ provider });
    await tui.waitFor((f) => f.includes('waiting for you'));
    expect(hints(tui.frame())).toContain('space/enter next');
    expect(hints(tui.frame())).not.toContain('x/esc stop');
    tui.press(' ');
    await tui.waitFor((f) => f.includes('generating'));
    expect(hints(tui.frame())).toContain('x/esc stop');
    expect(hints(tui.frame())).not.toContain('space/enter next');
    provider.hold = false;
    provider.release();
    tui.press('a');
    await tui.waitFor((f) => f.includes('done'), 'the end of the run');
    await tui.waitFor((f) => !hints(f).includes('c customer'));
    for (const gone of ['next', 'customer', 'skip', 'stop', 'redo', 'edit']) expect(hints(tui.frame())).not.toMatch(new RegExp(`\\b${gone}\\b`));
    expect(hints(tui.frame())).toContain('tab view');
    expect(hints(tui.frame())).toContain('q quit');
  });

  it('at 80 columns, while a reply streams, stop is among them, with help and quit', async () => {
    const provider = new TestProvider();
    provider.hold = true;
    tui = startTui({ provider, columns: 80 });
    await tui.waitFor((f) => f.includes('waiting for you'));
    tui.press(' ');
    await tui.waitFor((f) => f.includes('generating'));
    const line = hints(tui.frame());
    for (const hint of ['x/esc stop', '? help', 'q quit']) expect(line).toContain(hint);
    expect(line.length).toBeLessThanOrEqual(80);
    provider.release();
  });
});
