import { afterEach, describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import stripAnsi from 'strip-ansi';
import { Engine } from '../../src/engine/engine.js';
import type { EngineCommands } from '../../src/engine/events.js';
import { App } from '../../src/ui/App.js';
import { EngineStore } from '../../src/ui/engineStore.js';
import { KEY, startTui, TestProvider, testConfig, waitFor, startGenerating } from './harness.js';

let tui: ReturnType<typeof startTui> | undefined;
afterEach(async () => {
  await tui?.stop();
  tui = undefined;
});

async function twoTurns(t: ReturnType<typeof startTui>) {
  await t.waitFor((f) => f.includes('waiting for you'));
  t.press(' ');
  await t.waitFor((f) => f.includes('Reply 1 of Design (Modalities).') && f.includes('waiting for you'));
  t.press(' ');
  await t.waitFor((f) => f.includes('Reply 2 of Design (Modalities).') && f.includes('waiting for you'));
}

describe('TUI: prompt debugging', () => {
  it('p shows the request messages of the last turn and what was added since the previous request; [ ] move; esc closes', async () => {
    tui = startTui({ columns: 140 });
    await twoTurns(tui);
    tui.press('p');
    await tui.waitFor((f) => f.includes('Prompt · turn 2 of Design (Modalities)'));
    const frame = tui.frame();
    expect(frame).toMatch(/\d+ messages · ~\d+ tokens/);
    expect(frame).toContain('Changed against the request of turn 1');
    expect(frame).toMatch(/\+ #\d+ assistant ~\d+ tok: .*Reply 1 of Design/);
    expect(frame).toMatch(/#1 system · ~\d+ tok/);
    const [first, second] = [tui.store.requests.get('t1'), tui.store.requests.get('t2')];
    expect(second!.length).toBeGreaterThan(first!.length);
    tui.press('[');
    await tui.waitFor((f) => f.includes('Prompt · turn 1 of Design (Modalities)') && f.includes('1/2'));
    expect(tui.frame()).toContain('the first request, nothing to compare with');
    tui.press('[');
    await tui.keysTaken();
    expect(tui.frame()).toContain('Prompt · turn 1 of');
    expect(tui.frame()).toContain('1/2');
    tui.press(']');
    await tui.waitFor((f) => f.includes('Prompt · turn 2 of') && f.includes('2/2'));
    tui.press(KEY.end);
    await tui.waitFor((f) => !f.includes('Prompt ·') || !f.includes('#1 system'));
    tui.press(KEY.escape);
    await tui.waitFor((f) => !f.includes('Prompt ·') && f.includes('Reply 2 of Design'));
  });

  it('p works on a finished conversation viewed with tab', async () => {
    tui = startTui({ columns: 140, mode: 'auto' });
    await tui.waitFor((f) => f.includes('The run is over'), 'the end of the run');
    tui.press(KEY.tab);
    await tui.waitFor((f) => f.includes('viewing an earlier conversation') || f.includes('Design (Modalities)'));
    tui.press('p');
    await tui.waitFor((f) => f.includes('Prompt · turn 3 of'));
    expect(tui.frame()).toContain('#1 system');
    tui.press('p');
    await tui.waitFor((f) => !f.includes('Prompt ·'));
  });

  it('e edits the last reply between turns; the transcript marks it and the next request carries the new text', async () => {
    const provider = new TestProvider();
    tui = startTui({ provider, columns: 140 });
    await tui.waitFor((f) => f.includes('waiting for you'));
    tui.press(' ');
    await tui.waitFor((f) => f.includes('Reply 1 of Design (Modalities).') && f.includes('waiting for you'));
    tui.press('e');
    await tui.waitFor((f) => f.includes('Edit reply ›') && f.includes('Editing CEO, turn 1 · enter saves'));
    // Ctrl+U four times clears the reply ("CEO:", two line breaks, its line).
    tui.press('\x15'.repeat(4), 'Use a smaller scope.', KEY.enter);
    await tui.waitFor((f) => f.includes('Use a smaller scope.') && f.includes('✎ edited') && !f.includes('enter saves'));
    expect(tui.frame()).not.toContain('Reply 1 of Design (Modalities).');
    tui.press(' ');
    await waitFor(() => provider.requests.length === 2);
    expect(provider.requests[1]?.messages.some((m) => m.role === 'assistant' && m.content === 'Use a smaller scope.')).toBe(true);
  });

  it('e while a reply is generated says so; esc cancels the edit', async () => {
    const { provider } = (tui = await startGenerating());
    tui.press('e');
    await tui.waitFor((f) => f.includes('edit it once it ends'));
    provider.release();
    provider.hold = false;
    await tui.waitFor((f) => f.includes('waiting for you'));
    tui.press('e');
    await tui.waitFor((f) => f.includes('enter saves'));
    tui.press(KEY.escape);
    await tui.waitFor((f) => !f.includes('enter saves'));
    expect(tui.frame()).not.toContain('✎ edited');
  });

  it('w in the inspector rewinds the current conversation to the turn shown; the timeline marks it', async () => {
    const provider = new TestProvider();
    tui = startTui({ provider, columns: 140 });
    await twoTurns(tui);
    tui.press('p', '[');
    await tui.waitFor((f) => f.includes('Prompt · turn 1 of') && f.includes('w rewinds to here'));
    const firstTurn = tui.state.conversations.get('design-modalities')!.items[0]!;
    tui.press('w');
    await tui.waitFor((f) => f.includes('↺1'), 'the rewind mark');
    expect(firstTurn.kind === 'turn' && tui.state.turns.get(firstTurn.turnId)?.discarded).toBe(true);
    expect(tui.state.conversations.get('design-modalities')?.rewinds).toBe(1);
    await waitFor(() => provider.requests.length === 3);
    expect(provider.requests[2]?.messages).toEqual(provider.requests[0]?.messages);
  });

  it('R calls the reloader; shows the changed parts; without a config file it says so', async () => {
    let reloads = 0;
    const reloader = {
      reload: () => {
        reloads++;
        const config = tui!.engine.currentConfig;
        tui!.engine.reloadConfig({ ...config, prompts: { ...config.prompts, switch: `${config.prompts.switch} Be brief.` } });
        return Promise.resolve();
      },
    };
    tui = startTui({ columns: 140, reloader });
    await tui.waitFor((f) => f.includes('waiting for you'));
    tui.press('R');
    await waitFor(() => reloads === 1);
    await tui.waitFor((f) => f.includes('↻ config reloaded: prompts.switch'));
    await tui.stop();

    tui = startTui();
    await tui.waitFor((f) => f.includes('waiting for you'));
    tui.press('R');
    await tui.waitFor((f) => f.includes('no config file to reload'));
  });
});

describe('TUI: a view without debug commands (a replay)', () => {
  it('c, e, w and R say what a replay cannot do', async () => {
    const engine = new Engine({
      config: testConfig(),
      provider: new TestProvider(),
      task: 'build a thing',
      sessionId: 'test',
      model: 'gpt-4o-mini',
      mode: 'step',
    });
    const store = new EngineStore(engine);
    const plain: EngineCommands = {
      step: () => engine.step(),
      setMode: (mode) => engine.setMode(mode),
      intervene: (text) => engine.intervene(text),
      skipConversation: () => engine.skipConversation(),
      skipPhase: () => engine.skipPhase(),
      abort: () => engine.abort(),
      regenerate: () => engine.regenerate(),
      quit: () => engine.quit(),
    };
    const app = render(<App store={store} engine={plain} workflow="replay" onExit={() => undefined} />);
    const finished = engine.run();
    const frame = () => stripAnsi(app.lastFrame() ?? '');
    try {
      await waitFor(() => frame().includes('waiting for you'));
      app.stdin.write(' ');
      await waitFor(() => frame().includes('Reply 1 of') && frame().includes('waiting for you'));
      app.stdin.write('e');
      await waitFor(
        () => frame().includes('a replay cannot be edited'),
        () => frame(),
      );
      app.stdin.write('R');
      await waitFor(
        () => frame().includes('a replay cannot reload its config'),
        () => frame(),
      );
      app.stdin.write('c');
      await waitFor(
        () => frame().includes('a replay cannot take customer messages'),
        () => frame(),
      );
      expect(frame()).not.toContain('Customer ›');
      app.stdin.write('p');
      await waitFor(
        () => frame().includes('Prompt · turn 1 of'),
        () => frame(),
      );
      app.stdin.write('w');
      await waitFor(
        () => frame().includes('a replay cannot be rewound'),
        () => frame(),
      );
    } finally {
      engine.quit();
      await finished;
      app.unmount();
      store.dispose();
    }
  });
});
