import path from 'node:path';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import { diffSessions } from '../../src/session/sessionDiff.js';
import { readJournal } from '../../src/session/sessionStore.js';
import stripAnsi from 'strip-ansi';
import { CompareView } from '../../src/ui/CompareView.js';
import { layCompare } from '../../src/ui/compareLayout.js';
import { ROOT } from '../support/cli.js';

const example = () => readJournal(path.join(ROOT, 'examples', 'software-company', 'events.jsonl')).events;

function withReplies(events: EngineEvent[], numbers: number[]): EngineEvent[] {
  const starts = events.filter((e) => e.type === 'turn.started');
  const ids = new Map(numbers.map((n) => [starts[n - 1]?.turnId, n]));
  return events.map((e) =>
    e.type === 'turn.ended' && ids.has(e.turnId) ? { ...e, text: `${e.text}\nChanged in b, reply ${ids.get(e.turnId)}.` } : e,
  );
}

/** Waits until the frame passes `check`, or fails with it. */
async function until(view: { lastFrame: () => string | undefined }, check: (frame: string) => boolean): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const frame = view.lastFrame() ?? '';
    if (check(frame)) return frame;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out; last frame:\n${view.lastFrame()}`);
}

describe('TUI: the compare view', () => {
  it('opens at the first difference, shows both replies side by side with the changed lines, and n / N jump between differences', async () => {
    const a = example();
    const diff = diffSessions(a, withReplies(a, [2, 9]));
    let closed = false;
    const view = render(<CompareView diff={diff} onClose={() => (closed = true)} />);
    let frame = await until(view, (f) => f.includes('at difference 1'));
    expect(frame).toMatch(/2 of \d+ turns differ; the first: .* · at difference 1/);
    expect(frame).toMatch(/≠ .*\(a #2 · b #2\) reply differs/);
    expect(frame).toMatch(/│ Changed in b, reply 2\./);
    view.stdin.write('n');
    frame = await until(view, (f) => f.includes('at difference 2'));
    expect(frame).toMatch(/≠ .*\(a #9 · b #9\)/);
    view.stdin.write('n');
    await until(view, (f) => f.includes('no difference below'));
    view.stdin.write('N');
    await until(view, (f) => f.includes('at difference 1'));
    view.stdin.write('q');
    await until(view, () => closed);
    view.unmount();
  });

  it('says of a pair whose request changed and reply did not that its reply is the same, and shows the line as it was and is', () => {
    const a = example();
    const b = a.map((e) => {
      if (e.type !== 'turn.started' || !('request' in e)) return e;
      const add = e.request.add.map((m) => (m.content === 'SWITCH' ? { ...m, content: 'SWITCH. CPO, be brief.' } : m));
      return { ...e, request: { ...e.request, add } };
    });
    const rows = stripAnsi(layCompare(diffSessions(a, b), 160).rows.join('\n'));
    expect(rows).toMatch(/≠ .*\) request differs, reply the same/);
    expect(rows).toMatch(/request ~ #\d+ user: SWITCH → SWITCH\. CPO, be brief\./);
  });

  it('says when the runs are the same', async () => {
    const view = render(<CompareView diff={diffSessions(example(), example())} onClose={() => undefined} />);
    await until(view, (f) => /the runs are the same: \d+ replies/.test(f));
    view.unmount();
  });
});
