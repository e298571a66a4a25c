import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runCli, runPrinted, sessionDir, tempDir } from '../support/cli.js';

const TASK = 'a tool that plans team lunches';

function events(dir: string) {
  return readFileSync(path.join(dir, 'events.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

function artifacts(dir: string): Record<string, string> {
  const root = path.join(dir, 'artifacts');
  return Object.fromEntries(
    readdirSync(root)
      .sort()
      .map((f) => [f, readFileSync(path.join(root, f), 'utf8')]),
  );
}

/** The completed turns that stand (not discarded), as conversation/index pairs in order. */
function keptTurns(list: Array<Record<string, unknown>>): string[] {
  const discarded = new Set(list.filter((e) => e.type === 'turn.discarded').map((e) => e.turnId));
  const starts = new Map(list.filter((e) => e.type === 'turn.started').map((e) => [e.turnId, e]));
  return list
    .filter((e) => e.type === 'turn.ended' && e.status === 'complete' && !discarded.has(e.turnId))
    .map((e) => {
      const s = starts.get(e.turnId) as Record<string, unknown>;
      return `${String(s.conversationId)}#${String(s.index)}`;
    });
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('resume after kill -9', () => {
  it('finishes the workflow with no completed turn lost or repeated, and the same artifacts as an uninterrupted run', async () => {
    const clean = tempDir();
    expect((await runCli(['--demo-instant', TASK], { cwd: clean })).code).toBe(0);
    const reference = sessionDir(clean);

    const cwd = tempDir();
    const child = spawn(process.execPath, [CLI, '--demo', '--headless', TASK], { cwd, stdio: 'ignore' });
    const journalFile = () => {
      const root = path.join(cwd, '.roleplay', 'sessions');
      if (!existsSync(root)) return undefined;
      const [id] = readdirSync(root);
      return id ? path.join(root, id, 'events.jsonl') : undefined;
    };
    // Kill it in the middle of a reply, after a few turns have completed.
    await waitFor(() => {
      const file = journalFile();
      if (!file || !existsSync(file)) return false;
      const lines = readFileSync(file, 'utf8').trim().split('\n');
      const ended = lines.filter((l) => l.includes('"type":"turn.ended"')).length;
      return ended >= 3 && lines.at(-1)?.includes('"type":"token"') === true;
    }, 20_000);
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
    const before = events(sessionDir(cwd));
    expect(before.at(-1)?.type).not.toBe('run.finished');
    const completedBefore = keptTurns(before);

    const resumed = await runCli(['--resume', 'latest', '--demo-instant'], { cwd });
    expect(resumed.stderr).not.toContain('error');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/^roleplay: resuming session \d{8}-\d{6}-[0-9a-f]{6}/);

    const dir = sessionDir(cwd);
    const after = events(dir);
    expect(after.filter((e) => e.type === 'run.started')).toHaveLength(1);
    expect(after.filter((e) => e.type === 'run.resumed')).toHaveLength(1);
    expect(after.at(-1)).toMatchObject({ type: 'run.finished', status: 'completed' });
    const kept = keptTurns(after);
    expect(kept.slice(0, completedBefore.length)).toEqual(completedBefore);
    expect(new Set(kept).size).toBe(kept.length);
    expect(kept).toEqual(keptTurns(events(reference)));
    expect(artifacts(dir)).toEqual(artifacts(reference));
    // Sequence numbers go on from where the journal stopped.
    const seqs = after.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('a completed session cannot be resumed; an unknown one is a clear error', async () => {
    const cwd = tempDir();
    await runCli(['--demo-instant', '--max-turns', '2'], { cwd });
    const done = await runCli(['--resume', 'latest'], { cwd });
    expect(done.code).toBe(2);
    expect(done.stderr).toMatch(/already completed: there is nothing to resume\n$/);
    // A session stopped by its budget can be resumed; flags are checked as for a new run.
    const stopped = tempDir();
    writeFileSync(path.join(stopped, 'roleplay.config.json'), JSON.stringify({ prices: { demo: { input: 1000, output: 1000 } } }));
    expect((await runCli(['--demo-instant', '--max-cost', '0.5'], { cwd: stopped })).code).toBe(1);
    for (const [args, message] of [
      [['--break', 'role:Nobody'], /^roleplay: --break "role:Nobody": unknown role "Nobody"/],
      [['--auto', '--step'], /^roleplay: --auto and --step contradict each other/],
      [['a', 'new', 'task'], /^roleplay: --resume continues the session with its own task and config: drop a task\n$/],
    ] as const) {
      const result = await runCli(['--resume', 'latest', ...args], { cwd: stopped });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
    const unknown = await runCli(['--resume', 'nosuch'], { cwd });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('roleplay: no session "nosuch" in .roleplay/sessions (run "roleplay sessions" to list them)\n');
  });
});

describe('Ctrl+C on a headless run', () => {
  it('exits 130, saves the session and says how to resume it; the resume finishes the run', async () => {
    const cwd = tempDir();
    const child = spawn(process.execPath, [CLI, '--demo', '--headless', TASK], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    await waitFor(() => stdout.includes('[CEO (lead, turn 1)]'), 20_000);
    child.kill('SIGINT');
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(130);
    expect(stderr).toMatch(/Session saved in \.roleplay\/sessions\/\S+\. Resume it with: roleplay --resume \d{8}-\d{6}-[0-9a-f]{6}\n$/);
    const before = events(sessionDir(cwd));
    expect(before.at(-1)).toMatchObject({ type: 'run.finished', status: 'quit' });
    const interruptedIn = before.findLast((e) => e.type === 'conversation.ended')?.conversationId;
    expect(before.findLast((e) => e.type === 'conversation.ended')).toMatchObject({ reason: 'quit' });
    const resumed = await runCli(['--resume', 'latest', '--demo-instant'], { cwd });
    expect(resumed.code).toBe(0);
    const after = events(sessionDir(cwd));
    // Every conversation, the interrupted one too, ends properly once; the reply cut short was taken back.
    const properly = after.filter((e) => e.type === 'conversation.ended' && e.reason === 'end-marker').map((e) => e.conversationId);
    expect(new Set(properly).size).toBe(8);
    expect(properly).toHaveLength(8);
    expect(properly).toContain(interruptedIn);
    expect(after.some((e) => e.type === 'turn.discarded' && e.reason === 'quit')).toBe(true);
  });
});

describe('the resume command printed on the way out', () => {
  it('names --out, shell-quoted, and resumes the session when run as printed', async () => {
    const cwd = tempDir();
    const out = "runs of 'today'";
    const child = spawn(process.execPath, [CLI, '--demo', '--headless', '--out', out, TASK], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    await waitFor(() => stdout.includes('[CEO (lead, turn 1)]'), 20_000);
    child.kill('SIGINT');
    expect(await new Promise((resolve) => child.on('close', resolve))).toBe(130);
    const id = path.basename(sessionDir(cwd, out));
    const printed = /Resume it with: (.+)\n$/.exec(stderr)?.[1];
    expect(printed).toBe(`roleplay --resume ${id} --out 'runs of '\\''today'\\'''`);

    const resumed = await runPrinted(printed!, '--demo-instant', { cwd, timeoutMs: 30_000 });
    expect(resumed.stderr).not.toContain('error');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(new RegExp(`^roleplay: resuming session ${id}`));
    expect(events(sessionDir(cwd, out)).at(-1)).toMatchObject({ type: 'run.finished', status: 'completed' });
    // It found the session where the run put it, and wrote nowhere else.
    expect(existsSync(path.join(cwd, '.roleplay'))).toBe(false);
  });
});

describe('a hangup on a headless run', () => {
  it('exits 129 with the session saved as quit because the terminal hung up, and resumable', async () => {
    const cwd = tempDir();
    const child = spawn(process.execPath, [CLI, '--demo', '--headless', TASK], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    await waitFor(() => stdout.includes('[CEO (lead, turn 1)]'), 20_000);
    child.kill('SIGHUP');
    expect(await new Promise((resolve) => child.on('close', resolve))).toBe(129);
    const dir = sessionDir(cwd);
    expect(events(dir).at(-1)).toMatchObject({ type: 'run.finished', status: 'quit', reason: 'the terminal hung up' });
    expect(existsSync(path.join(dir, 'lock'))).toBe(false);
    expect(existsSync(path.join(dir, 'transcript.md'))).toBe(true);
    expect((await runCli(['--resume', 'latest', '--demo-instant'], { cwd })).code).toBe(0);
  });
});
