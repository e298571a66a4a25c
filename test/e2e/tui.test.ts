/**
 * The built CLI in a real pseudo-terminal (tmux): start the TUI on the demo model, step twice, speak as the
 * customer, skip, quit; then check the screen and the session on disk.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLI, runPrinted } from '../support/cli.js';
import { hasTmux, tmuxServer } from '../support/tmux.js';
import { afterAll, describe, expect, it } from 'vitest';

const server = tmuxServer();
const { tmux, screen, keys } = server;
const type = (target: string, text: string) => keys(target, '-l', text);

async function until(what: string, check: () => boolean, timeoutMs = 15_000, last: () => string = () => ''): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}\n${last()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until the screen of tmux session `target` shows `text`. */
const untilScreen = (target: string, what: string, text: string, timeoutMs = 15_000) =>
  until(
    what,
    () => screen(target).includes(text),
    timeoutMs,
    () => screen(target),
  );

/** Waits for the exit code the shell wrote when the CLI in `target` ended, and returns it. */
async function exitCodeOf(target: string, cwd: string, timeoutMs = 15_000): Promise<string> {
  await until(
    'the exit code',
    () => existsSync(path.join(cwd, 'exit-code')),
    timeoutMs,
    () => screen(target),
  );
  return readFileSync(path.join(cwd, 'exit-code'), 'utf8').trim();
}

/** Starts the CLI (the demo, on a todo app, unless told otherwise) in a new tmux session; see tmuxServer's `start`. */
const start = (name: string, columns: number, rows: number, cwd: string, args = ['--demo', '--demo-instant', 'a todo app'], recordTo?: string) =>
  server.start(name, cwd, args, columns, rows, recordTo);

describe.skipIf(!hasTmux)('the TUI in a real terminal', () => {
  afterAll(() => server.kill());

  it('steps, takes a customer message, skips and quits cleanly; the session is on disk', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'roleplay-tui-'));
    const t = 'main';
    start(t, 120, 40, cwd);
    const see = (text: string, timeoutMs?: number) =>
      until(
        JSON.stringify(text),
        () => screen(t).includes(text),
        timeoutMs,
        () => screen(t),
      );

    await see('waiting for you');
    expect(screen(t)).toContain('Timeline');
    expect(screen(t)).toContain('STEP');
    expect(screen(t)).toContain('demo');
    // The first step runs the sanity check, the second the CEO's opening.
    keys(t, 'Space');
    await see('next: CEO (lead) -> CPO');
    keys(t, 'Space');
    await see('CEO (lead) · turn 1');
    await see('next: CPO (assistant) -> CEO');

    keys(t, 'c');
    await see('Customer ›');
    type(t, 'Please add a dark mode');
    keys(t, 'Enter');
    await see('▌ Please add a dark mode');
    keys(t, 'Space');
    await see('You said: "Please add a dark mode"');
    expect(screen(t)).toContain('CPO (assistant) · turn 2');

    keys(t, 's');
    await until(
      'the next conversation',
      () => /●\s*Design \(Language\)/.test(screen(t)),
      15_000,
      () => screen(t),
    );
    expect(screen(t)).toMatch(/↷ Design \(Modalities\)\s+2\/10/);

    keys(t, 'q');
    await until(
      'the exit code',
      () => existsSync(path.join(cwd, 'exit-code')),
      15_000,
      () => screen(t),
    );
    // q in the middle of the run stops it: 130, as Ctrl+C.
    expect(readFileSync(path.join(cwd, 'exit-code'), 'utf8').trim()).toBe('130');
    // Back on the main screen: the TUI is gone and the shell's line is there.
    const after = screen(t);
    expect(after).toContain('Session saved in .roleplay/sessions/');
    expect(after.replace(/\n/g, '')).toMatch(/Resume it with: roleplay --resume \d{8}-\d{6}-[0-9a-f]{6}/);
    expect(after).not.toContain('Timeline');

    const sessions = path.join(cwd, '.roleplay', 'sessions');
    const [id] = readdirSync(sessions);
    const dir = path.join(sessions, id ?? '');
    const events = readFileSync(path.join(dir, 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; [key: string]: unknown });
    expect(events.filter((e) => e.type === 'customer.message').map((e) => e.text)).toEqual(['Please add a dark mode']);
    expect(events.find((e) => e.type === 'conversation.ended' && e.conversationId === 'design-modalities')).toMatchObject({
      reason: 'skipped',
      turns: 2,
    });
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'quit' });
    const transcript = readFileSync(path.join(dir, 'transcript.md'), 'utf8');
    expect(transcript).toContain('**Customer:** Please add a dark mode');
    expect(transcript).toContain('You said: "Please add a dark mode"');
  });

  it('plays the shipped example in the TUI: step mode, one turn per space, offline', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'roleplay-replay-'));
    const t = 'replay';
    start(t, 120, 40, cwd, ['replay', 'example', '--step', '--speed', '50']);
    const see = (text: string) =>
      until(
        JSON.stringify(text),
        () => screen(t).includes(text),
        15_000,
        () => screen(t),
      );
    await see('replay of');
    await see('waiting for you');
    expect(screen(t)).toContain('STEP');
    // The first step plays the sanity check, the second the conversation's first turn.
    keys(t, 'Space');
    await see('next: CEO (lead) -> CPO');
    keys(t, 'Space');
    await see('1/10');
    expect(screen(t)).toContain('waiting for you');
    keys(t, 's');
    await see('This is a replay');
    keys(t, 'q');
    await until(
      'exit code',
      () => existsSync(path.join(cwd, 'exit-code')),
      10_000,
      () => screen(t),
    );
    // Left before its end, as a headless replay stopped by Ctrl+C.
    expect(readFileSync(path.join(cwd, 'exit-code'), 'utf8').trim()).toBe('130');
    // A replay writes no session.
    expect(existsSync(path.join(cwd, '.roleplay'))).toBe(false);
  });
  it('takes keys sent in one chunk one by one, at 80x24', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'roleplay-chunks-'));
    const t = 'chunks';
    start(t, 80, 24, cwd, ['--demo', 'a todo app']);
    const see = (text: string) =>
      until(
        JSON.stringify(text),
        () => screen(t).includes(text),
        15_000,
        () => screen(t),
      );
    await see('waiting for you');
    // One send-keys, one write to the terminal: c opens the input and q is typed into it, not taken for quit.
    type(t, 'cq');
    await see('Customer › q');
    type(t, 'uit?');
    await see('Customer › quit?');
    // Backspaces, text, Enter and a step (the sanity check) in one chunk.
    keys(t, 'BSpace', 'BSpace', 'BSpace', 'BSpace', 'BSpace', 'o', 'k', 'Enter', 'Space');
    await see('▌ ok');
    await see('1 turn');
    expect(existsSync(path.join(cwd, 'exit-code'))).toBe(false);
    keys(t, 'q');
    expect(await exitCodeOf(t, cwd, 15_000)).toBe('130');
    const [id] = readdirSync(path.join(cwd, '.roleplay', 'sessions'));
    const events = readFileSync(path.join(cwd, '.roleplay', 'sessions', id ?? '', 'events.jsonl'), 'utf8')
      .trim()
      .split('\n');
    const said = events.map((line) => JSON.parse(line) as { type: string; text?: string }).filter((e) => e.type === 'customer.message');
    expect(said.map((e) => e.text)).toEqual(['ok']);
  });

  it('takes the mouse wheel while it runs and gives the mouse back when it ends; --no-mouse leaves it alone', async () => {
    const mouse = (target: string) => tmux('display', '-p', '-t', target, '#{mouse_standard_flag}#{mouse_sgr_flag}').trim();
    const cwd = mkdtempSync(path.join(tmpdir(), 'roleplay-mouse-'));
    start('mouse', 100, 30, cwd, ['--demo', '--demo-instant', '--auto', '--max-turns', '2', 'a todo app']);
    await untilScreen('mouse', 'the end of the run', 'The run is over', 30_000);
    expect(mouse('mouse')).toBe('11');
    // Home shows the top of the last conversation; two notches down leave it.
    keys('mouse', 'Home');
    await untilScreen('mouse', 'the top', 'End goes there');
    const top = screen('mouse');
    type('mouse', '\x1b[<65;50;10M\x1b[<65;50;10M');
    await until(
      'the wheel to scroll',
      () => screen('mouse') !== top,
      5000,
      () => screen('mouse'),
    );
    keys('mouse', 'q');
    expect(await exitCodeOf('mouse', cwd)).toBe('0');
    expect(mouse('mouse')).toBe('00');

    const quiet = mkdtempSync(path.join(tmpdir(), 'roleplay-nomouse-'));
    start('nomouse', 100, 30, quiet, ['--demo', '--no-mouse', 'a todo app']);
    await untilScreen('nomouse', 'the step hold', 'waiting for you');
    expect(mouse('nomouse')).toBe('00');
    keys('nomouse', 'q');
    expect(await exitCodeOf('nomouse', quiet)).toBe('130');
  });

  it('exits 0 when q leaves a run that completed', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'roleplay-done-'));
    const t = 'done';
    start(t, 120, 40, cwd, ['--demo', '--demo-instant', '--auto', '--max-turns', '2', 'a todo app']);
    await untilScreen(t, 'the end of the run', 'The run is over', 30_000);
    keys(t, 'q');
    expect(await exitCodeOf(t, cwd, 15_000)).toBe('0');
    expect(screen(t)).not.toContain('Resume it with');
  });

  it('with stderr sent to a file, writes only its lines there: no escape code to show the cursor', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'roleplay-stderr-'));
    const t = 'stderr';
    const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    server.shell(
      t,
      cwd,
      `env -u OPENAI_API_KEY -u OPENAI_BASE_URL CI=true ${q(process.execPath)} ${q(CLI)} --demo --demo-instant 'a todo app' 2> err.txt; echo $? > exit-code`,
    );
    await untilScreen(t, 'the TUI', 'waiting for you', 15_000);
    keys(t, 'q');
    expect(await exitCodeOf(t, cwd, 15_000)).toBe('130');
    const err = readFileSync(path.join(cwd, 'err.txt'), 'utf8');
    expect(err).toMatch(/^Session saved in \.roleplay\/sessions\/\S+\. Resume it with: .+\n$/);
    expect(err).not.toContain('\x1b');
  });

  it('a server that cannot be used: the TUI holds on it, and leaving says what to fix with exit 2, as headless does', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'roleplay-down-'));
    const t = 'down';
    start(t, 120, 40, cwd, ['--base-url', 'http://127.0.0.1:9/v1', '--model', 'm', 'a todo app']);
    await untilScreen(t, 'the step hold', 'waiting for you', 15_000);
    keys(t, 'Space');
    await untilScreen(t, 'the failure', 'cannot reach', 15_000);
    keys(t, 'q');
    expect(await exitCodeOf(t, cwd, 15_000)).toBe('2');
    expect(screen(t)).toMatch(/roleplay: cannot reach http:\/\/127\.0\.0\.1:9\/v1/);
    // No turn got through, so no session is kept: none is announced either, nor a command to resume it.
    expect(screen(t)).not.toMatch(/Session saved|Resume it with/);
    const sessions = path.join(cwd, '.roleplay', 'sessions');
    expect(existsSync(sessions) ? readdirSync(sessions) : []).toEqual([]);
  });

  it('draws a resumed session as resumed from its first frame, not as the run it was left in', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'roleplay-resume-'));
    start('left', 120, 40, cwd);
    await untilScreen('left', 'the TUI', 'waiting for you', 15_000);
    // The sanity check, then the CEO's opening turn.
    keys('left', 'Space');
    await untilScreen('left', 'the sanity check', 'next: CEO (lead) -> CPO', 15_000);
    keys('left', 'Space');
    await untilScreen('left', 'the first turn', 'next: CPO (assistant) -> CEO', 15_000);
    keys('left', 'q');
    expect(await exitCodeOf('left', cwd, 15_000)).toBe('130');
    rmSync(path.join(cwd, 'exit-code'));
    start('resumed', 120, 40, cwd, ['--demo', '--resume', 'latest'], 'frames.log');
    await untilScreen('resumed', 'the resumed run', 'waiting for you', 15_000);
    // It runs on the config the session recorded, and the header says so, not "built-in seed workflow".
    expect(screen('resumed')).toMatch(/^roleplay │ workflow of session \d{8}-\d{6}-[0-9a-f]{6}\b/);
    keys('resumed', 'q');
    expect(await exitCodeOf('resumed', cwd, 15_000)).toBe('130');
    const written = readFileSync(path.join(cwd, 'frames.log'), 'utf8');
    const live = written.indexOf('waiting for you');
    expect(live).toBeGreaterThan(0);
    // The first frames, until the resumed run's: none of them says the run is over.
    expect(written.slice(0, live)).not.toMatch(/The run is over|done \(quit\)/);
  });

  it('prints a resume command that works as printed, with --out when the run had one', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'roleplay-out-'));
    const t = 'out';
    start(t, 120, 40, cwd, ['--demo', '--out', 'my runs', 'a todo app']);
    await untilScreen(t, 'the TUI', 'waiting for you', 15_000);
    keys(t, 'q');
    expect(await exitCodeOf(t, cwd, 15_000)).toBe('130');
    const printed = /Resume it with: (roleplay --resume \S+ --out 'my runs')/.exec(screen(t).replace(/\n/g, ''))?.[1];
    expect(printed, screen(t)).toBeDefined();
    const resumed = await runPrinted(printed!, '--demo-instant', { cwd, timeoutMs: 30_000 });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/^roleplay: resuming session /);
    expect(existsSync(path.join(cwd, '.roleplay'))).toBe(false);
  });
});
