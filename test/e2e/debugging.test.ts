import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigReloader } from '../../src/cli/configReloader.js';
import type { Engine } from '../../src/engine/engine.js';
import { runCli, sessionDir, tempDir } from '../support/cli.js';
import { presetModel, startFakeOpenAI, type FakeServer } from '../support/fakeOpenAI.js';

describe('breakpoints and budget from the command line', () => {
  let server: FakeServer;
  beforeAll(async () => {
    server = await startFakeOpenAI(presetModel);
  });
  afterAll(() => server.close());

  it('--break is reported headless and does not stop the run', async () => {
    const cwd = tempDir();
    const result = await runCli(['--demo-instant', '--break', 'role:Tester', '--break', 'phase:Coding'], { cwd });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('breakpoint phase:Coding: before phase "Coding"');
    expect(result.stdout).toContain('breakpoint role:Tester: Tester is about to speak');
  });

  it('a bad --break spec exits 2 with one line', async () => {
    const result = await runCli(['--demo', '--break', 'role:Janitor'], { cwd: tempDir() });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'roleplay: --break "role:Janitor": unknown role "Janitor" (known: CEO, CPO, CTO, Programmer, Designer, Reviewer, Tester)\n',
    );
  });

  it('--max-cost stops a headless run with the session resumable', async () => {
    const cwd = tempDir();
    writeFileSync(
      path.join(cwd, 'roleplay.config.json'),
      JSON.stringify({ preset: 'software-company', prices: { m: { input: 1000, output: 1000 } } }),
    );
    const env = { OPENAI_API_KEY: 'sk-test-key-123456' };
    const result = await runCli(['--base-url', server.url, '--model', 'm', '--max-cost', '2'], { cwd, env });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/budget reached: \$\d+\.\d{2,4} of \$2\.00/);
    expect(result.stdout).toMatch(/Run stopped by the budget: 1 turn, \d+ tokens\./);
    expect(result.stderr).toMatch(/\nroleplay: stopped: the budget of \$2\.00 was reached/);
    expect(result.stderr).toMatch(/Resume it with: roleplay --resume \d{8}-\d{6}-[0-9a-f]{6}\n$/);
    // Said as a budget stop everywhere: sessions and export, not as "quit".
    const listed = JSON.parse((await runCli(['sessions', '--json'], { cwd })).stdout.trim().split('\n')[0]!);
    expect(listed).toMatchObject({ status: 'budget' });
    const exported = JSON.parse((await runCli(['export', 'latest', '--format', 'json'], { cwd })).stdout);
    expect(exported.session).toMatchObject({ status: 'budget', reason: expect.stringMatching(/^the budget of \$2\.00 was reached/) });
    expect((await runCli(['export', 'latest'], { cwd })).stdout).toMatch(/- Status: budget \(the budget of \$2\.00 was reached/);
    const resumed = await runCli(['--resume', 'latest', '--max-cost', '1000000'], { cwd, env });
    expect(resumed.code).toBe(0);
    const events = readFileSync(path.join(sessionDir(cwd), 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const properly = events.filter((e) => e.type === 'conversation.ended' && e.reason === 'end-marker').map((e) => e.conversationId);
    expect(new Set(properly).size).toBe(8);
    expect(properly).toHaveLength(8);
  });

  it('--max-cost with no known price says it is not enforced', async () => {
    const result = await runCli(['--demo-instant', '--max-turns', '2', '--max-cost', '1'], { cwd: tempDir() });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('warning: No price is known for model "demo": --max-cost does not count its turns.');
  });
});

describe('live config reload', () => {
  function engineStub() {
    return { reloadConfig: vi.fn((_config: unknown) => ({ ok: true as const, changed: ['prompts.switch'] })), warn: vi.fn() };
  }

  it('hands a changed config to the engine, with the command line overrides applied', async () => {
    const cwd = tempDir();
    const file = path.join(cwd, 'roleplay.config.json');
    writeFileSync(file, JSON.stringify({ prompts: { switch: 'NEXT' } }));
    const engine = engineStub();
    const reloader = new ConfigReloader(engine as unknown as Engine, file, (config) => (config.maxTurns = 3));
    await reloader.reload();
    const config = engine.reloadConfig.mock.calls[0]?.[0] as { prompts: { switch: string }; maxTurns: number };
    expect(config.prompts.switch).toBe('NEXT');
    expect(config.maxTurns).toBe(3);
    expect(engine.warn).not.toHaveBeenCalled();
  });

  it('an invalid config shows its error and keeps the old one', async () => {
    const cwd = tempDir();
    const file = path.join(cwd, 'roleplay.config.json');
    writeFileSync(file, JSON.stringify({ maxTurns: 0 }));
    const engine = engineStub();
    await new ConfigReloader(engine as unknown as Engine, file, () => {}).reload();
    expect(engine.reloadConfig).not.toHaveBeenCalled();
    expect(engine.warn).toHaveBeenCalledWith('config-reload', expect.stringMatching(/maxTurns: .*; keeping the previous config$/));
  });

  it('notices the file changing on disk', async () => {
    const cwd = tempDir();
    const file = path.join(cwd, 'roleplay.config.json');
    writeFileSync(file, JSON.stringify({ prompts: { switch: 'ONE' } }));
    const engine = engineStub();
    const reloader = new ConfigReloader(engine as unknown as Engine, file, () => {});
    reloader.start();
    try {
      writeFileSync(file, JSON.stringify({ prompts: { switch: 'TWO' } }));
      await vi.waitFor(() => expect(engine.reloadConfig).toHaveBeenCalled(), { timeout: 5000 });
    } finally {
      reloader.stop();
    }
  });
});
