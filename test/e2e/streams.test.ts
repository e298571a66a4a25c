/**
 * The built CLI against servers that stream badly or refuse: what reaches the terminal (never a raw escape byte),
 * the exit code and the one line of a setup error, the marks of a cut reply, and credentials in a base URL.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, sessionDir, tempDir } from '../support/cli.js';
import { chunk, startRawServer, type RawAnswer, type RawRequest, type RawServer } from '../support/rawSse.js';
import { twoPersonWorkflow } from '../support/workflows.js';

const LEAD = 'Boss:\n\nWhat do we need?';
const END = 'Helper:\n\nThe plan: do it well.\n\nEND CONVERSATION';

let server: RawServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const whole = (text: string): RawAnswer => ({ steps: [chunk({ content: text }), chunk({}, 'stop'), 'data: [DONE]\n\n'] });
const byTurn =
  (lead: (r: RawRequest) => RawAnswer, helper: (r: RawRequest) => RawAnswer = () => whole(END)) =>
  (r: RawRequest) =>
    r.body.messages.some((m) => m.role === 'assistant') ? helper(r) : lead(r);

function project(extra: Record<string, unknown> = {}): string {
  const cwd = tempDir();
  const config = { sanityCheck: false, workflow: twoPersonWorkflow(), retry: { attempts: 1, baseDelayMs: 5, maxDelayMs: 10 }, ...extra };
  writeFileSync(path.join(cwd, '.roleplayrc.json'), JSON.stringify(config));
  return cwd;
}

const events = (cwd: string) =>
  readFileSync(path.join(sessionDir(cwd), 'events.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('what the terminal gets', () => {
  it('a line the SDK cannot parse, with escape bytes: no raw ESC on stdout or stderr, also when the run fails on it', async () => {
    const bad = 'data: {"x \x1b]0;pwned\x07\x1b]52;c;ZXZpbA==\x07\x1b[2J\x9b31m\n\n';
    server = await startRawServer(byTurn(() => ({ steps: [chunk({ content: 'Boss:' }), bad] })));
    const cwd = project();
    const result = await runCli(['--base-url', server.url, '--model', 'm'], { cwd });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/roleplay: the run failed: the server sent a line that is not JSON: "\{"x"\. Resume it with/);
    for (const out of [result.stdout, result.stderr]) {
      expect(out).not.toContain('\x1b');
      expect(out).not.toContain('\x9b');
      expect(out).not.toContain('\x07');
    }
  });
});

describe('setup errors: exit 2 and one line that says what to fix', () => {
  it('an unknown model, before any turn: no session is left', async () => {
    server = await startRawServer(() => ({
      status: 404,
      body: { error: { message: 'model "llama9" not found, try pulling it first', type: 'api_error' } },
    }));
    const cwd = project();
    const result = await runCli(['--base-url', server.url, '--model', 'llama9'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n').at(-1)).toMatch(
      /^roleplay: HTTP 404: http:\/\/127\.0\.0\.1:\d+\/v1 has no model "llama9" \(.*\): check --model, or the role's model in the config$/,
    );
    expect(server.requests).toHaveLength(1);
  });

  it('a context too long at the second turn: the session is kept, and the line says how to go on', async () => {
    server = await startRawServer(
      byTurn(
        () => whole(LEAD),
        () => ({
          status: 400,
          body: { error: { message: 'maximum context length is 4096 tokens. However, you requested 5000 tokens', code: 'context_length_exceeded' } },
        }),
      ),
    );
    const cwd = project();
    const result = await runCli(['--base-url', server.url, '--model', 'm'], { cwd });
    expect(result.code).toBe(2);
    const line = result.stderr.trim().split('\n').at(-1) ?? '';
    expect(line).toMatch(
      /^roleplay: HTTP 400: the request is longer than model "m" can read \(5,000 tokens, the model takes 4,096\), at turn 2 of "Planning" \(Helper\)/,
    );
    expect(line).toContain('--context scoped');
    expect(line).toMatch(/The session is saved: fix that, then resume it with: roleplay --resume /);
    expect(events(cwd).filter((e) => e.type === 'turn.ended')).toHaveLength(2);
  });
});

describe('cut replies and thinking in headless and the journal', () => {
  it('length, the size limit and thinking are marked in the transcript and recorded in the journal', async () => {
    server = await startRawServer(
      byTurn(
        () => ({
          steps: [chunk({ reasoning_content: 'Let me think.' }), chunk({ content: 'Boss:\n\nWhat do' }), chunk({}, 'length'), 'data: [DONE]\n\n'],
        }),
        () => ({ steps: [chunk({ content: `Helper:\n\n${'y'.repeat(400)}` }), chunk({}, 'stop'), 'data: [DONE]\n\n'] }),
      ),
    );
    const cwd = project({ maxTurns: 2 });
    const result = await runCli(['--base-url', server.url, '--model', 'm', '--max-reply-chars', '200'], { cwd });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("[cut off: the server's token limit]");
    expect(result.stdout).toContain('[the model thought 13 characters first: in the journal, not part of the reply]');
    expect(result.stdout).toContain('[cut off: the reply size limit (--max-reply-chars)]');
    const ended = events(cwd).filter((e) => e.type === 'turn.ended');
    expect(ended.map((e) => [e.finish, e.reasoning])).toEqual([
      ['length', 'Let me think.'],
      ['size-limit', undefined],
    ]);
    expect((ended[1]?.text as string).length).toBe(200);
    expect(
      events(cwd)
        .filter((e) => e.type === 'reasoning')
        .map((e) => e.text),
    ).toEqual(['Let me think.']);
    const md = await runCli(['export', 'latest'], { cwd });
    expect(md.stdout).toContain("(lead, cut off: the server's token limit)");
    expect(md.stdout).toContain('<details><summary>Thinking (not part of the reply)</summary>');
  });
});

describe('a reply that never ends', () => {
  it('is cut at --max-reply-chars and the run goes on, in a process whose heap is held to 64 MB', async () => {
    function* endless() {
      yield chunk({ content: 'Boss:\n\n' });
      for (;;) yield chunk({ content: 'z'.repeat(2000) });
    }
    server = await startRawServer(() => ({ steps: endless() }));
    const cwd = project({ maxTurns: 2 });
    const result = await runCli(['--base-url', server.url, '--model', 'm', '--max-reply-chars', '1000000'], {
      cwd,
      env: { NODE_OPTIONS: '--max-old-space-size=64' },
      timeoutMs: 60_000,
    });
    expect(result.code, result.stderr).toBe(0);
    const ended = events(cwd).filter((e) => e.type === 'turn.ended');
    expect(ended.map((e) => [e.finish, (e.text as string).length])).toEqual([
      ['size-limit', 1_000_000],
      ['size-limit', 1_000_000],
    ]);
    // Each reply's server stopped being read soon after the limit: its socket's buffers, not gigabytes.
    for (const bytes of server.written) expect(bytes).toBeLessThan(20_000_000);
  }, 90_000);
});

describe('credentials in a base URL', () => {
  it('are shown and written nowhere: not on stderr, not in the journal', async () => {
    // The helper's turn fails, so that the session is one to resume.
    server = await startRawServer(
      byTurn(
        () => whole(LEAD),
        () => ({ status: 503, body: { error: { message: 'busy' } } }),
      ),
    );
    const cwd = project();
    const url = `${server.url}?api-key=TOPSECRET42`;
    const result = await runCli(['--base-url', url, '--model', 'm'], { cwd });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('?api-key=***');
    const journal = readFileSync(path.join(sessionDir(cwd), 'events.jsonl'), 'utf8');
    for (const text of [result.stdout, result.stderr, journal]) expect(text).not.toContain('TOPSECRET42');
    expect(events(cwd)[0]?.endpoint).toMatch(/\?api-key=\*\*\*$/);
    // A resume needs them again, and says so.
    const resumed = await runCli(['--resume', 'latest'], { cwd });
    expect(resumed.code).toBe(2);
    expect(resumed.stderr).toMatch(/had credentials in its URL, which are never recorded: pass --base-url with them again\n$/);
  });

  it('user:password is refused at once (fetch cannot send it), in a line that does not show it', async () => {
    const cwd = project();
    const result = await runCli(['--base-url', 'http://alice:hunter2@127.0.0.1:9/v1', '--model', 'm'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'roleplay: --base-url: "http://***:***@127.0.0.1:9/v1" has a user name or password in it, which the HTTP client cannot send: drop it, and give the key in OPENAI_API_KEY\n',
    );
  });
});
