import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../support/cli.js';
import { startFakeOpenAI, type FakeHandler, type FakeServer } from '../support/fakeOpenAI.js';
import { startFakeResponses, type FakeResponsesServer } from '../support/fakeResponses.js';

const servers: Array<FakeServer | FakeResponsesServer> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function chat(handler: FakeHandler) {
  const server = await startFakeOpenAI(handler);
  servers.push(server);
  return server;
}

/** The doctor's report as check name -> status, plus its last line. */
function report(stdout: string) {
  const lines = stdout.trim().split('\n');
  const checks = Object.fromEntries(
    lines
      .filter((line) => /^ {2}(ok|warn|FAIL|skip) /.test(line))
      .map((line) => {
        const [status, name, ...detail] = line.trim().split(/\s{2,}/);
        return [name, { status, detail: detail.join('  ') }];
      }),
  ) as Record<string, { status: string; detail: string }>;
  return { checks, verdict: lines.at(-1) ?? '', lines };
}

const doctor = (args: string[], env: Record<string, string> = {}) => runCli(['doctor', ...args], { cwd: tempDir(), env });

describe('roleplay doctor', () => {
  it('shows a streamed sample with newlines on one line of its table', async () => {
    const server = await chat(() => ({ text: 'OK.\n\nHere is a longer answer\nover lines that goes on and on' }));
    const result = await doctor(['--base-url', server.url, '--model', 'llama3.1']);
    const { checks, lines } = report(result.stdout);
    expect(checks['streaming works']!.detail).toBe('streamed "OK. Here is a longer answer over lines …"');
    // Every line of the table is a check: none is the rest of the sample.
    expect(lines.filter((line) => line.includes('over lines'))).toHaveLength(1);
  });

  it('passes a server that streams as a run needs, and says which APIs it speaks', async () => {
    const server = await chat(() => ({ text: 'OK' }));
    const result = await doctor(['--base-url', server.url, '--model', 'llama3.1']);
    const { checks, verdict, lines } = report(result.stdout);
    expect(lines[0]).toBe(`roleplay doctor: ${server.url}, model llama3.1, Chat Completions API`);
    expect(Object.keys(checks)).toEqual(['reachable', 'key accepted', 'model exists', 'streaming works', 'usage is sent', 'stream_options', 'API']);
    expect(Object.values(checks).map((c) => c.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
    expect(checks['streaming works']!.detail).toBe('streamed "OK"');
    expect(checks.API!.detail).toBe('speaks Chat Completions');
    expect(verdict).toBe('A run would work.');
    expect(result.code).toBe(0);
    expect(server.requests[0]!.body.stream_options).toEqual({ include_usage: true });
  });

  it('fails an endpoint nothing listens on, and checks nothing after it', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const result = await doctor(['--base-url', `http://127.0.0.1:${port}/v1`]);
    const { checks, verdict } = report(result.stdout);
    expect(checks.reachable).toEqual({
      status: 'FAIL',
      detail: expect.stringMatching(/connection refused\): check --base-url or OPENAI_BASE_URL, and that the server is running$/),
    });
    expect(checks['streaming works']!.status).toBe('skip');
    expect(verdict).toBe('A run would not work: fix the FAIL line above.');
    expect(result.code).toBe(1);
    // A port fetch will not use at all is named as such, not as a malformed URL.
    const badPort = report((await doctor(['--base-url', 'http://127.0.0.1:9/v1'])).stdout).checks.reachable;
    expect(badPort?.detail).toMatch(/a port fetch refuses to use, one of the Fetch standard's bad ports: serve on another port\)/);
  });

  it('fails a refused key without printing it', async () => {
    const server = await chat(() => ({
      status: 401,
      errorBody: { error: { message: 'Incorrect API key provided: sk-wrong-123456', type: 'invalid_request_error', code: 'invalid_api_key' } },
    }));
    const result = await doctor(['--base-url', server.url], { OPENAI_API_KEY: 'sk-wrong-123456' });
    const { checks } = report(result.stdout);
    expect(checks['key accepted']).toEqual({ status: 'FAIL', detail: 'HTTP 401: the server refused the key: check OPENAI_API_KEY' });
    expect(result.stdout).not.toContain('sk-wrong-123456');
    expect(result.code).toBe(1);
  });

  it('fails a model the server does not have: from its model list, or from the 404 of the request', async () => {
    const listed = await startFakeResponses(() => ({ text: 'OK' }), { models: ['gpt-4.1', 'gpt-4.1-mini'] });
    servers.push(listed);
    const fromList = report((await doctor(['--base-url', listed.url, '--api', 'responses', '--model', 'gpt-5'])).stdout);
    expect(fromList.checks['model exists']).toEqual({
      status: 'FAIL',
      detail: `"gpt-5" is not among the server's 2 models (gpt-4.1, gpt-4.1-mini): pass --model with one of them`,
    });
    const server = await chat((r) => ({
      status: 404,
      errorBody: {
        error: {
          message: `The model \`${r.body.model}\` does not exist or you do not have access to it.`,
          type: 'invalid_request_error',
          code: 'model_not_found',
        },
      },
    }));
    const result = await doctor(['--base-url', server.url, '--model', 'gpt-9']);
    const { checks } = report(result.stdout);
    expect(checks['model exists']).toEqual({ status: 'FAIL', detail: 'the server does not know "gpt-9": pass --model with one it serves' });
    expect(checks.API).toEqual({ status: 'ok', detail: 'speaks Chat Completions' });
    expect(result.code).toBe(1);
  });

  it('fails a stream that holds no text, or breaks off', async () => {
    const empty = await chat(() => ({ text: '' }));
    expect(report((await doctor(['--base-url', empty.url])).stdout).checks['streaming works']).toEqual({
      status: 'FAIL',
      detail: 'the stream held no text: check that the model is a chat model',
    });
    const dropped = await chat(() => ({ text: 'OK OK OK', chunkSize: 2, dropAfterChunks: 1 }));
    const result = await doctor(['--base-url', dropped.url]);
    expect(report(result.stdout).checks['streaming works']!.status).toBe('FAIL');
    expect(result.code).toBe(1);
  });

  it('warns, and passes, when the stream sends no usage or the server refuses stream_options', async () => {
    const noUsage = await chat(() => ({ text: 'OK', usage: null }));
    const first = await doctor(['--base-url', noUsage.url]);
    expect(report(first.stdout).checks['usage is sent']).toEqual({
      status: 'warn',
      detail: 'the stream carries no usage: a run estimates tokens and cost from the text (marked ~)',
    });
    expect(first.code).toBe(0);
    const strict = await chat((r) =>
      r.body.stream_options
        ? { status: 400, errorBody: { error: { message: 'Unrecognized request argument supplied: stream_options', type: 'invalid_request_error' } } }
        : { text: 'OK' },
    );
    const second = await doctor(['--base-url', strict.url]);
    const { checks } = report(second.stdout);
    expect(checks.stream_options!.status).toBe('warn');
    expect(checks['streaming works']!.status).toBe('ok');
    expect(second.code).toBe(0);
  });

  it('names the API a Responses-only server speaks, and passes it with --api responses', async () => {
    const server = await startFakeResponses(() => ({ text: 'OK' }));
    servers.push(server);
    const asChat = await doctor(['--base-url', server.url]);
    const wrong = report(asChat.stdout).checks;
    expect(wrong['streaming works']!.detail).toMatch(/^HTTP 404: .*: the server speaks the Responses API: pass --api responses$/);
    expect(wrong.API).toEqual({ status: 'FAIL', detail: 'speaks Responses, not Chat Completions: pass --api responses' });
    expect(asChat.code).toBe(1);
    const asResponses = await doctor(['--base-url', server.url, '--api', 'responses']);
    const right = report(asResponses.stdout).checks;
    expect(right['usage is sent']).toEqual({ status: 'ok', detail: 'in response.completed' });
    expect(right.stream_options!.status).toBe('skip');
    expect(right.API!.detail).toBe('speaks Responses');
    expect(asResponses.code).toBe(0);
    expect(server.requests.every((r) => r.body.store === false)).toBe(true);
  });

  it('--endpoint checks a named endpoint of the config with its own key variable, API, headers and model', async () => {
    const server = await startFakeResponses(() => ({ text: 'OK' }), { models: ['qwen-coder'] });
    servers.push(server);
    const cwd = tempDir();
    const config = {
      endpoints: { local: { baseURL: server.url, api: 'responses', apiKeyEnv: 'LOCAL_KEY', model: 'qwen-coder', headers: { 'x-team': 'coding' } } },
    };
    writeFileSync(path.join(cwd, '.roleplayrc.json'), JSON.stringify(config));
    const result = await runCli(['doctor', '--endpoint', 'local'], { cwd, env: { LOCAL_KEY: 'sk-local-abcdef' } });
    const { checks, lines } = report(result.stdout);
    expect(lines[0]).toBe(`roleplay doctor: endpoint local: ${server.url}, model qwen-coder, Responses API`);
    expect(checks['model exists']!.status).toBe('ok');
    expect(result.code).toBe(0);
    expect(server.requests.every((r) => r.headers['x-team'] === 'coding' && r.headers.authorization === 'Bearer sk-local-abcdef')).toBe(true);
    // A named endpoint's fixes name its own fields, not the CLI's flags.
    writeFileSync(path.join(cwd, '.roleplayrc.json'), JSON.stringify({ endpoints: { ...config.endpoints, remote: { apiKeyEnv: 'REMOTE_KEY' } } }));
    const remote = report((await runCli(['doctor', '--endpoint', 'remote'], { cwd })).stdout).checks['key accepted'];
    expect(remote?.detail).toBe('REMOTE_KEY is not set (api.openai.com needs one): set it, or give endpoint "remote" a baseURL for a local server');
    writeFileSync(path.join(cwd, '.roleplayrc.json'), JSON.stringify(config));
    const unknown = await runCli(['doctor', '--endpoint', 'cloud'], { cwd });
    expect(unknown.stderr).toBe('roleplay: --endpoint cloud: .roleplayrc.json defines only local\n');
    expect(unknown.code).toBe(2);
    const clash = await runCli(['doctor', '--endpoint', 'local', '--api', 'chat'], { cwd });
    expect(clash.stderr).toBe('roleplay: --endpoint takes its base URL and API from the config: drop --api\n');
  });

  it('bad flags are one line and exit 2', async () => {
    const url = await doctor(['--base-url', 'localhost:8080']);
    expect(url.code).toBe(2);
    expect(url.stderr).toBe('roleplay: --base-url: "localhost:8080" must start with http:// or https://\n');
    const api = await doctor(['--api', 'assistants']);
    expect(api.code).toBe(2);
    expect(api.stderr.trim().split('\n')).toHaveLength(1);
    const noKey = await doctor([]);
    expect(report(noKey.stdout).checks['key accepted']!.status).toBe('FAIL');
    expect(noKey.code).toBe(1);
  });
});
