import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, sessionDir, tempDir } from '../support/cli.js';
import { presetModel, startFakeOpenAI, type FakeServer } from '../support/fakeOpenAI.js';

const KEY = 'sk-test-SECRET-safety-123456';
const EVIL = 'CEO:\n\n\x1b]0;owned\x07\x1b[2J\x1b]52;c;ZXZpbA==\x07Hello \x1b[31mred\x1b[0m \u202eevil\u202c\x9b1m\n\nEND CONVERSATION';

describe('terminal safety and setup faults, end to end', () => {
  let server: FakeServer;
  beforeAll(async () => {
    server = await startFakeOpenAI((request) => {
      const last = request.body.messages.at(-1)?.content ?? '';
      return last.startsWith('START CONVERSATION Design (Modalities)') ? { text: EVIL, chunkSize: 3 } : presetModel(request);
    });
  });
  afterAll(() => server.close());

  it('plain output carries no escape sequence from model text; the journal keeps it raw; --json escapes it', async () => {
    const cwd = tempDir();
    const plain = await runCli(['--headless', '--base-url', server.url, '--model', 'm'], { cwd, env: { OPENAI_API_KEY: KEY } });
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('Hello red evil');
    const unsafe = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]/.test(plain.stdout);
    expect(unsafe, 'raw control or BiDi character in plain output').toBe(false);
    const journal = readFileSync(path.join(sessionDir(cwd), 'events.jsonl'), 'utf8');
    expect(journal).toContain('\\u001b]0;owned');
    const json = await runCli(['--json', '--base-url', server.url, '--model', 'm'], { cwd: tempDir(), env: { OPENAI_API_KEY: KEY } });
    const unsafeJson = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]/.test(json.stdout);
    expect(unsafeJson, 'raw control or BiDi character in --json output').toBe(false);
    expect(json.stdout).toContain('\\u001b[2J');
    expect(json.stdout).toContain('\\u202eevil');
    const events = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events.find((e) => e.type === 'turn.ended')?.text).toBeDefined();
    expect(events.some((e) => e.type === 'turn.ended' && e.text === EVIL)).toBe(true);
    for (const out of [plain.stdout, plain.stderr, json.stdout, json.stderr, journal]) expect(out).not.toContain(KEY);
  });

  it('an unreachable --base-url exits 2 at once with one line that names it', async () => {
    const dead = await startFakeOpenAI(() => ({}));
    await dead.close();
    const started = Date.now();
    const result = await runCli(['--headless', '--base-url', dead.url, '--model', 'm'], { cwd: tempDir(), env: { OPENAI_API_KEY: KEY } });
    expect(result.code).toBe(2);
    expect(Date.now() - started).toBeLessThan(10_000);
    const lines = result.stderr.trim().split('\n');
    expect(lines.at(-1)).toMatch(/^roleplay: cannot reach http:\/\/127\.0\.0\.1:\d+\/v1 \(connection refused\): check --base-url or OPENAI_BASE_URL/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('exports, transcripts, artifacts and the last error line carry no escape sequence either', async () => {
    const cwd = tempDir();
    const run = await runCli(['--headless', '--base-url', server.url, '--model', 'm'], { cwd, env: { OPENAI_API_KEY: KEY } });
    expect(run.code).toBe(0);
    const dir = sessionDir(cwd);
    const unsafe = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]/;
    for (const file of ['transcript.md', 'artifacts/modalities.md']) {
      const text = readFileSync(path.join(dir, file), 'utf8');
      expect(unsafe.test(text), file).toBe(false);
      expect(text).toContain('Hello red evil');
    }
    const md = await runCli(['export', 'latest'], { cwd });
    expect(unsafe.test(md.stdout), 'export md').toBe(false);
    const json = await runCli(['export', 'latest', '--format', 'json'], { cwd });
    expect(unsafe.test(json.stdout), 'export json').toBe(false);
    expect(JSON.stringify(JSON.parse(json.stdout))).toContain('\\u001b]0;owned');

    const evilError = await startFakeOpenAI(() => ({ status: 400, errorBody: { error: { message: 'bad \x1b]0;PWNED\x07\x1b[2J model' } } }));
    try {
      const failed = await runCli(['--headless', '--base-url', evilError.url, '--model', 'm'], { cwd: tempDir(), env: { OPENAI_API_KEY: KEY } });
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain('HTTP 400: bad');
      expect(unsafe.test(failed.stderr), 'stderr').toBe(false);
    } finally {
      await evilError.close();
    }
  });
});
