/**
 * A person in a seat, end to end: `--human` in the TUI of the built CLI in a real terminal (tmux), and the one line
 * and exit code 2 of a run that cannot ask anybody.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, sessionDir, tempDir } from '../support/cli.js';
import { hasTmux, tmuxServer } from '../support/tmux.js';

async function until(what: string, check: () => boolean, last: () => string, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}\n${last()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('--human without a terminal', () => {
  it('is one line and exit 2, for the flag and for the config field', async () => {
    const cwd = tempDir();
    const flag = await runCli(['--demo', '--human', 'CPO', 'a todo app'], { cwd });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toBe(
      'roleplay: --human needs the TUI: a headless run (--headless, --json, or no terminal) has nobody to ask; drop --human\n',
    );
    expect(flag.stdout).toBe('');
    writeFileSync(path.join(cwd, '.roleplayrc.json'), JSON.stringify({ humans: ['CTO'] }));
    const config = await runCli(['--demo', 'a todo app'], { cwd });
    expect(config.code).toBe(2);
    expect(config.stderr.trim().split('\n')).toHaveLength(1);
    expect(config.stderr).toContain('the config gives roles to a person ("humans")');
  });

  it('--approve without a terminal is one line and exit 2 too', async () => {
    const result = await runCli(['--demo', '--approve', 'all', 'a todo app'], { cwd: tempDir() });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'roleplay: --approve needs the TUI: a headless run (--headless, --json, or no terminal) has nobody to approve; drop --approve\n',
    );
  });

  it('an unknown role is named, with the known ones', async () => {
    const cwd = tempDir();
    const result = await runCli(['--demo', '--human', 'Boss', '--headless', 'x'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('roleplay: --human: unknown role "Boss" (known: CEO, CPO, CTO, Programmer, Designer, Reviewer, Tester)\n');
    writeFileSync(path.join(cwd, '.roleplayrc.json'), JSON.stringify({ humans: ['Chief'] }));
    const config = await runCli(['validate'], { cwd });
    expect(config.code).toBe(2);
    expect(config.stderr).toContain('humans[0]');
  });
});

describe.skipIf(!hasTmux)('--human in a real terminal', () => {
  const tmux = tmuxServer();
  afterAll(() => tmux.kill());

  it("asks for the CPO's reply, puts it in the thread and the journal, and the model plays the other roles", async () => {
    const cwd = tempDir();
    tmux.start('seat', cwd, ['--demo', '--demo-instant', '--auto', '--human', 'CPO', 'a todo app']);
    const screen = () => tmux.screen('seat');
    await until('the reply input', () => screen().includes('Your reply as CPO, turn 2 of Design (Modalities)'), screen);
    execType(tmux, 'seat', 'Keep it to a web app with offline sync.');
    // The model plays every other role, up to the next conversation CPO is in.
    await until('the next turn of CPO', () => screen().includes('Your reply as CPO, turn 2 of Documenting (Manual)'), screen);
    // Esc and q apart: together they would be Alt+q.
    execKeys(tmux, 'seat', 'Escape');
    await until('the input closed', () => !screen().includes('Your reply as CPO'), screen);
    execKeys(tmux, 'seat', 'q');
    await until('the exit code', () => existsSync(path.join(cwd, 'exit-code')), screen);
    expect(readFileSync(path.join(cwd, 'exit-code'), 'utf8').trim()).toBe('130');
    const dir = sessionDir(cwd);
    const events = readFileSync(path.join(dir, 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const mine = events.filter((e) => e.type === 'turn.started' && e.author === 'person');
    expect(mine).toHaveLength(1);
    const reply = events.find((e) => e.type === 'turn.ended' && e.turnId === mine[0].turnId);
    expect(reply.text).toBe('CPO:\n\nKeep it to a web app with offline sync.');
    expect(readFileSync(path.join(dir, 'transcript.md'), 'utf8')).toContain('#### CPO (assistant, written by a person)');
    const validate = await runCli(['export', dir, '--format', 'json'], { cwd });
    expect(validate.code).toBe(0);
    expect(
      JSON.parse(validate.stdout)
        .phases[0].conversations[0].turns.map((t: { author: string }) => t.author)
        .slice(0, 3),
    ).toEqual(['model', 'person', 'model']);
  });
});

function execType(tmux: ReturnType<typeof tmuxServer>, target: string, text: string): void {
  tmux.keys(target, '-l', text);
  tmux.keys(target, 'Enter');
}

function execKeys(tmux: ReturnType<typeof tmuxServer>, target: string, ...keys: string[]): void {
  tmux.keys(target, ...keys);
}
