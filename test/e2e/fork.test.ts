import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../support/cli.js';
import { presetModel, startFakeOpenAI, type FakeServer } from '../support/fakeOpenAI.js';
import { twoPersonWorkflow } from '../support/workflows.js';

const KEY = 'sk-test-fork-0123456789';
type Event = Record<string, unknown> & { type: string; seq: number };

function events(dir: string): Event[] {
  return readFileSync(path.join(dir, 'events.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Event);
}

function sessions(cwd: string): string[] {
  return readdirSync(path.join(cwd, '.roleplay', 'sessions')).sort();
}

const stripT = (list: Event[]) => list.map(({ t: _t, ...rest }) => rest);

describe('roleplay --fork', () => {
  let server: FakeServer;
  beforeAll(async () => {
    server = await startFakeOpenAI(presetModel);
  });
  afterAll(() => server.close());

  const run = (args: string[], cwd: string) => runCli(['--headless', '--base-url', server.url, ...args], { cwd, env: { OPENAI_API_KEY: KEY } });

  it("sends the parent's requests from the fork point on, leaves the parent as it was, and can be forked again", async () => {
    const cwd = tempDir();
    const before = server.requests.length;
    expect((await run(['--model', 'm', 'a lunch planner'], cwd)).code).toBe(0);
    const parentRequests = server.requests.slice(before).map((r) => r.body);
    const [parentId] = sessions(cwd);
    const parentDir = path.join(cwd, '.roleplay', 'sessions', parentId ?? '');
    const parentFile = readFileSync(path.join(parentDir, 'events.jsonl'), 'utf8');

    const forkAt = server.requests.length;
    const forked = await run(['--fork', `${parentId}@5`, '--label', 'same model'], cwd);
    expect(forked.stderr).not.toMatch(/error/i);
    expect(forked.code).toBe(0);
    expect(forked.stdout).toContain(`forked from ${parentId} before reply 5`);
    const childRequests = server.requests.slice(forkAt).map((r) => r.body);
    // The fork asks for reply 5 exactly as the parent did, and (the model being the same) everything after it.
    expect(childRequests).toEqual(parentRequests.slice(4));
    expect(readFileSync(path.join(parentDir, 'events.jsonl'), 'utf8')).toBe(parentFile);

    const childId = sessions(cwd).find((id) => id !== parentId) ?? '';
    const child = events(path.join(cwd, '.roleplay', 'sessions', childId));
    const parent = events(parentDir);
    const fifth = parent.filter((e) => e.type === 'turn.started')[4];
    const inherited = child.slice(
      0,
      child.findIndex((e) => e.type === 'run.forked'),
    );
    // Its journal is the parent's up to the start of reply 5, under its own id, then run.forked.
    expect(stripT(inherited)).toEqual(
      stripT(parent.filter((e) => e.seq < (fifth?.seq ?? 0)).map((e) => (e.type === 'run.started' ? { ...e, sessionId: childId } : e))),
    );
    expect(child.find((e) => e.type === 'run.forked')).toMatchObject({ sessionId: childId, parent: parentId, reply: 5, model: 'm' });
    expect(readFileSync(path.join(cwd, '.roleplay', 'sessions', childId, 'label'), 'utf8')).toBe('same model\n');

    // Another model from reply 3 of the fork: the same messages, the other model.
    const againAt = server.requests.length;
    const again = await run(['--fork', `${childId}@3`, '--model', 'other'], cwd);
    expect(again.code).toBe(0);
    const againRequests = server.requests.slice(againAt).map((r) => r.body);
    expect(againRequests[0]?.messages).toEqual(parentRequests[2]?.messages);
    expect(new Set(againRequests.map((r) => r.model))).toEqual(new Set(['other']));
    const grandchildId = sessions(cwd).find((id) => id !== parentId && id !== childId) ?? '';
    const grandchild = events(path.join(cwd, '.roleplay', 'sessions', grandchildId));
    expect(grandchild.filter((e) => e.type === 'run.forked').map((e) => e.parent)).toEqual([childId]);

    // A fork exports and replays like any session: its inherited turns, then its own.
    const exported = await runCli(['export', grandchildId, '--format', 'json'], { cwd });
    expect(exported.code).toBe(0);
    const document = JSON.parse(exported.stdout) as { session: { id: string; model: string; status: string } };
    expect(document.session).toMatchObject({ id: grandchildId, model: 'other', status: 'completed' });
    const replay = await runCli(['replay', grandchildId, '--headless', '--speed', '1000'], { cwd });
    expect(replay.code).toBe(0);
    expect(replay.stdout).toContain(`forked from ${childId} before reply 3`);
    expect(replay.stdout.indexOf('Sanity check')).toBeLessThan(replay.stdout.indexOf('forked from'));
  });

  it('takes another config, stops at its budget and resumes', async () => {
    const cwd = tempDir();
    expect((await run(['--model', 'm', 'a lunch planner'], cwd)).code).toBe(0);
    const [parentId] = sessions(cwd);
    writeFileSync(path.join(cwd, 'priced.json'), JSON.stringify({ prices: { m: { input: 100000, output: 100000 } } }));
    const stopped = await run(['--fork', `${parentId}@2`, '-c', 'priced.json', '--max-cost', '1'], cwd);
    expect(stopped.code).toBe(1);
    const childId = sessions(cwd).find((id) => id !== parentId) ?? '';
    expect(stopped.stderr).toContain(`--resume ${childId}`);
    const resumed = await run(['--resume', childId], cwd);
    expect(resumed.code).toBe(0);
    const list = events(path.join(cwd, '.roleplay', 'sessions', childId));
    expect(list.map((e) => e.type).filter((t) => t.startsWith('run.'))).toEqual([
      'run.started',
      'run.forked',
      'run.finished',
      'run.resumed',
      'run.finished',
    ]);
    expect(list.at(-1)).toMatchObject({ status: 'completed' });
  });

  it('refuses an unknown session, a reply out of range, a bad spec and a session still being written with one line, exit 2', async () => {
    const cwd = tempDir();
    expect((await runCli(['--demo-instant', '--max-turns', '2'], { cwd })).code).toBe(0);
    const [id] = sessions(cwd);
    const cases: Array<[string[], RegExp]> = [
      [['--fork', 'nosuch@2'], /^roleplay: no session "nosuch" in \.roleplay\/sessions/],
      [['--fork', 'latest@999'], /^roleplay: session \S+ has no reply 999 to fork before: its replies are 1 to \d+\n$/],
      [['--fork', 'latest@0'], /^roleplay: --fork takes <session>@<reply>/],
      [['--fork', 'latest'], /^roleplay: --fork takes <session>@<reply>/],
      [['--fork', 'latest@2', 'a', 'task'], /^roleplay: --fork goes on with the parent's task/],
      [['--fork', 'latest@2', '--label', 'x'.repeat(61)], /^roleplay: .*--label takes one line of at most 60 characters/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(['--demo-instant', ...args], { cwd });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(message);
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
    // A live process holds its lock: it is still being written.
    writeFileSync(path.join(cwd, '.roleplay', 'sessions', id ?? '', 'lock'), String(process.pid));
    const running = await runCli(['--demo-instant', '--fork', 'latest@2'], { cwd });
    expect(running.code).toBe(2);
    expect(running.stderr).toMatch(/^roleplay: session \S+ is still being written by another roleplay: fork it once that run has stopped\n$/);
    expect(sessions(cwd)).toEqual([id]);
  });

  it('sessions --tree shows each fork under its parent with its fork point and label; --json says the same', async () => {
    const cwd = tempDir();
    expect((await runCli(['--demo-instant', '--max-turns', '2', '--label', 'baseline'], { cwd })).code).toBe(0);
    const [root = ''] = sessions(cwd);
    const fork = async (spec: string, label?: string) => {
      const known = new Set(sessions(cwd));
      const result = await runCli(['--demo-instant', '--fork', spec, ...(label ? ['--label', label] : [])], { cwd });
      expect(result.code, spec).toBe(0);
      return sessions(cwd).find((id) => !known.has(id)) ?? '';
    };
    const a = await fork(`${root}@3`, 'prompt A');
    const b = await fork(`${root}@5`);
    const aa = await fork(`${a}@4`, 'A, again');
    const tree = await runCli(['sessions', '--tree'], { cwd });
    expect(tree.code).toBe(0);
    const lines = tree.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(new RegExp(`^${root} \\[baseline\\] completed, \\d+ turns, demo  `));
    expect(lines[1]).toMatch(new RegExp(`^├─ ${a} @3 \\[prompt A\\] completed`));
    expect(lines[2]).toMatch(new RegExp(`^│  └─ ${aa} @4 \\[A, again\\] completed`));
    expect(lines[3]).toMatch(new RegExp(`^└─ ${b} @5 completed`));
    const json = (await runCli(['sessions', '--json'], { cwd })).stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; parent: string | null; forkedBefore: number | null; label: string | null });
    expect(json.map(({ id, parent, forkedBefore, label }) => ({ id, parent, forkedBefore, label })).sort((x, y) => x.id.localeCompare(y.id))).toEqual(
      [
        { id: root, parent: null, forkedBefore: null, label: 'baseline' },
        { id: a, parent: root, forkedBefore: 3, label: 'prompt A' },
        { id: b, parent: root, forkedBefore: 5, label: null },
        { id: aa, parent: a, forkedBefore: 4, label: 'A, again' },
      ].sort((x, y) => x.id.localeCompare(y.id)),
    );
  });

  it('takes --context and --max-turns; refuses a config of another workflow', async () => {
    const cwd = tempDir();
    expect((await runCli(['--demo-instant', '--max-turns', '3'], { cwd })).code).toBe(0);
    const [parentId = ''] = sessions(cwd);
    const forked = await runCli(['--demo-instant', '--fork', `${parentId}@4`, '--context', 'scoped', '--max-turns', '2'], { cwd });
    expect(forked.code).toBe(0);
    const childId = sessions(cwd).find((id) => id !== parentId) ?? '';
    const child = events(path.join(cwd, '.roleplay', 'sessions', childId));
    const run = child.find((e) => e.type === 'run.forked') as { config: { context: string; maxTurns: number } } | undefined;
    expect(run?.config).toMatchObject({ context: 'scoped', maxTurns: 2 });
    expect(child.find((e) => e.type === 'run.started')).toMatchObject({ context: 'thread' });
    writeFileSync(path.join(cwd, 'other.json'), JSON.stringify({ workflow: { ...twoPersonWorkflow() } }));
    const other = await runCli(['--demo-instant', '--fork', `${parentId}@4`, '-c', 'other.json'], { cwd });
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/^roleplay: --config other\.json: the roles changed from the parent's; a fork keeps the parent's workflow\n$/);
  });
});
