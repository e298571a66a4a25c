import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, sessionDir, tempDir } from '../support/cli.js';
import { presetModel, startFakeOpenAI, type FakeServer } from '../support/fakeOpenAI.js';
import { startFakeResponses, type FakeResponsesReply, type FakeResponsesServer, type ReceivedResponsesRequest } from '../support/fakeResponses.js';

const servers: Array<FakeServer | FakeResponsesServer> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function events(dir: string): Array<Record<string, unknown>> {
  return readFileSync(path.join(dir, 'events.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The preset's well-behaved model, answering a Responses request from the whole conversation the server holds. */
function presetOverResponses(request: ReceivedResponsesRequest): FakeResponsesReply {
  const messages = [{ role: 'system', content: request.body.instructions ?? '' }, ...request.context];
  return { text: presetModel({ index: request.index, headers: request.headers, body: { model: request.body.model, messages } }).text ?? '' };
}

/** The Programmer and the Designer on a local Responses server, everyone else on the default (chat) endpoint. */
function writeConfig(cwd: string, localUrl: string, extra: Record<string, unknown> = {}) {
  const config = {
    endpoints: { local: { baseURL: localUrl, api: 'responses', apiKeyEnv: 'LOCAL_KEY', model: 'qwen-coder', headers: { 'x-team': 'coding' } } },
    roles: { Programmer: { endpoint: 'local' }, Designer: { endpoint: 'local', model: 'qwen-vl' } },
    prices: { 'local/qwen-coder': { input: 0, output: 0 } },
    ...extra,
  };
  writeFileSync(path.join(cwd, '.roleplayrc.json'), JSON.stringify(config));
}

describe('endpoints per role', () => {
  it('runs each role on its endpoint and model, and the journal says which endpoint served each turn', async () => {
    const chat = await startFakeOpenAI(presetModel);
    const local = await startFakeResponses(presetOverResponses);
    servers.push(chat, local);
    const cwd = tempDir();
    writeConfig(cwd, local.url);
    const result = await runCli(['--base-url', chat.url, '--model', 'gpt-4o-mini', '--json', '--max-cost', '5'], {
      cwd,
      env: { LOCAL_KEY: 'sk-local-123456' },
    });
    expect(result.stderr).toContain('Endpoints: local (responses, http://127.0.0.1:');
    expect(result.code).toBe(0);
    // --max-cost cannot count the Designer's qwen-vl on the local endpoint; the Programmer's model is priced there.
    const warnings = events(sessionDir(cwd)).filter((e) => e.type === 'warning' && e.code === 'max-cost');
    expect(warnings.map((e) => e.message)).toEqual([
      'No price is known for model "local/qwen-vl": --max-cost does not count its turns. Add it under "prices" in the config.',
    ]);
    const started = events(sessionDir(cwd)).filter((e) => e.type === 'turn.started');
    const roleOf = (e: Record<string, unknown>) => String(e.role);
    const onLocal = started.filter((e) => e.endpoint === 'local');
    expect(new Set(onLocal.map(roleOf))).toEqual(new Set(['programmer', 'designer']));
    expect(started.filter((e) => e.endpoint === undefined).every((e) => !['programmer', 'designer'].includes(roleOf(e)))).toBe(true);
    expect(onLocal.filter((e) => e.role === 'designer').every((e) => e.model === 'qwen-vl')).toBe(true);
    expect(onLocal.filter((e) => e.role === 'programmer').every((e) => e.model === 'qwen-coder')).toBe(true);
    // Each server got exactly its turns, with its own key and headers.
    expect(local.requests).toHaveLength(onLocal.length);
    expect(chat.requests).toHaveLength(started.length - onLocal.length);
    expect(local.requests.every((r) => r.headers.authorization === 'Bearer sk-local-123456' && r.headers['x-team'] === 'coding')).toBe(true);
    expect(local.requests.every((r) => r.body.store === false)).toBe(true);
    expect(chat.requests.every((r) => r.body.model === 'gpt-4o-mini')).toBe(true);
    // The transcript's cost tables name the endpoint and model of each turn.
    const md = await runCli(['export', 'latest'], { cwd });
    expect(md.stdout).toMatch(/\| local \/ qwen-coder \| \d+ \|/);
    expect(md.stdout).toMatch(/\| gpt-4o-mini \| \d+ \|/);
    const doc = JSON.parse((await runCli(['export', 'latest', '--format', 'json'], { cwd })).stdout) as {
      phases: Array<{ conversations: Array<{ turns: Array<{ roleName: string; endpoint?: string; model: string }> }> }>;
    };
    const turns = doc.phases.flatMap((p) => p.conversations.flatMap((c) => c.turns));
    expect(turns.filter((t) => t.roleName === 'Programmer').length).toBeGreaterThan(2);
    expect(turns.filter((t) => t.roleName === 'Programmer').every((t) => t.endpoint === 'local' && t.model === 'qwen-coder')).toBe(true);
    expect(turns.filter((t) => t.roleName === 'CEO').every((t) => !('endpoint' in t))).toBe(true);
    expect((await runCli(['export', 'latest', '--format', 'html'], { cwd })).stdout).toContain('qwen-coder @ local');
  });

  it('a resume finds each endpoint again in the config, and says in one line when the config no longer has it', async () => {
    const chat = await startFakeOpenAI(presetModel);
    let refuse = true;
    const local = await startFakeResponses((r) =>
      refuse
        ? { status: 400, errorBody: { error: { message: 'model is loading', type: 'invalid_request_error', param: null, code: null } } }
        : presetOverResponses(r),
    );
    servers.push(chat, local);
    const cwd = tempDir();
    writeConfig(cwd, local.url);
    const env = { LOCAL_KEY: 'k' };
    const failed = await runCli(['--base-url', chat.url, '--headless'], { cwd, env });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('Resume it with: roleplay --resume');

    // Without the endpoint in the config, nothing is sent and the run is not touched.
    writeFileSync(path.join(cwd, '.roleplayrc.json'), JSON.stringify({ endpoints: { cloud: { baseURL: local.url } } }));
    const before = readFileSync(path.join(sessionDir(cwd), 'events.jsonl'), 'utf8');
    const missing = await runCli(['--resume', 'latest', '--base-url', chat.url], { cwd, env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /^roleplay: session \S+ runs Programmer, Designer on endpoint "local", which \.roleplayrc\.json does not define: add "local" back under "endpoints"/,
    );
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(readFileSync(path.join(sessionDir(cwd), 'events.jsonl'), 'utf8')).toBe(before);
    rmSync(path.join(cwd, '.roleplayrc.json'));
    expect((await runCli(['--resume', 'latest', '--base-url', chat.url], { cwd, env })).stderr).toContain(
      'no config file in this folder does not define',
    );

    writeConfig(cwd, local.url);
    refuse = false;
    const resumed = await runCli(['--resume', 'latest', '--base-url', chat.url, '--headless'], { cwd, env });
    expect(resumed.stderr).toMatch(/Session saved/);
    expect(resumed.code).toBe(0);
    const list = events(sessionDir(cwd));
    const programmer = list.filter((e) => e.type === 'turn.started' && e.role === 'programmer');
    expect(programmer.length).toBeGreaterThan(1);
    expect(programmer.every((e) => e.endpoint === 'local')).toBe(true);
    expect(local.requests.length).toBeGreaterThan(1);
  });

  it('with no key and no base URL the default endpoint is the demo, and the named endpoints still run on their servers', async () => {
    const local = await startFakeResponses(presetOverResponses);
    servers.push(local);
    const cwd = tempDir();
    writeConfig(cwd, local.url);
    const result = await runCli(['--demo-instant', '--json'], { cwd });
    expect(result.code).toBe(0);
    const started = events(sessionDir(cwd)).filter((e) => e.type === 'turn.started');
    expect(local.requests).toHaveLength(started.filter((e) => e.endpoint === 'local').length);
    expect(local.requests.length).toBeGreaterThan(2);
    // --demo puts them on the demo model too.
    const demoCwd = tempDir();
    writeConfig(demoCwd, local.url);
    const before = local.requests.length;
    expect((await runCli(['--demo-instant', '--demo', '--json'], { cwd: demoCwd })).code).toBe(0);
    expect(local.requests).toHaveLength(before);
  });

  it("a named endpoint that cannot be reached, or refuses its key, is one line naming the endpoint's own field, exit 2", async () => {
    const chat = await startFakeOpenAI(presetModel);
    const refusing = await startFakeResponses(() => ({
      status: 401,
      errorBody: { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } },
    }));
    servers.push(chat, refusing);
    const cwd = tempDir();
    const write = (endpoint: Record<string, unknown>) =>
      writeFileSync(path.join(cwd, '.roleplayrc.json'), JSON.stringify({ endpoints: { local: endpoint }, roles: { CEO: { endpoint: 'local' } } }));
    write({ baseURL: 'http://127.0.0.1:9/v1', model: 'm' });
    const unreachable = await runCli(['--base-url', chat.url, '--headless'], { cwd });
    expect(unreachable.code).toBe(2);
    const last = (text: string) => text.trim().split('\n').at(-1);
    // The sanity check on the default endpoint stood, so the session is kept, with how to resume it once fixed.
    const saved = String.raw`(\. The session is saved: fix that, then resume it with: roleplay --resume \S+)?`;
    expect(last(unreachable.stderr)).toMatch(
      new RegExp(
        String.raw`^roleplay: cannot reach http://127\.0\.0\.1:9/v1 \(.*\): check the baseURL of endpoint "local", and that the server is running${saved}$`,
      ),
    );
    write({ baseURL: refusing.url, api: 'responses', apiKeyEnv: 'LOCAL_KEY', model: 'm' });
    const refused = await runCli(['--base-url', chat.url, '--headless'], { cwd, env: { LOCAL_KEY: 'k-123456' } });
    expect(refused.code).toBe(2);
    expect(last(refused.stderr)).toMatch(new RegExp(String.raw`^roleplay: HTTP 401: the server rejected the API key: check LOCAL_KEY${saved}$`));
  });

  it("credentials in an endpoint's URL are shown and written nowhere: the run's note, validate, doctor and the journal", async () => {
    const chat = await startFakeOpenAI(presetModel);
    servers.push(chat);
    const cwd = tempDir();
    const write = (baseURL: string) =>
      writeFileSync(
        path.join(cwd, '.roleplayrc.json'),
        JSON.stringify({ endpoints: { local: { baseURL, model: 'm' } }, roles: { CEO: { endpoint: 'local' } } }),
      );
    // user:password cannot be sent at all: the config is refused, in a line that does not show them.
    write('http://user:secret@127.0.0.1:9/v1?api-key=k');
    for (const args of [['--base-url', chat.url, '--headless'], ['validate'], ['doctor', '--endpoint', 'local']]) {
      const refused = await runCli(args, { cwd });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('has a user name or password in it');
      for (const text of [refused.stdout, refused.stderr]) expect(text).not.toContain('secret');
    }
    // A key in the query is shown as ***: in the note, and in the error of the server that does not take it there.
    write(`${chat.url}?api-key=TOPSECRET9`);
    const run = await runCli(['--base-url', chat.url, '--headless', '--max-turns', '2'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/HTTP 404: http:\/\/127\.0\.0\.1:\d+\/v1\?api-key=\*\*\* has no/);
    expect(run.stderr).toContain('Endpoints: local (chat, http://127.0.0.1:');
    expect(run.stderr).toContain('?api-key=***) for CEO');
    const validated = await runCli(['validate'], { cwd });
    expect(validated.stdout).toContain('?api-key=***, key from OPENAI_API_KEY');
    const doctor = await runCli(['doctor', '--endpoint', 'local'], { cwd });
    expect(doctor.stdout).toContain('?api-key=***');
    write('http://127.0.0.1:9/v1?api-key=TOPSECRET9');
    const unreachable = await runCli(['doctor', '--endpoint', 'local'], { cwd });
    expect(unreachable.stdout).toMatch(/cannot connect to http:\/\/127\.0\.0\.1:9\/v1\?api-key=\*\*\*/);
    const journal = readFileSync(path.join(sessionDir(cwd), 'events.jsonl'), 'utf8');
    for (const text of [run.stdout, run.stderr, validated.stdout, doctor.stdout, doctor.stderr, unreachable.stdout, unreachable.stderr, journal]) {
      expect(text).not.toContain('TOPSECRET9');
    }
  });

  it('an endpoint whose key is not set, an unknown endpoint and a misspelt field are one line each, exit 2', async () => {
    const cwd = tempDir();
    writeFileSync(
      path.join(cwd, '.roleplayrc.json'),
      JSON.stringify({ endpoints: { cloud: { apiKeyEnv: 'CLOUD_KEY' } }, roles: { CEO: { endpoint: 'cloud' } } }),
    );
    const noKey = await runCli(['--demo-instant', '--base-url', 'http://127.0.0.1:9/v1'], { cwd });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toBe(
      'roleplay: endpoint "cloud" is OpenAI itself and takes its key from CLOUD_KEY, which is not set: set it, or give the endpoint a baseURL\n',
    );
    const validated = await runCli(['validate'], { cwd });
    expect(validated.stdout).toContain('endpoint cloud: Chat Completions API at api.openai.com, key from CLOUD_KEY; for CEO\n');
    writeFileSync(path.join(cwd, '.roleplayrc.json'), JSON.stringify({ endpoints: { cloud: {} }, roles: { CEO: { endpoint: 'clod' } } }));
    const unknown = await runCli(['--demo'], { cwd });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('roleplay: .roleplayrc.json: roles.CEO.endpoint: unknown endpoint "clod" (did you mean "cloud"?)\n');
    writeFileSync(path.join(cwd, '.roleplayrc.json'), JSON.stringify({ endpoints: { cloud: { baseUrl: 'http://x' } } }));
    const misspelt = await runCli(['--demo'], { cwd });
    expect(misspelt.stderr).toMatch(
      /^roleplay: \.roleplayrc\.json: endpoints\.cloud\.baseUrl: unknown key "baseUrl" \(did you mean "baseURL"\?\)\n$/,
    );
  });
});
