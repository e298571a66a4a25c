import stripAnsi from 'strip-ansi';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import { EngineStore } from '../../src/ui/engineStore.js';
import { renderMarkdown } from '../../src/ui/markdown.js';
import { startTui, TestProvider, waitFor } from './harness.js';

let tui: ReturnType<typeof startTui> | undefined;
afterEach(async () => {
  await tui?.stop();
  tui = undefined;
});

describe('TUI: rendering', () => {
  it('no control sequence from model text reaches the screen', async () => {
    const evil = 'CEO:\n\nhello \x1b]0;pwned\x07\x1b[2J\x1b]52;c;Zm9v\x07world \x9b31m red \u202eevil \x07bell';
    tui = startTui({ provider: new TestProvider(() => evil) });
    await tui.waitFor((f) => f.includes('waiting for you'));
    tui.press(' ');
    await tui.waitFor((f) => f.includes('bell') && f.includes('waiting for you'));
    const raw = tui.frame();
    expect(raw).toContain('hello world');
    expect(raw).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]/);
    expect(raw).not.toContain('pwned');
  });

  it('wraps long lines at the pane width and shows code fences, headings and bold', async () => {
    const reply = `CEO:\n\n# Big plan\n\nThis is **very important** text. ${'word '.repeat(60)}\n\n\`\`\`python\nprint("hi")\n\`\`\`\n`;
    tui = startTui({ provider: new TestProvider(() => reply) });
    await tui.waitFor((f) => f.includes('waiting for you'));
    tui.press(' ');
    await tui.waitFor((f) => f.includes('print("hi")') && f.includes('waiting for you'));
    const frame = tui.frame();
    expect(frame).toContain('Big plan');
    expect(frame).not.toContain('# Big plan');
    expect(frame).toContain('This is very important text.');
    expect(frame).toContain('│ print("hi")');
    expect(frame).toContain('┌ python');
    for (const line of frame.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
  });

  it('batches a burst of tokens into a handful of redraws', async () => {
    const listeners = new Set<(e: EngineEvent) => void>();
    const store = new EngineStore({ subscribe: (l) => (listeners.add(l), () => listeners.delete(l)) });
    let seq = 0;
    const emit = (body: Record<string, unknown>) => {
      for (const l of listeners) l({ ...body, seq: ++seq, t: 0 } as EngineEvent);
    };
    emit({
      type: 'turn.started',
      turnId: 't1',
      conversationId: null,
      kind: 'sanity',
      role: null,
      side: null,
      index: 0,
      attempt: 1,
      model: 'm',
      temperature: undefined,
      request: { base: null, keep: 0, add: [{ role: 'user', content: 'SANITY' }] },
      heard: [],
    });
    for (let i = 0; i < 5000; i++) emit({ type: 'token', turnId: 't1', text: 'x' });
    expect(store.flushes).toBe(0);
    await waitFor(() => store.flushes === 1);
    expect(store.state.turns.get('t1')?.text).toHaveLength(5000);
    store.dispose();
  });

  it('renders Markdown within the width', () => {
    const lines = renderMarkdown('## Title\n- a **bold** point that is long enough to wrap around\n```\ncode\n```', 20).map((l) => stripAnsi(l));
    expect(lines[0]).toBe('Title');
    expect(lines[1]).toBe('• a bold point that');
    expect(lines[2]?.startsWith('  ')).toBe(true);
    expect(lines).toContain('│ code');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(20);
  });
});
