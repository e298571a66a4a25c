import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeReply, type FakeServer, type ReceivedRequest } from '../support/fakeOpenAI.js';
import { CLI, runCli, tempDir } from '../support/cli.js';
import { twoPersonWorkflow } from '../support/workflows.js';

/** The two-person workflow's model: Boss asks, Helper answers, Boss writes the plan and ends the conversation. */
function planner(plan = 'step one, then step two'): (request: ReceivedRequest) => FakeReply {
  return (request) => {
    const messages = request.body.messages;
    const start = messages.findLastIndex((m) => m.content.startsWith('START CONVERSATION '));
    const turn = messages.slice(start).filter((m) => m.role === 'assistant').length;
    if (turn === 0) return { text: 'Boss:\n\nWhat is the plan?' };
    if (turn === 1) return { text: 'Helper:\n\nI will write it.' };
    return { text: `Boss:\n\nThe plan: ${plan}.\n\nEND CONVERSATION` };
  };
}

const TEAM = { workflow: twoPersonWorkflow(), sanityCheck: false, maxTurns: 4 };

function setup(suite: string, files: Record<string, string> = {}): string {
  const cwd = tempDir('roleplay-eval-');
  writeFileSync(path.join(cwd, 'team.json'), JSON.stringify(TEAM));
  writeFileSync(path.join(cwd, 'suite.yaml'), suite);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(cwd, name), text);
  return cwd;
}

const records = (cwd: string, out = '.roleplay/eval/suite') =>
  readFileSync(path.join(cwd, out, 'runs.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('roleplay eval', () => {
  it('checks every run: END CONVERSATION, turns, artifacts by text and regex, and a TypeScript check function', async () => {
    server = await startFakeOpenAI(planner());
    const cwd = setup(
      `tasks:
  - name: plan
    task: plan a picnic
variants:
  - name: base
    config: team.json
    baseUrl: ${server.url}
    model: test-model
  - name: terse
    config: team.json
    baseUrl: ${server.url}
    model: test-model
    prompts:
      switch: "SWITCH, {{speaker}}: be terse"
checks:
  endConversation: true
  maxTurns: 3
  artifacts:
    - artifact: Plan
      contains: step one
    - artifact: Plan
      matches: "/STEP TWO/i"
  scripts: [check.ts]
`,
      {
        'check.ts': `interface Run { variant: string; artifacts: Record<string, { text: string }> }
export default (run: Run): string | boolean | undefined => run.variant === 'terse' ? 'the terse variant fails on purpose' : run.artifacts.Plan?.text.startsWith('The plan');
`,
      },
    );
    const result = await runCli(['eval', 'suite.yaml', '--concurrency', '1'], { cwd });
    expect(result.stderr).toMatch(/eval suite: 2 runs \(1 task x 2 variants x 1\)/);
    expect(result.code).toBe(1);
    const [base, terse] = records(cwd);
    expect(base.key).toBe('plan/base/1');
    expect(base.passed).toBe(true);
    expect(base.checks.map((c: { name: string }) => c.name)).toEqual([
      'the run completed',
      'every conversation ended by END CONVERSATION',
      'at most 3 turns',
      'Plan contains "step one"',
      'Plan matches /STEP TWO/i',
      'check.ts',
    ]);
    expect(terse.passed).toBe(false);
    expect(terse.checks.find((c: { name: string }) => c.name === 'check.ts')).toEqual({
      name: 'check.ts',
      passed: false,
      message: 'the terse variant fails on purpose',
    });
    // The terse variant's prompt reached the server.
    expect(server.requests.some((r) => r.body.messages.at(-1)?.content === 'SWITCH, Helper: be terse')).toBe(true);
    expect(result.stdout).toMatch(/\| base +\| 100 % \(1\/1\) +\| 3\.0 +\|/);
    expect(result.stdout).toMatch(/\| terse +\| 0 % \(0\/1\) +\|/);
    expect(result.stdout).toContain('plan/terse/1: check.ts: the terse variant fails on purpose (roleplay replay .roleplay/eval/suite/sessions/');
    // Each run links its session, which opens in the other commands.
    const exported = await runCli(['export', base.session], { cwd });
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain('The plan: step one, then step two.');
  });

  it('runs the built-in demo suite with --demo: a progress line per run, the summary, and nothing again the second time', async () => {
    const cwd = tempDir('roleplay-eval-');
    const nothing = await runCli(['eval', '--demo', '--resume'], { cwd });
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toBe(
      'roleplay: --resume: nothing to resume in .roleplay/eval/demo: it has no runs.jsonl (drop --resume to start the suite)\n',
    );
    const first = await runCli(['eval', '--demo'], { cwd });
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/^eval demo: 8 runs \(2 tasks x 2 variants x 2\), 2 at a time; results in \.roleplay\/eval\/demo\/runs\.jsonl\n/);
    expect(first.stderr.match(/^\[[1-8]\/8\] (photos|todo)\/(thread|scoped)\/[12]: passed \(\d+ turns, [\d.]+ s\)$/gm)).toHaveLength(8);
    expect(first.stdout).toMatch(/^\| variant \| pass rate +\| turns +\| tokens +\| cost \(USD\) \| time \(s\) +\|\n/);
    expect(first.stdout).toMatch(/\| thread +\| 100 % \(4\/4\) \|/);
    expect(first.stdout).toMatch(/\| scoped +\| 100 % \(4\/4\) \|/);
    const second = await runCli(['eval', '--demo'], { cwd });
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('8 runs (2 tasks x 2 variants x 2), 8 already finished, nothing left to run');
    expect(second.stdout).toMatch(/\| thread +\| 100 % \(4\/4\) \|/);
    expect(records(cwd, '.roleplay/eval/demo')).toHaveLength(8);
  });

  it('fails the turn and END CONVERSATION checks of a run that hits its turn limit', async () => {
    server = await startFakeOpenAI(() => ({ text: 'Boss:\n\nLet us talk more.' }));
    const cwd = setup(
      `tasks: [plan a picnic]\nvariants: [{ config: team.json, baseUrl: "${server.url}" }]\nchecks: { endConversation: true, maxTurns: 2 }\n`,
    );
    const result = await runCli(['eval', 'suite.yaml'], { cwd });
    expect(result.code).toBe(1);
    const [run] = records(cwd);
    expect(run.key).toBe('task-1/variant-1/1');
    expect(run.checks.filter((c: { passed: boolean }) => !c.passed)).toEqual([
      { name: 'every conversation ended by END CONVERSATION', passed: false, message: 'Planning: turn-limit' },
      { name: 'at most 2 turns', passed: false, message: '4 turns' },
    ]);
  });

  it('runs at most --concurrency runs at a time, and every run waits out a 429 one of them heard', async () => {
    let inFlight = 0;
    let most = 0;
    let refusedAt = 0;
    const arrivals: number[] = [];
    const handler = planner();
    server = await startFakeOpenAI(async (request) => {
      arrivals.push(Date.now());
      if (request.index === 2) {
        refusedAt = Date.now();
        return { status: 429, headers: { 'retry-after-ms': '600' } };
      }
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 40));
      inFlight--;
      return handler(request);
    });
    const cwd = setup(`repeats: 6\ntasks: [plan a picnic]\nvariants: [{ config: team.json, baseUrl: "${server.url}" }]\n`);
    const result = await runCli(['eval', 'suite.yaml', '--concurrency', '2'], { cwd });
    expect(result.stderr).toContain('2 at a time');
    expect(result.code).toBe(0);
    expect(most).toBe(2);
    expect(records(cwd)).toHaveLength(6);
    // Requests that reached the server after the 429: none in the pause it asked for.
    // (A request already on its way when the 429 was sent may arrive just after it.)
    expect(arrivals.filter((t) => t > refusedAt + 50 && t < refusedAt + 550)).toEqual([]);
    expect(arrivals.filter((t) => t >= refusedAt + 550).length).toBeGreaterThan(0);
  });

  it('goes on after a kill where it stopped: finished runs are not run again, and each run is recorded once', async () => {
    const handler = planner();
    server = await startFakeOpenAI((request) => ({ ...handler(request), chunkSize: 4, chunkDelayMs: 15 }));
    const cwd = setup(`repeats: 4\ntasks: [plan a picnic]\nvariants: [{ name: slow, config: team.json, baseUrl: "${server.url}" }]\n`);
    const runs = path.join(cwd, '.roleplay/eval/suite/runs.jsonl');
    const child = spawn(process.execPath, [CLI, 'eval', 'suite.yaml', '--concurrency', '1'], {
      cwd,
      stdio: 'ignore',
      env: { ...process.env, OPENAI_API_KEY: '' },
    });
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && !(existsSync(runs) && readFileSync(runs, 'utf8').split('\n').filter(Boolean).length >= 2)) {
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
    const before = records(cwd).length;
    expect(before).toBeGreaterThanOrEqual(2);
    expect(before).toBeLessThan(4);
    const sent = server.requests.length;
    const result = await runCli(['eval', 'suite.yaml', '--resume'], { cwd });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`4 runs (1 task x 1 variant x 4), ${before} already finished`);
    // Each run of the workflow sends three requests; only the runs left (and the killed one) were run again.
    expect(server.requests.length - sent).toBe((4 - before) * 3);
    const keys = records(cwd).map((r) => r.key);
    expect(keys.sort()).toEqual(['task-1/slow/1', 'task-1/slow/2', 'task-1/slow/3', 'task-1/slow/4']);
    expect(result.stdout).toMatch(/\| slow +\| 100 % \(4\/4\)/);
    // Once more: nothing left to run.
    const again = await runCli(['eval', 'suite.yaml'], { cwd });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('4 already finished');
    expect(records(cwd)).toHaveLength(4);
  });

  it('stops at Ctrl+C: the runs going are quit and not recorded, exit 130, and the same command goes on', async () => {
    const handler = planner();
    server = await startFakeOpenAI((request) => ({ ...handler(request), chunkSize: 4, chunkDelayMs: 15 }));
    const cwd = setup(`repeats: 5\ntasks: [plan a picnic]\nvariants: [{ name: slow, config: team.json, baseUrl: "${server.url}" }]\n`);
    const runs = path.join(cwd, '.roleplay/eval/suite/runs.jsonl');
    const child = spawn(process.execPath, [CLI, 'eval', 'suite.yaml'], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, OPENAI_API_KEY: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && !(existsSync(runs) && readFileSync(runs, 'utf8').includes('\n'))) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGINT');
    const code = await new Promise((r) => child.on('close', r));
    expect(code).toBe(130);
    const finished = records(cwd).length;
    expect(finished).toBeGreaterThanOrEqual(1);
    expect(finished).toBeLessThan(5);
    expect(stderr).toContain(`roleplay: stopped: ${finished} of 5 runs finished. Run the same command again to go on.`);
    expect(stdout).toMatch(new RegExp(`\\| slow +\\| 100 % \\(${finished}/${finished}\\)`));
    const again = await runCli(['eval', 'suite.yaml'], { cwd });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(`${finished} already finished`);
    expect(new Set(records(cwd).map((r) => r.key)).size).toBe(5);
    expect(records(cwd)).toHaveLength(5);
  });

  it('writes a JUnit report: a testsuite per variant, a testcase per run, a failure for each failed one, its session', async () => {
    const cwd = setup(`name: demo-check
repeats: 2
tasks: [{ name: notes, task: a notes app }]
variants: [{ name: ok }, { name: strict }]
checks: { endConversation: true }
`);
    writeFileSync(
      path.join(cwd, 'suite.yaml'),
      readFileSync(path.join(cwd, 'suite.yaml'), 'utf8').replace('{ name: strict }', '{ name: strict, maxTurns: 1 }'),
    );
    const result = await runCli(['eval', 'suite.yaml', '--demo', '--junit', 'report.xml'], { cwd });
    expect(result.code).toBe(1);
    const xml = readFileSync(path.join(cwd, 'report.xml'), 'utf8');
    expect(xml).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="demo-check" tests="4" failures="2" errors="0" time="[\d.]+">/);
    expect(xml.match(/<testsuite /g)).toHaveLength(2);
    expect(xml).toMatch(/<testsuite name="demo-check\.ok" tests="2" failures="0" errors="0" skipped="0" time="[\d.]+">/);
    expect(xml).toMatch(/<testsuite name="demo-check\.strict" tests="2" failures="2" errors="0" skipped="0" time="[\d.]+">/);
    expect(xml.match(/<testcase classname="demo-check\.(ok|strict)" name="notes #[12]" time="[\d.]+">/g)).toHaveLength(4);
    expect(xml.match(/<failure message="every conversation ended by END CONVERSATION: [^"]*turn-limit[^"]*" type="check">/g)).toHaveLength(2);
    expect(
      xml.match(/<system-out>session: [^\n]+\nopen it: roleplay replay \.roleplay\/eval\/demo-check\/sessions\/[\w-]+<\/system-out>/g),
    ).toHaveLength(4);
    expect(xml.trimEnd().endsWith('</testsuites>')).toBe(true);
  });

  it.each([
    ['variants:\n  - config: team.json\n  - config: missing.ts\ntasks: [x]\n', 'suite.yaml: variants[1].config: file not found'],
    ['tasks: [x]\nvariants: [{ modle: gpt-4o }]\n', 'suite.yaml: variants[0]: unknown field "modle"'],
    ['tasks: []\n', 'suite.yaml: tasks: a suite needs at least one task'],
    ['variants: [{}]\n', 'suite.yaml: tasks: is missing'],
    [
      'tasks: [x]\nchecks: { artifacts: [{ artifact: Code, matches: "/(/" }] }\n',
      'suite.yaml: checks.artifacts[0].matches: not a regular expression:',
    ],
    ['tasks: [x]\nchecks: { artifacts: [{ artifact: Code }] }\n', 'suite.yaml: checks.artifacts[0]: give one of "contains" or "matches"'],
    ['tasks: [x]\nrepeats: 0\n', 'suite.yaml: repeats: must be at least 1'],
    ['tasks: [x]\nchecks: { scripts: [nodefault.ts] }\n', 'suite.yaml: checks.scripts[0]: has no default export function'],
    ['tasks: [x]\nvariants: [{ prompts: { switch: "{{nope}}" } }]\n', 'suite.yaml: variants[0].prompts.switch: unknown placeholder {{nope}}'],
    ['tasks: [x\n', 'suite.yaml: not valid YAML:'],
  ])('a bad suite is one line naming the field, exit 2: %s', async (suite, message) => {
    const cwd = setup(suite, { 'nodefault.ts': 'export const check = () => true;\n' });
    const result = await runCli(['eval', 'suite.yaml', '--demo'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr.startsWith(`roleplay: ${message}`)).toBe(true);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(path.join(cwd, '.roleplay'))).toBe(false);
  });

  it('says in one line, before any run, that --out or the folder of --junit cannot be written (exit 2)', async () => {
    const cwd = setup('tasks: [x]\n', { afile: '' });
    const out = await runCli(['eval', 'suite.yaml', '--demo', '-o', 'afile/results'], { cwd });
    expect(out.code).toBe(2);
    expect(out.stderr).toBe('roleplay: cannot write the results to afile/results: ENOTDIR (choose another folder with --out)\n');
    const junit = await runCli(['eval', 'suite.yaml', '--demo', '--junit', 'reports/eval.xml'], { cwd });
    expect(junit.code).toBe(2);
    expect(junit.stderr).toBe('roleplay: --junit: the folder of reports/eval.xml does not exist\n');
    expect(existsSync(path.join(cwd, '.roleplay'))).toBe(false);
  });
});

describe('roleplay check', () => {
  it('exits 0 when every recorded request matches, 1 with the first difference, 2 for an unknown session', async () => {
    const cwd = tempDir('roleplay-check-');
    writeFileSync(path.join(cwd, 'roleplay.config.json'), JSON.stringify(TEAM));
    const run = await runCli(['--demo', '--demo-instant', '--headless', 'plan a picnic'], { cwd });
    expect(run.code).toBe(0);
    const same = await runCli(['check', 'latest'], { cwd });
    expect(same.stdout).toMatch(/^check [\w-]+ against roleplay\.config\.json: all \d+ requests match\n$/);
    expect(same.code).toBe(0);
    writeFileSync(path.join(cwd, 'roleplay.config.json'), JSON.stringify({ ...TEAM, prompts: { switch: 'Your turn, {{speaker}}.' } }));
    const changed = await runCli(['check', 'latest'], { cwd });
    expect(changed.code).toBe(1);
    const lines = changed.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^check [\w-]+ against roleplay\.config\.json: request 2 of \d+ differs, turn t2 \(Planning, Helper, reply 2\)$/);
    expect(lines.slice(1)).toEqual([
      '  message 5 of 5 (recorded: 5), line 1:',
      '  - SWITCH',
      '  + Your turn, Helper.',
      '  (the 1 request before it match)',
    ]);
    const unknown = await runCli(['check', 'nosuch'], { cwd });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('roleplay: no session "nosuch" in .roleplay/sessions (run "roleplay sessions" to list them)\n');
    expect(readdirSync(path.join(cwd, '.roleplay', 'sessions'))).toHaveLength(1);
  });

  it.each(['SIGINT', 'SIGKILL'] as const)('finds a session stopped by %s and resumed the same as the run that made it', async (signal) => {
    const cwd = tempDir('roleplay-check-');
    writeFileSync(path.join(cwd, 'roleplay.config.json'), JSON.stringify(TEAM));
    const child = spawn(process.execPath, [CLI, '--demo', '--headless', 'plan a picnic'], {
      cwd,
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, OPENAI_API_KEY: '' },
    });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    // Stopped in the middle of the second reply, once it has started streaming.
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && !/\[Helper \(assistant, turn 2\)\]\n\S/.test(stdout)) await new Promise((r) => setTimeout(r, 10));
    child.kill(signal);
    await new Promise((r) => child.on('close', r));
    const resumed = await runCli(['--resume', 'latest', '--demo-instant'], { cwd });
    expect(resumed.code).toBe(0);
    const events = readFileSync(
      path.join(cwd, '.roleplay/sessions', readdirSync(path.join(cwd, '.roleplay/sessions'))[0] ?? '', 'events.jsonl'),
      'utf8',
    );
    expect(events).toContain('"type":"run.resumed"');
    const checked = await runCli(['check', 'latest'], { cwd });
    // The reply the signal cut short was asked for again by the resume: it is one request, not two.
    const started = events.split('\n').filter((line) => line.includes('"type":"turn.started"')).length;
    expect(checked.stdout).toMatch(new RegExp(`: all ${started - 1} requests match\n$`));
    expect(checked.code).toBe(0);
  });
});
