import path from 'node:path';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { readJournal } from '../../src/session/sessionStore.js';
import { Timeline } from '../../src/ui/Timeline.js';
import { applyEvent, createRunState } from '../../src/views/runState.js';
import { ROOT } from '../support/cli.js';

describe('TUI: the timeline', () => {
  it('taller than its pane, is cut at the bottom: its title and the sanity check keep their rows, nothing is drawn over them', () => {
    const state = createRunState();
    for (const event of readJournal(path.join(ROOT, 'examples', 'software-company', 'events.jsonl')).events) applyEvent(state, event);
    const view = render(<Timeline state={state} viewed={null} width={30} height={6} />);
    const rows = (view.lastFrame() ?? '').split('\n');
    expect(rows).toHaveLength(6);
    expect(rows[0]?.trimEnd()).toBe('Timeline');
    expect(rows[1]).toMatch(/^[ ›]✓ Sanity check SUCCESS\s*$/);
    expect(rows[2]).toMatch(/^1\. Designing\s*$/);
    view.unmount();
  });
});
