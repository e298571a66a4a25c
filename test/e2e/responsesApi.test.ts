import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, sessionDir, tempDir } from '../support/cli.js';
import { presetModel } from '../support/fakeOpenAI.js';
import { startFakeResponses, type FakeResponsesReply, type FakeResponsesServer, type ReceivedResponsesRequest } from '../support/fakeResponses.js';

let server: FakeResponsesServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function events(dir: string): Array<Record<string, unknown>> {
  return readFileSync(path.join(dir, 'events.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const answer = (request: ReceivedResponsesRequest): string => {
  const messages = [{ role: 'system', content: request.body.instructions ?? '' }, ...request.context];
  return presetModel({ index: request.index, headers: request.headers, body: { model: request.body.model, messages } }).text ?? '';
};

function fastRetries(cwd: string, extra: Record<string, unknown> = {}) {
  writeFileSync(path.join(cwd, '.roleplayrc.json'), JSON.stringify({ retry: { baseDelayMs: 5, maxDelayMs: 20 }, ...extra }));
}

describe('--api responses', () => {
  it('runs the workflow over the Responses API; a failed response is retried, never kept', async () => {
    server = await startFakeResponses((r): FakeResponsesReply => {
      if (r.index === 1) return { text: 'half of it', fail: { code: 'server_error', message: 'The model failed to generate a response.' } };
      return { text: answer(r), chunkSize: 5, reasoning: r.index === 3 ? 'Should I say END CONVERSATION?' : undefined };
    });
    const cwd = tempDir();
    fastRetries(cwd);
    const result = await runCli(['--base-url', server.url, '--api', 'responses', '--model', 'gpt-4.1-mini', '--headless'], { cwd });
    expect(result.stderr).toContain('Model gpt-4.1-mini at http://127.0.0.1');
    expect(result.stderr).toContain('(Responses API)');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('retrying 1/5 in');
    expect(result.stdout).toContain('the server failed the response (server_error): The model failed to generate a response.');
    const list = events(sessionDir(cwd));
    expect(list[0]).toMatchObject({ type: 'run.started', api: 'responses', endpoint: server.url });
    const texts = list.filter((e) => e.type === 'turn.ended').map((e) => String(e.text));
    expect(texts).not.toContain('half of it');
    expect(texts.some((t) => t.includes('Should I say'))).toBe(false);
    expect(server.requests.every((r) => r.body.store === false && r.body.previous_response_id === undefined)).toBe(true);
    expect(server.requests[0]!.body.instructions).toMatch(/^You are roleplaying/);
  });

  it('thinking longer than the first-token timeout is thinking, a refusal is shown as one, and an incomplete response is kept and marked: none retried', async () => {
    server = await startFakeResponses((r): FakeResponsesReply => {
      // Four pieces of raw reasoning, 100 ms apart: the reply's first text comes 400 ms in, past the 200 ms first-token timeout.
      if (r.index === 1) return { reasoningText: 'Thinking about END CONVERSATION', reasoningPauseMs: 100, text: answer(r) };
      if (r.index === 2) return { text: 'CEO:\n\nWe ship the', incomplete: 'max_output_tokens' };
      if (r.index === 3) return { refusal: "I'm sorry, I can't help with that." };
      if (r.index === 4) return { text: 'CEO:\n\nThe rest', incomplete: 'content_filter' };
      return { text: answer(r) };
    });
    const cwd = tempDir();
    fastRetries(cwd, { retry: { baseDelayMs: 5, maxDelayMs: 20, firstTokenTimeoutMs: 200, idleTimeoutMs: 1000 } });
    const result = await runCli(['--base-url', server.url, '--api', 'responses', '--headless', '--max-turns', '6'], { cwd });
    expect(result.stdout).not.toContain('retrying');
    expect(result.stdout).toContain("[cut off: the server's token limit]");
    expect(result.stdout).toContain('[refused: the model declined the turn]');
    expect(result.stdout).toContain("[filtered: the server's content filter stopped it]");
    expect(result.stdout).toContain('[the model thought 31 characters first: in the journal, not part of the reply]');
    const list = events(sessionDir(cwd));
    expect(list.filter((e) => e.type === 'turn.started')).toHaveLength(server.requests.length);
    const ended = list.filter((e) => e.type === 'turn.ended');
    expect(ended.slice(1, 5).map((e) => [e.finish, e.reasoning])).toEqual([
      [undefined, 'Thinking about END CONVERSATION'],
      ['length', undefined],
      ['refusal', undefined],
      ['content_filter', undefined],
    ]);
    expect(ended.slice(1, 5).map((e) => String(e.text))).toEqual([
      expect.not.stringContaining('Thinking'),
      'CEO:\n\nWe ship the',
      "I'm sorry, I can't help with that.",
      'CEO:\n\nThe rest',
    ]);
    // The thinking was never sent back.
    expect(server.requests.some((r) => JSON.stringify(r.body).includes('Thinking about END'))).toBe(false);
  });

  it('--context server keeps the thread on the server: each request sends what it adds, with previous_response_id', async () => {
    server = await startFakeResponses((r) => ({ text: answer(r) }));
    const cwd = tempDir();
    fastRetries(cwd);
    const result = await runCli(['--base-url', server.url, '--api', 'responses', '--context', 'server', '--headless'], { cwd });
    expect(result.code).toBe(0);
    const requests = server.requests;
    expect(requests.every((r) => r.body.store === true)).toBe(true);
    const chained = requests.filter((r) => r.body.previous_response_id !== undefined);
    expect(chained.length).toBe(requests.length - 1);
    // Each chained request sends only its new items, yet the server answers the same thread the journal records.
    expect(chained.every((r) => Array.isArray(r.body.input) && r.body.input.length <= 3)).toBe(true);
    const starts = events(sessionDir(cwd)).filter((e) => e.type === 'turn.started');
    expect(starts).toHaveLength(requests.length);
    const last = requests.at(-1)!;
    expect(last.context.length).toBeGreaterThan(20);
    expect(last.context.at(-1)?.content).toMatch(/Documenting \(Manual\)|SWITCH|END/);
  });

  it('a resume speaks the Responses API again without --api', async () => {
    let refuse = true;
    server = await startFakeResponses((r) =>
      refuse && r.index === 3
        ? { status: 400, errorBody: { error: { message: 'bad request', type: 'invalid_request_error', param: null, code: null } } }
        : { text: answer(r) },
    );
    const cwd = tempDir();
    fastRetries(cwd);
    const failed = await runCli(['--base-url', server.url, '--api', 'responses', '--headless'], { cwd });
    expect(failed.code).toBe(1);
    refuse = false;
    const before = server.requests.length;
    const resumed = await runCli(['--resume', 'latest', '--headless'], { cwd, env: { OPENAI_BASE_URL: '' } });
    expect(resumed.code).toBe(0);
    // The recorded endpoint and API: every request of the resume came to the Responses server.
    expect(server.requests.length).toBeGreaterThan(before + 5);
  });

  it('--context server needs a Responses API endpoint: one line, exit 2', async () => {
    const cwd = tempDir();
    const result = await runCli(['--base-url', 'http://127.0.0.1:9/v1', '--context', 'server', '--headless'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "roleplay: context server keeps the thread on a Responses API server: add --api responses, or give an endpoint api: 'responses'\n",
    );
    const bad = await runCli(['--api', 'assistants'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^roleplay: option '--api <api>' argument 'assistants' is invalid\. Allowed choices are chat, responses\./);
  });
});
