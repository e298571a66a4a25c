import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, sessionDir, tempDir } from '../support/cli.js';
import { PRESET_SPEAKERS, presetModel, startFakeOpenAI, type FakeServer } from '../support/fakeOpenAI.js';
import { turnStarts } from '../support/scripted.js';
import { twoPersonWorkflow } from '../support/workflows.js';

const KEY = 'sk-test-SECRET-0123456789';
const CONVERSATIONS = Object.keys(PRESET_SPEAKERS);

function readAll(dir: string): string {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(path.join(entry.parentPath, entry.name), 'utf8'))
    .join('\n');
}

describe('roleplay against a local OpenAI-compatible server', () => {
  let server: FakeServer;
  beforeAll(async () => {
    server = await startFakeOpenAI(presetModel);
  });
  afterAll(() => server.close());

  it('completes every conversation in order and writes transcript, artifacts and journal', async () => {
    const cwd = tempDir();
    const result = await runCli(['--headless', '--base-url', server.url, '--model', 'm', 'build', 'a', 'login'], {
      cwd,
      env: { OPENAI_API_KEY: KEY },
    });
    expect(result.stderr).toContain('Model m at http://127.0.0.1:');
    expect(result.code).toBe(0);

    // What the server received: a sanity check, then 3 turns per conversation, streamed with usage.
    const requests = server.requests;
    expect(requests).toHaveLength(1 + 3 * 8);
    for (const request of requests) {
      expect(request.body).toMatchObject({ model: 'm', stream: true, stream_options: { include_usage: true } });
      expect(request.body.messages[0]?.role).toBe('system');
      expect(request.headers.authorization).toBe(`Bearer ${KEY}`);
    }
    const starts = requests.map((r) => r.body.messages.at(-1)?.content).filter((c) => c?.startsWith('START'));
    expect(starts).toEqual(CONVERSATIONS.map((name) => `START CONVERSATION ${name}`));
    expect(requests[0]?.body.messages[1]?.content).toContain('(build a login)');
    // The thread grows: the last request carries every earlier reply.
    expect(requests.at(-1)?.body.messages.length).toBe(2 + 2 + 3 * 8 * 2 - 1);

    // Plain headless output: banners and role headers.
    expect(result.stdout).toContain('=== Phase 1/4: Designing ===');
    expect(result.stdout).toContain('--- Coding (Code): CTO (lead) with Programmer, Language -> Code ---');
    expect(result.stdout).toContain('[Programmer (assistant, turn 2)]');

    const dir = sessionDir(cwd);
    const artifacts = readdirSync(path.join(dir, 'artifacts')).sort();
    expect(artifacts).toEqual(
      ['code', 'designed-code', 'language', 'manual', 'modalities', 'reviewed-code', 'specification', 'tested-code'].map((a) => `${a}.md`),
    );
    expect(readFileSync(path.join(dir, 'artifacts', 'code.md'), 'utf8')).toBe('Artifact of Coding (Code).\n');
    const transcript = readFileSync(path.join(dir, 'transcript.md'), 'utf8');
    for (const name of CONVERSATIONS) expect(transcript).toContain(`### ${name}`);
    const events = readFileSync(path.join(dir, 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events[0]).toMatchObject({ type: 'run.started', format: 'roleplay-journal', version: 2, model: 'm', task: 'build a login' });
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'completed' });
    // Each request is journaled as what it adds to the one before; rebuilt, every one is exactly what was sent.
    const rebuilt = turnStarts(events);
    expect(rebuilt.map((e) => e.messages)).toEqual(requests.map((r) => r.body.messages));
    const journalSize = statSync(path.join(dir, 'events.jsonl')).size;
    const wholeRequests = rebuilt.reduce((n, e) => n + JSON.stringify(e.messages).length, 0);
    expect(journalSize).toBeLessThan(wholeRequests / 2);
    expect(events.filter((e) => e.type === 'usage').every((e) => e.usage.estimated === false)).toBe(true);

    // The key is in no file, and the files are the owner's only.
    expect(readAll(path.join(cwd, '.roleplay'))).not.toContain(KEY);
    expect(statSync(path.join(dir, 'events.jsonl')).mode & 0o077).toBe(0);
    expect(statSync(dir).mode & 0o077).toBe(0);
  });

  it('--json prints one event per line', async () => {
    const cwd = tempDir();
    const result = await runCli(['--json', '--base-url', server.url, '--max-turns', '2'], { cwd, env: { OPENAI_API_KEY: KEY } });
    expect(result.code).toBe(0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0].type).toBe('run.started');
    expect(lines.at(-1)).toMatchObject({ type: 'run.finished', status: 'completed' });
    expect(lines.filter((e) => e.type === 'conversation.ended').every((e) => e.reason === 'turn-limit')).toBe(true);
    expect(result.stdout).not.toContain(KEY);
  });
});

describe('roleplay with no key', () => {
  it('runs the offline demo through all 8 conversations and says so', async () => {
    const cwd = tempDir();
    const result = await runCli(['--demo-instant', 'a todo app'], { cwd });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('running the offline demo model');
    const events = readFileSync(path.join(sessionDir(cwd), 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const ended = events.filter((e) => e.type === 'conversation.ended');
    expect(ended).toHaveLength(8);
    expect(ended.every((e) => e.reason === 'end-marker' && e.turns >= 2 && e.turns <= 4)).toBe(true);
    expect(readdirSync(path.join(sessionDir(cwd), 'artifacts'))).toHaveLength(8);
  });

  it('a model without a key exits 2 and names --demo and --base-url', async () => {
    const result = await runCli(['--model', 'gpt-4o'], { cwd: tempDir() });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/OPENAI_API_KEY is not set.*--base-url.*--demo/);
  });
});

describe('bad input exits 2 with one clear line', () => {
  it('a config with a wrong reference names the file and the field path', async () => {
    const cwd = tempDir();
    writeFileSync(
      path.join(cwd, 'roleplay.config.ts'),
      `import { defineConfig, softwareCompany } from 'roleplay';
const workflow = structuredClone(softwareCompany.workflow);
workflow.conversations[2]!.lead = 'CTOO';
export default defineConfig({ workflow });
`,
    );
    const result = await runCli(['--demo'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('roleplay: roleplay.config.ts: workflow.conversations[2].lead: unknown role "CTOO" (did you mean "CTO"?)\n');
    const validate = await runCli(['validate'], { cwd });
    expect(validate.code).toBe(2);
  });

  it('validate prints no escape codes from the config', async () => {
    const cwd = tempDir();
    const wf = twoPersonWorkflow(
      { name: 'Plan\u001b]0;owned\u0007ning' },
      { name: '\u001b[2JOnly\nphase', conversations: ['Plan\u001b]0;owned\u0007ning'] },
    );
    wf.roles[0]!.name = 'Bo\u001b[31mss';
    writeFileSync(
      path.join(cwd, '.roleplayrc.json'),
      JSON.stringify({ workflow: { ...wf, conversations: [{ ...wf.conversations[0]!, lead: 'Bo\u001b[31mss' }] }, model: '\u001b[1mm' }),
    );
    const result = await runCli(['validate'], { cwd });
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(result.stdout).toContain('roles (2): Boss, Helper');
    expect(result.stdout).toContain('  Only phase\n    Planning: Boss (lead) with Helper, Idea -> Plan, max 10 turns');
  });

  it('init writes no second config next to one that exists; a .env that is a folder is one line', async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, '.roleplayrc'), 'maxTurns: 3\n');
    const init = await runCli(['init'], { cwd });
    expect(init.code).toBe(2);
    expect(init.stderr).toBe('roleplay: .roleplayrc already holds the config: edit it, or remove it before "roleplay init"\n');
    expect((await runCli(['init', '--force'], { cwd })).code).toBe(2);
    expect(existsSync(path.join(cwd, 'roleplay.config.ts'))).toBe(false);
    mkdirSync(path.join(cwd, '.env'));
    const run = await runCli(['--demo'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('roleplay: .env: is not a file: remove it, or make it a file of KEY=value lines\n');
  });

  it('a config that never finishes loading is stopped after 5 s, even one that keeps the process busy', async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, 'roleplay.config.ts'), 'await new Promise(() => setInterval(() => {}, 1000));\nexport default {};\n');
    const started = Date.now();
    const result = await runCli(['--demo'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'roleplay: roleplay.config.ts: the config did not finish loading within 5 s (a top-level await that never settles?)\n',
    );
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('empty paths, an --out that cannot be made, help on an unknown command', async () => {
    const cwd = tempDir();
    const lines = async (args: string[]) => {
      const result = await runCli(args, { cwd });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      return result.stderr;
    };
    expect(await lines(['--demo', '--config', ''])).toContain('--config takes a path, not an empty string');
    expect(await lines(['--demo', '-o', ''])).toContain('--out takes a path, not an empty string');
    expect(await lines(['sessions', '-o', ''])).toContain('--out takes a path, not an empty string');
    expect(await lines(['help', 'valdate'])).toBe(
      'roleplay: help: unknown command "valdate" (did you mean "validate"?) (commands: validate, init, sessions, export, replay, check, eval)\n',
    );
    expect(readdirSync(cwd)).toEqual([]);
    if (process.platform === 'linux') {
      expect(await lines(['--demo', '--demo-instant', '-o', '/proc/self'])).toMatch(
        /^roleplay: cannot write the session to \/proc\/self\/sessions\/\S+: ENOENT \(choose another folder with --out\)\n$/,
      );
    }
  });

  it('a run that fails at set-up leaves no session behind for "latest"', async () => {
    const cwd = tempDir();
    const result = await runCli(['--base-url', 'http://127.0.0.1:9/v1'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('cannot reach http://127.0.0.1:9/v1');
    expect(readdirSync(path.join(cwd, '.roleplay', 'sessions'))).toEqual([]);
    const latest = await runCli(['export', 'latest'], { cwd });
    expect(latest.code).toBe(2);
    expect(latest.stderr).toMatch(/no sessions/);
  });

  it('unknown flags and bad values', async () => {
    const cwd = tempDir();
    for (const args of [['--bogus'], ['--max-turns', 'x'], ['--context', 'global'], ['--base-url', 'not a url']]) {
      const result = await runCli(args, { cwd });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/^roleplay: .*\n$/);
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });

  it('validate prints what a config defines; init writes a starter that validates', async () => {
    const cwd = tempDir();
    const init = await runCli(['init'], { cwd });
    expect(init.code).toBe(0);
    const again = await runCli(['init'], { cwd });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--force');
    const validate = await runCli(['validate'], { cwd });
    expect(validate.code).toBe(0);
    expect(validate.stdout).toContain('roleplay.config.ts is valid.');
    expect(validate.stdout).toContain('Coding (Code): CTO (lead) with Programmer, Language -> Code, max 10 turns');
  });
});
