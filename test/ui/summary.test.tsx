import { render } from 'ink-testing-library';
import stripAnsi from 'strip-ansi';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { App } from '../../src/ui/App.js';
import { EngineStore } from '../../src/ui/engineStore.js';
import { TestProvider, testConfig, waitFor } from './harness.js';

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

describe('TUI: the end of a run', () => {
  it('sums the run up: how it ended, artifacts and where, what the turn limit cut, and the commands to go on', async () => {
    // The second conversation never says END CONVERSATION: its turn limit ends it.
    const provider = new TestProvider((request) => {
      const m = request.meta;
      const index = m.conversation?.turnIndex ?? 0;
      if (m.conversation?.name === 'Design (Language)' || index < 2) return `${m.speaker?.name}:\n\nReply ${index + 1}.`;
      return `${m.speaker?.name}:\n\nThe ${m.output?.name}.\n\nEND CONVERSATION`;
    });
    const engine = new Engine({
      config: testConfig({ maxTurns: 3 }),
      provider,
      task: 'build a thing',
      sessionId: 'sess-1',
      model: 'gpt-4o-mini',
      mode: 'auto',
      onFailure: 'pause',
    });
    const store = new EngineStore(engine);
    const saved = { dir: '.roleplay/sessions/sess-1', commands: ['roleplay export sess-1', 'roleplay replay sess-1'] };
    const app = render(<App store={store} engine={engine} workflow="w" onExit={() => {}} saved={saved} />);
    const finished = engine.run();
    stop = async () => {
      engine.quit();
      await finished;
      app.unmount();
      store.dispose();
    };
    await finished;
    const frame = () => stripAnsi(app.lastFrame() ?? '');
    await waitFor(
      () => frame().includes('Run completed ·'),
      () => frame(),
    );
    expect(frame()).toMatch(/Run completed · 24 turns · \d+m?s generating · ~[\d.]+k? tokens/);
    expect(frame()).toContain('8 artifacts in .roleplay/sessions/sess-1/artifacts/ (o shows them):');
    expect(frame()).toContain('Modalities, Language (incomplete), Code');
    expect(frame()).toContain('Cut by the turn limit (1): Design (Language)');
    expect(frame()).toContain('Session: .roleplay/sessions/sess-1');
    expect(frame()).toContain('roleplay export sess-1');
    expect(frame()).toContain('roleplay replay sess-1');
  });
});
