import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../support/cli.js';
import { presetModel, startFakeOpenAI, type FakeServer } from '../support/fakeOpenAI.js';

const KEY = 'sk-test-diff-0123456789';

describe('roleplay diff', () => {
  let server: FakeServer;
  /** While set, the server answers the second reply of Design (Language) otherwise. */
  let variant = false;
  beforeAll(async () => {
    server = await startFakeOpenAI((request) => {
      const reply = presetModel(request);
      const last = request.body.messages.at(-1)?.content ?? '';
      const inLanguage = request.body.messages.some((m) => m.content === 'START CONVERSATION Design (Language)');
      return variant && inLanguage && last === 'SWITCH' && reply.text?.includes('I need the details')
        ? { ...reply, text: `${reply.text}\nAnd a second thought.` }
        : reply;
    });
  });
  afterAll(() => server.close());

  it('exits 0 for the same runs, 1 for runs that differ, naming the first divergent turn; --json says the same', async () => {
    const cwd = tempDir();
    const run = (args: string[]) => runCli(['--headless', '--base-url', server.url, ...args], { cwd, env: { OPENAI_API_KEY: KEY } });
    const ids = () => readdirSync(path.join(cwd, '.roleplay', 'sessions')).sort();
    expect((await run(['--model', 'm', 'a lunch planner'])).code).toBe(0);
    const [a = ''] = ids();
    variant = true;
    expect((await run(['--model', 'm', 'a lunch planner'])).code).toBe(0);
    variant = false;
    const b = ids().find((id) => id !== a) ?? '';
    expect((await run(['--fork', `${a}@4`])).code).toBe(0);
    const fork = ids().find((id) => id !== a && id !== b) ?? '';

    const same = await runCli(['diff', a, fork], { cwd });
    expect(same.code).toBe(0);
    expect(same.stdout).toMatch(/^the runs are the same: \d+ replies$/m);

    const differ = await runCli(['diff', a, b], { cwd });
    expect(differ.code).toBe(1);
    expect(differ.stdout).toMatch(/^first difference: Designing › Design \(Language\), reply 2 \(CTO\) \(a #\d+, b #\d+\)$/m);
    expect(differ.stdout).toMatch(/^≠ Designing › Design \(Language\), reply 2 \(CTO\)/m);
    expect(differ.stdout).toMatch(/^= \d+ replies the same: a #1-#\d+, b #1-#\d+$/m);
    expect(differ.stdout).toContain('      +And a second thought.');
    expect(differ.stdout).toMatch(/^ {4}tokens +\d+\+\d+ +\| \d+\+\d+$/m);
    expect(differ.stdout).toMatch(/^ {4}latency +[\d.]+ s \(first token [\d.]+ s\) +\| [\d.]+ s/m);

    const json = await runCli(['diff', a, b, '--json'], { cwd });
    expect(json.code).toBe(1);
    expect(json.stdout.trim().split('\n')).toHaveLength(1);
    const doc = JSON.parse(json.stdout) as {
      format: string;
      same: boolean;
      firstDifference: { index: number; where: string };
      turns: Array<{ same: boolean; modelChanged: boolean; reply: { lines: string[] } | null; a: { number: number } | null }>;
    };
    expect(doc).toMatchObject({ format: 'roleplay-diff', same: false, firstDifference: { where: 'Designing › Design (Language), reply 2 (CTO)' } });
    const first = doc.turns[doc.firstDifference.index];
    expect(first?.reply?.lines).toContain('+And a second thought.');
    expect(doc.turns.slice(0, doc.firstDifference.index).every((t) => t.same)).toBe(true);
    // The replies after it differ in their requests, which carry the changed reply.
    expect(doc.turns.slice(doc.firstDifference.index + 1).every((t) => !t.same && !t.modelChanged)).toBe(true);

    const bad = await runCli(['diff', a, 'nosuch'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('roleplay: no session "nosuch" in .roleplay/sessions (run "roleplay sessions" to list them)\n');
    const missing = await runCli(['diff', a], { cwd });
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
  });
});
