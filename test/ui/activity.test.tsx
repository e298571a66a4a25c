import { afterEach, describe, expect, it } from 'vitest';
import type { ModelRequest, Provider, StreamChunk } from '../../src/providers/types.js';
import { startGenerating, startTui } from './harness.js';

let tui: ReturnType<typeof startTui> | undefined;
afterEach(async () => {
  if (tui?.provider instanceof SlowStart) tui.provider.go();
  await tui?.stop();
  tui = undefined;
});

/** Sends nothing until `go()`, then one reply. */
class SlowStart implements Provider {
  readonly label = 'slow';
  private started: () => void = () => {};
  private readonly gate = new Promise<void>((resolve) => (this.started = resolve));
  go(): void {
    this.started();
  }
  async *stream(request: ModelRequest, signal: AbortSignal): AsyncGenerator<StreamChunk> {
    await Promise.race([this.gate, new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }))]);
    yield { type: 'delta', text: `${request.meta.speaker?.name}:\n\nAt last.` };
  }
}

const runClock = (frame: string) => Number(/run: .*? · (\d+\.\d)s ·/.exec(frame)?.[1]);

describe('TUI: activity while a model is slow', () => {
  it('a spinner counts the seconds until the first word, and the run clock ticks meanwhile', async () => {
    const provider = new SlowStart();
    tui = startTui({ provider });
    await tui.waitFor((f) => f.includes('waiting for you'));
    tui.press(' ');
    await tui.waitFor((f) => /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] 1s waiting for the first word/.test(f), 'the spinner after 1 s');
    const first = runClock(tui.frame());
    await tui.waitFor((f) => /2s waiting for the first word/.test(f), 'the spinner after 2 s');
    expect(runClock(tui.frame())).toBeGreaterThan(first);
    expect(runClock(tui.frame())).toBeGreaterThanOrEqual(2);
    provider.go();
    await tui.waitFor((f) => f.includes('At last.') && !f.includes('waiting for the first word'));
  });

  it('a reply that stops mid-way shows how long since its last word; text coming again hides it', async () => {
    const g = await startGenerating();
    tui = g;
    await g.waitFor((f) => /1s since the last word/.test(f), 'the stall mark');
    g.provider.release();
    await g.waitFor((f) => f.includes('waiting for you') && !f.includes('since the last word'));
  });
});
