import path from 'node:path';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import { diffSessions } from '../../src/session/sessionDiff.js';
import { readJournal } from '../../src/session/sessionStore.js';
import { CompareView } from '../../src/ui/CompareView.js';
import { ROOT } from '../support/cli.js';

const example = () => readJournal(path.join(ROOT, 'examples', 'software-company', 'events.jsonl')).events;

function withReplies(events: EngineEvent[], numbers: number[]): EngineEvent[] {
  const starts = events.filter((e) => e.type === 'turn.started');
  const ids = new Map(numbers.map((n) => [starts[n - 1]?.turnId, n]));
  return events.map((e) =>
    e.type === 'turn.ended' && ids.has(e.turnId) ? { ...e, text: `${e.text}\nChanged in b, reply ${ids.get(e.turnId)}.` } : e,
  );
}

const tick = () => new Promise((r) => setTimeout(r, 30));

describe('TUI: the compare view', () => {
  it('opens at the first difference, shows both replies side by side with the changed lines, and n / N jump between differences', async () => {
    const a = example();
    const diff = diffSessions(a, withReplies(a, [2, 9]));
    let closed = false;
    const view = render(<CompareView diff={diff} onClose={() => (closed = true)} />);
    await tick();
    let frame = view.lastFrame() ?? '';
    expect(frame).toMatch(/2 of \d+ replies differ; the first: .* · at difference 1/);
    expect(frame).toMatch(/≠ .*\(a #2 · b #2\)/);
    expect(frame).toMatch(/│ Changed in b, reply 2\./);
    view.stdin.write('n');
    await tick();
    frame = view.lastFrame() ?? '';
    expect(frame).toMatch(/at difference 2/);
    expect(frame).toMatch(/≠ .*\(a #9 · b #9\)/);
    view.stdin.write('n');
    await tick();
    expect(view.lastFrame()).toContain('no difference below');
    view.stdin.write('N');
    await tick();
    expect(view.lastFrame()).toMatch(/at difference 1/);
    view.stdin.write('q');
    await tick();
    expect(closed).toBe(true);
    view.unmount();
  });

  it('says when the runs are the same', async () => {
    const view = render(<CompareView diff={diffSessions(example(), example())} onClose={() => undefined} />);
    await tick();
    expect(view.lastFrame()).toMatch(/the runs are the same: \d+ replies/);
    view.unmount();
  });
});
