import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TuiNext } from '../../src/ui/branches.js';
import { runCli, tempDir } from '../support/cli.js';
import { KEY, startTui } from './harness.js';

let tui: ReturnType<typeof startTui> | undefined;
afterEach(async () => {
  await tui?.stop();
  tui = undefined;
});

describe('TUI: f forks at the reply in view', () => {
  it('in the transcript and in the inspector, with the reply numbers --fork takes', async () => {
    const left: TuiNext[] = [];
    tui = startTui({ branches: { dir: '/sessions/s1', leave: (next) => left.push(next) } });
    await tui.waitFor((f) => f.includes('waiting for you'));
    tui.press(' ');
    await tui.waitFor((f) => f.includes('Reply 1 of') && f.includes('waiting for you'));
    tui.press(' ');
    await tui.waitFor((f) => f.includes('Reply 2 of') && f.includes('waiting for you'));
    // Following the end of the transcript: the last reply.
    tui.press('f');
    await tui.waitFor(() => left.length === 1, 'the fork');
    expect(left[0]).toEqual({ kind: 'fork', dir: '/sessions/s1', reply: 2 });
    // The inspector's turn: [ goes back to the first.
    tui.press('p', '[');
    await tui.waitFor((f) => /turn 1/i.test(f));
    tui.press('f');
    await tui.waitFor(() => left.length === 2, 'the second fork');
    expect(left[1]).toEqual({ kind: 'fork', dir: '/sessions/s1', reply: 1 });
  });

  it('a session that is not saved says so, and a reply still streaming is not forked', async () => {
    tui = startTui();
    await tui.waitFor((f) => f.includes('waiting for you'));
    tui.press('f');
    await tui.waitFor((f) => f.includes('f forks a recorded session: this one is not saved'));
    tui.press('b');
    await tui.waitFor((f) => f.includes('b lists the branches of a recorded session'));
  });
});

describe('TUI: the branch list', () => {
  let cwd: string;
  let parent: string;
  let child: string;
  const dirOf = (id: string) => path.join(cwd, '.roleplay', 'sessions', id);
  beforeAll(async () => {
    cwd = tempDir();
    expect((await runCli(['--demo-instant', '--max-turns', '2', '--label', 'first'], { cwd })).code).toBe(0);
    [parent = ''] = readdirSync(path.join(cwd, '.roleplay', 'sessions'));
    expect((await runCli(['--demo-instant', '--fork', `${parent}@3`], { cwd })).code).toBe(0);
    child = readdirSync(path.join(cwd, '.roleplay', 'sessions')).find((id) => id !== parent) ?? '';
  }, 30_000);

  it('shows the parent and this fork with their labels; L labels, c compares, enter opens, esc closes', async () => {
    const left: TuiNext[] = [];
    tui = startTui({ branches: { dir: dirOf(child), leave: (next) => left.push(next) } });
    await tui.waitFor((f) => f.includes('waiting for you'));
    tui.press('b');
    await tui.waitFor((f) => f.includes('Branches'));
    expect(tui.frame()).toMatch(new RegExp(`parent +${parent} \\[first\\] · completed`));
    expect(tui.frame()).toMatch(new RegExp(`▸ this +${child} @3 · completed`));
    // Keys go to the list while it is open: space does not send a turn.
    const before = tui.events.length;
    tui.press(' ', 'k', 'L');
    await tui.waitFor((f) => f.includes('label: first'));
    tui.press(KEY.backspace.repeat(5), 'the original', KEY.enter);
    await tui.waitFor((f) => f.includes('[the original]') && f.includes('Labelled'));
    expect(readFileSync(path.join(dirOf(parent), 'label'), 'utf8')).toBe('the original\n');
    expect(tui.events.slice(before).some((e) => e.type === 'turn.started')).toBe(false);
    tui.press('c');
    await tui.waitFor(() => left.length === 1, 'the compare');
    expect(left[0]).toEqual({ kind: 'compare', a: dirOf(child), b: dirOf(parent) });
    tui.press(KEY.enter);
    await tui.waitFor(() => left.length === 2, 'the open');
    expect(left[1]).toEqual({ kind: 'open', dir: dirOf(parent) });
    tui.press(KEY.escape);
    await tui.waitFor((f) => !f.includes('Branches'));
  });
});
