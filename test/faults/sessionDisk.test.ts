/**
 * Faults of the disk, not of the model: a session folder removed while the run writes it, a disk that fills up.
 * The built CLI, headless, on the demo model: one line on stderr, exit 1, and what was written stays a session
 * that export, replay and --resume can read.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readJournal } from '../../src/session/sessionStore.js';
import { CLI, runCli, tempDir } from '../support/cli.js';
import { mountTmpfs } from '../support/tmpfs.js';
import { hasTmux, tmuxServer } from '../support/tmux.js';

const TASK = 'a tool that plans team lunches';
const ID = String.raw`\d{8}-\d{6}-[0-9a-f]{6}`;

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The lines of stderr that are the CLI's own messages (the first line is the demo model's note). */
const messages = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('roleplay:'));

describe('a session that cannot be saved stops the run with one line and exit code 1', () => {
  it('the session folder removed (rm -rf) while a --demo run streams', async () => {
    const cwd = tempDir();
    const child = spawn(process.execPath, [CLI, '--demo', '--headless', TASK], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, OPENAI_API_KEY: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    const sessions = path.join(cwd, '.roleplay', 'sessions');
    let code: number | null;
    let removedAt: number;
    try {
      // In the middle of the run: a turn has ended and the next one streams.
      await waitFor(() => /\[CPO \(assistant, turn 2\)\]\n\S/.test(stdout), 20_000, 'the second turn to stream');
      removedAt = Date.now();
      rmSync(sessions, { recursive: true, force: true, maxRetries: 5 });
      code = await Promise.race([closed, new Promise<null>((resolve) => setTimeout(() => resolve(null), 10_000))]);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }

    expect(code).toBe(1);
    expect(Date.now() - removedAt).toBeLessThan(5_000);
    expect(messages(stderr)).toHaveLength(1);
    expect(stderr.trim().split('\n').at(-1)).toMatch(
      new RegExp(
        String.raw`^roleplay: the session cannot be saved: writing (events\.jsonl|transcript\.md|artifacts/[\w-]+\.md): ENOENT \(the file or its folder was removed\) in \.roleplay/sessions/${ID}$`,
      ),
    );
    expect(stderr).not.toMatch(/\n\s+at |unexpected error|Resume it with/);
    // The run stopped as soon as it knew: no more turns, and nothing written where the session was.
    expect(stdout).not.toContain('Run completed');
    expect(existsSync(sessions)).toBe(false);
  });

  describe('a disk that fills up mid-run', () => {
    it('stops with ENOSPC; export and replay read what was written; --resume goes on once there is room', async (ctx) => {
      // 48 KiB: the start of the run fits, the first conversation does not.
      const disk = mountTmpfs('48k');
      if ('skip' in disk) return ctx.skip(disk.skip);
      try {
        const out = disk.dir;
        const resize = (size: string) => disk.resize(size);
        const cwd = tempDir();
        const run = await runCli(['--demo-instant', '-o', out, TASK], { cwd });
        expect(run.code).toBe(1);
        expect(messages(run.stderr)).toHaveLength(1);
        expect(run.stderr.trim().split('\n').at(-1)).toMatch(
          new RegExp(
            String.raw`^roleplay: the session cannot be saved: writing (events\.jsonl|transcript\.md|artifacts/[\w-]+\.md): ENOSPC \(no space left on device\) in ${out}/sessions/${ID}$`,
          ),
        );
        expect(run.stderr).not.toMatch(/\n\s+at /);

        const [id] = readdirSync(path.join(out, 'sessions'));
        const dir = path.join(out, 'sessions', id ?? '');
        const journal = readJournal(path.join(dir, 'events.jsonl'));
        // No torn line: the line that did not fit was taken back whole.
        expect(journal.torn).toBe(false);
        expect(readFileSync(path.join(dir, 'events.jsonl'), 'utf8').endsWith('}\n')).toBe(true);
        expect(journal.events.some((e) => e.type === 'turn.ended')).toBe(true);
        expect(journal.events.some((e) => e.type === 'run.finished')).toBe(false);
        // The temporary file of a rewrite that did not fit is gone too.
        expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);

        const exported = await runCli(['export', 'latest', '-o', out], { cwd });
        expect(exported.code).toBe(0);
        expect(exported.stdout).toContain(`# roleplay session ${id}`);
        const replayed = await runCli(['replay', 'latest', '--headless', '--speed', '1000', '-o', out], { cwd });
        expect(replayed.code).toBe(0);
        expect(replayed.stdout).toContain('[CEO (lead, turn 1)]');

        resize('8m');
        const resumed = await runCli(['--resume', 'latest', '--demo-instant', '-o', out], { cwd });
        expect(resumed.stderr).not.toContain('cannot be saved');
        expect(resumed.code).toBe(0);
        expect(resumed.stdout).toMatch(new RegExp(`^roleplay: resuming session ${id}`));
        const after = readJournal(path.join(dir, 'events.jsonl'));
        expect(after.events.slice(0, journal.events.length)).toEqual(journal.events);
        expect(after.events.filter((e) => e.type === 'run.resumed')).toHaveLength(1);
        expect(after.events.at(-1)).toMatchObject({ type: 'run.finished', status: 'completed' });
        expect(readdirSync(path.join(dir, 'artifacts'))).toHaveLength(8);
      } finally {
        disk.unmount();
      }
    });
  });

  describe.skipIf(!hasTmux)('in the TUI', () => {
    const tmux = tmuxServer();
    afterAll(() => tmux.kill());

    it('leaves the TUI cleanly, then prints the line', async () => {
      const cwd = tempDir();
      tmux.start('unsaved', cwd, ['--demo', '--auto', TASK]);
      const sessions = path.join(cwd, '.roleplay', 'sessions');
      await waitFor(() => tmux.screen('unsaved').includes('CPO (assistant) · turn 2'), 20_000, 'the second turn');
      rmSync(sessions, { recursive: true, force: true, maxRetries: 5 });
      await waitFor(() => existsSync(path.join(cwd, 'exit-code')), 10_000, 'the exit code');
      expect(readFileSync(path.join(cwd, 'exit-code'), 'utf8').trim()).toBe('1');
      // Back on the main screen: the TUI is gone and the one line is there (wrapped at 120 columns).
      const after = tmux.screen('unsaved');
      expect(after).not.toContain('Timeline');
      expect(after.replace(/\n/g, '').trim()).toMatch(
        new RegExp(
          String.raw`^roleplay: the session cannot be saved: writing (events\.jsonl|transcript\.md|artifacts/[\w-]+\.md): ENOENT \(the file or its folder was removed\) in \.roleplay/sessions/${ID}$`,
        ),
      );
      expect(existsSync(sessions)).toBe(false);
    });
  });
});
