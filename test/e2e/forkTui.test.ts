/**
 * Forking and comparing in the real TUI (tmux): f forks before the reply in view and the fork runs on; b lists the
 * branches, c compares, q comes back to the fork; `roleplay diff` on a terminal opens the compare view.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/cli.js';
import { hasTmux, tmuxServer } from '../support/tmux.js';

const server = tmuxServer();
afterAll(() => server.kill());

async function until(what: string, check: () => boolean, last: () => string, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}\n${last()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(!hasTmux)('TUI: fork, branches and compare', () => {
  it('f forks at the last reply and switches to the fork; b, c compare it with its parent; q returns to it', async () => {
    const cwd = tempDir();
    const name = 'fork';
    const screen = () => server.screen(name);
    const untilScreen = (what: string, text: string | RegExp) =>
      until(what, () => (typeof text === 'string' ? screen().includes(text) : text.test(screen())), screen);
    const sessions = () => (existsSync(path.join(cwd, '.roleplay', 'sessions')) ? readdirSync(path.join(cwd, '.roleplay', 'sessions')).sort() : []);
    server.start(name, cwd, ['--demo', '--demo-instant', '--max-turns', '2', 'a todo app']);
    await untilScreen('the first pause', 'waiting for you');
    const tmux = (...keys: string[]) => server.keys(name, ...keys);
    // The first step runs the sanity check (reply 1), the next ones the CEO's opening and the CPO's answer.
    tmux('Space');
    await untilScreen('reply 1', 'next: CEO (lead) -> CPO');
    tmux('Space');
    await untilScreen('reply 2', /CEO \(lead\) · turn 1/);
    tmux('Space');
    await untilScreen('reply 3', /CPO \(assistant\) · turn 2/);
    await untilScreen('the pause after reply 3', 'waiting for you');
    // Session ids sort by the second they start in and then by a random salt, so a fork started in its parent's second
    // may sort before it: the parent is the one there before f.
    const [parent = ''] = sessions();
    tmux('f');
    await untilScreen('the fork', /A fork of \S+: its first 2 replies, then its own from reply 3/);
    await until('two sessions', () => sessions().length === 2, screen);
    const child = sessions().find((id) => id !== parent) ?? '';
    const forked = readFileSync(path.join(cwd, '.roleplay', 'sessions', child, 'events.jsonl'), 'utf8');
    expect(forked).toContain(`"type":"run.forked"`);
    expect(forked).toContain(`"parent":"${parent}","reply":3`);
    tmux('b');
    await untilScreen('the branch list', 'Branches');
    expect(screen()).toMatch(new RegExp(`parent +${parent}`));
    expect(screen()).toMatch(new RegExp(`▸ this +${child} @3`));
    tmux('k');
    tmux('c');
    await untilScreen('the compare view', `a: ${child} (demo) vs b: ${parent} (demo)`);
    expect(screen()).toMatch(/n next difference/);
    tmux('q');
    await untilScreen('the fork again', 'waiting for you');
    expect(screen()).not.toContain('Branches');
    tmux('q');
    await until('the exit code', () => existsSync(path.join(cwd, 'exit-code')), screen);
    expect(readFileSync(path.join(cwd, 'exit-code'), 'utf8').trim()).toBe('130');

    // roleplay diff on a terminal: the compare view; q closes it, and the exit code says they differ.
    const diffDir = path.join(cwd, 'diff');
    mkdirSync(diffDir);
    server.start('diff', diffDir, ['diff', path.join(cwd, '.roleplay', 'sessions', parent), path.join(cwd, '.roleplay', 'sessions', child)]);
    await until(
      'the compare view',
      () => server.screen('diff').includes(`a: ${parent} (demo) vs b: ${child} (demo)`),
      () => server.screen('diff'),
    );
    server.keys('diff', 'q');
    await until(
      'the exit code of diff',
      () => existsSync(path.join(diffDir, 'exit-code')),
      () => server.screen('diff'),
    );
    expect(readFileSync(path.join(diffDir, 'exit-code'), 'utf8').trim()).toBe('1');
  }, 60_000);
});
