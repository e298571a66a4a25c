/**
 * `roleplay replay <session> --cast <file>`: the TUI's frames as an asciicast v2 file. Every event is parsed; the
 * same session gives the same bytes; and, where tmux and asciinema are installed, the cast played into a real
 * terminal ends on the very screen the live replay in the TUI ends on.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, runCli, tempDir } from '../support/cli.js';
import { hasTmux, installed, tmuxServer } from '../support/tmux.js';
import { hostileRun, stamp, writeSession } from '../session/fixtures.js';

const EXAMPLE_JOURNAL = path.join(ROOT, 'examples', 'software-company', 'events.jsonl');
const EXAMPLE = readFileSync(EXAMPLE_JOURNAL, 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as { type: string; t: number; sessionId?: string });
const EXAMPLE_ID = EXAMPLE[0]!.sessionId!;

const hasAsciinema = installed('asciinema');
/** Drawing the example's 800 frames takes about 3 s on an idle machine; a busy one is slower. */
const SLOW = 90_000;

interface Cast {
  header: Record<string, unknown>;
  events: Array<[number, string, string]>;
}

/** Parses a cast and checks it against the asciicast v2 format as it goes. */
function parseCast(text: string): Cast {
  expect(text.endsWith('\n')).toBe(true);
  const [first, ...rest] = text.slice(0, -1).split('\n');
  const header = JSON.parse(first!) as Record<string, unknown>;
  expect(header).toMatchObject({ version: 2 });
  expect(Number.isInteger(header.width) && Number.isInteger(header.height)).toBe(true);
  const theme = header.theme as { fg: string; bg: string; palette: string };
  expect(theme.fg).toMatch(/^#[0-9a-f]{6}$/);
  expect(theme.bg).toMatch(/^#[0-9a-f]{6}$/);
  expect(theme.palette.split(':')).toHaveLength(16);
  for (const colour of theme.palette.split(':')) expect(colour).toMatch(/^#[0-9a-f]{6}$/);
  let previous = -1;
  const events = rest.map((line) => {
    const event = JSON.parse(line) as [number, string, string];
    expect(event).toHaveLength(3);
    const [time, code, data] = event;
    expect(typeof time === 'number' && Number.isFinite(time)).toBe(true);
    expect(time).toBeGreaterThan(previous);
    previous = time;
    expect(code).toBe('o');
    expect(typeof data === 'string' && data.length > 0).toBe(true);
    return event;
  });
  if (typeof header.duration === 'number') expect(header.duration).toBe(previous);
  return { header, events };
}

/** The rows and columns a cast's output reaches: every cursor move stays inside the terminal, and so does each line. */
function extent(cast: Cast): { rows: number; columns: number } {
  let rows = 0;
  let columns = 0;
  for (const [, , data] of cast.events) {
    for (const [, row, line] of data.matchAll(/\x1b\[(\d+);1H\x1b\[0m\x1b\[2K((?:(?!\x1b\[\d+;1H).)*)/gs)) {
      rows = Math.max(rows, Number(row));
      columns = Math.max(columns, [...line!.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')].length);
    }
  }
  return { rows, columns };
}

describe('replay --cast', () => {
  let cwd: string;
  beforeAll(() => {
    cwd = tempDir('roleplay-cast-');
  });

  it('writes the example as an asciicast v2 file, at the recording timing, the same bytes every time', { timeout: 3 * SLOW }, async () => {
    const result = await runCli(['replay', 'example', '--cast', 'demo.cast'], { cwd, timeoutMs: SLOW });
    expect(result.stderr).toMatch(new RegExp(`^Wrote demo.cast \\(asciicast v2, 120x40, \\d+ frames, \\d+ s long, session ${EXAMPLE_ID}\\)\\.\\n$`));
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    const text = readFileSync(path.join(cwd, 'demo.cast'), 'utf8');
    expect(statSync(path.join(cwd, 'demo.cast')).mode & 0o777).toBe(0o600);
    const cast = parseCast(text);
    // Nothing of the environment goes in: these keys and no others.
    expect(Object.keys(cast.header)).toEqual(['version', 'width', 'height', 'timestamp', 'duration', 'title', 'theme']);
    expect(cast.header).toMatchObject({ width: 120, height: 40, title: `roleplay replay ${EXAMPLE_ID}` });
    expect(text).not.toMatch(/OPENAI|api[_-]?key|sk-|HOME|PATH=/i);
    // At the recording's pace: the example's pauses are all under the 2 s idle limit, so the cast lasts as long.
    const recorded = EXAMPLE.at(-1)!.t / 1000;
    expect(cast.header.duration as number).toBeGreaterThan(recorded - 0.1);
    expect(cast.header.duration as number).toBeLessThan(recorded + 0.1);
    // Frames at most as often as the TUI draws them (33 ms apart), and one for the streamed tokens as they come.
    const times = cast.events.map(([time]) => time);
    for (let i = 1; i < times.length; i++) expect(Math.round((times[i]! - times[i - 1]!) * 1000)).toBeGreaterThanOrEqual(33);
    expect(cast.events.length).toBeGreaterThan(300);
    // The first frame clears the screen and hides the cursor; the screens show the TUI.
    expect(cast.events[0]![2].startsWith('\x1b[?25l\x1b[H\x1b[2J')).toBe(true);
    const all = cast.events.map(([, , data]) => data).join('');
    for (const seen of ['Timeline', 'Design (Modalities)', 'Documenting (Manual)', 'The run is over', 'AUTO']) expect(all).toContain(seen);
    // The TUI spans the width, and leaves the last row free as it does on a terminal.
    expect(extent(cast)).toEqual({ rows: 39, columns: 120 });

    const again = await runCli(['replay', 'example', '--cast', 'again.cast'], { cwd, timeoutMs: SLOW });
    expect(again.code).toBe(0);
    expect(readFileSync(path.join(cwd, 'again.cast'), 'utf8')).toBe(text);
  });

  it('takes --speed, --idle-limit, --cols and --rows', { timeout: SLOW }, async () => {
    const result = await runCli(
      ['replay', 'example', '--cast', 'small.cast', '--speed', '4', '--idle-limit', '0.2', '--cols', '80', '--rows', '24'],
      { cwd },
    );
    expect(result.code).toBe(0);
    const cast = parseCast(readFileSync(path.join(cwd, 'small.cast'), 'utf8'));
    expect(cast.header).toMatchObject({ width: 80, height: 24 });
    expect(extent(cast).columns).toBe(80);
    expect(extent(cast).rows).toBeLessThanOrEqual(24);
    // Each pause is cut to 0.2 s, then the whole plays 4 times as fast.
    let expected = 0;
    for (let i = 1; i < EXAMPLE.length; i++) expected += Math.min(EXAMPLE[i]!.t - EXAMPLE[i - 1]!.t, 200) / 4;
    expect(cast.header.duration as number).toBeGreaterThan(expected / 1000 - 0.01);
    expect(cast.header.duration as number).toBeLessThan(expected / 1000 + 0.05);
  });

  it('--idle-limit also paces a replay played headless', async () => {
    // The example lasts 58 s at its own pace; with every pause cut to 1 ms it plays in a moment.
    const started = Date.now();
    const result = await runCli(['replay', 'example', '--headless', '--idle-limit', '0.001'], { cwd });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Documenting (Manual)');
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('refuses to overwrite a file without --force, and bad values, with one line and exit code 2', { timeout: 2 * SLOW }, async () => {
    writeFileSync(path.join(cwd, 'kept.cast'), 'mine');
    const refused = await runCli(['replay', 'example', '--cast', 'kept.cast'], { cwd });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe('roleplay: kept.cast already exists: pass --force to overwrite it\n');
    expect(readFileSync(path.join(cwd, 'kept.cast'), 'utf8')).toBe('mine');
    const forced = await runCli(['replay', 'example', '--cast', 'kept.cast', '-f', '--speed', '100'], { cwd, timeoutMs: SLOW });
    expect(forced.code).toBe(0);
    parseCast(readFileSync(path.join(cwd, 'kept.cast'), 'utf8'));

    const bad: Array<[string[], RegExp]> = [
      [['--cast', 'x.cast', '--cols', '10'], /^roleplay: --cols takes a whole number from 40 to 1000, not "10"$/],
      [['--cast', 'x.cast', '--rows', 'many'], /^roleplay: --rows takes a whole number from 10 to 1000, not "many"$/],
      [['--cast', 'x.cast', '--speed', '0'], /^roleplay: --speed takes a number above 0/],
      [['--cast', 'x.cast', '--idle-limit', '-1'], /^roleplay: --idle-limit takes a number of seconds above 0/],
      [['--cast', ' '], /^roleplay: --cast needs a file name/],
      [['--cast', 'x.cast', '--json'], /^roleplay: --json does not go with --cast/],
      [['--cols', '80'], /^roleplay: --cols only goes with --cast <file>$/],
      [['--cast', 'nowhere/x.cast'], /^roleplay: cannot write nowhere\/x.cast: its folder does not exist$/],
    ];
    for (const [args, message] of bad) {
      const result = await runCli(['replay', 'example', ...args], { cwd });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr.trimEnd().split('\n'), args.join(' ')).toHaveLength(1);
      expect(result.stderr.trimEnd()).toMatch(message);
    }
    expect(existsSync(path.join(cwd, 'x.cast'))).toBe(false);
  });

  it('lets no escape sequence of the model through: the TUI draws its text sanitised, as on a terminal', { timeout: SLOW }, async () => {
    const dir = writeSession(path.join(cwd, 'hostile'), '20250102-030405-aaaaaa', stamp(hostileRun()));
    const result = await runCli(['replay', dir, '--cast', 'hostile.cast'], { cwd, timeoutMs: SLOW });
    expect(result.code).toBe(0);
    const cast = parseCast(readFileSync(path.join(cwd, 'hostile.cast'), 'utf8'));
    const all = cast.events.map(([, , data]) => data).join('');
    expect(all).toContain('osc link');
    // Only what the cast itself writes: SGR, cursor moves, line and screen clears, the hidden cursor.
    const sequences = new Set(all.match(/\x1b(\[[0-9;?]*[A-Za-z]|.)/g));
    for (const sequence of sequences) expect(sequence).toMatch(/^\x1b\[([0-9;]*m|\d+;1H|2K|2J|H|\?25l)$/);
    expect(all).not.toMatch(/[\x07\u202e]/);
  });

  describe.skipIf(!hasTmux || !hasAsciinema)('played by asciinema in a real terminal', () => {
    const tmux = tmuxServer();
    afterAll(() => tmux.kill());

    it('ends on the same screen, colours included, as the live replay in the TUI', { timeout: SLOW }, async () => {
      const dir = tempDir('roleplay-cast-play-');
      const made = await runCli(['replay', 'example', '--cast', 'fast.cast', '--speed', '1000'], { cwd: dir, timeoutMs: SLOW });
      expect(made.code).toBe(0);
      tmux.shell('cast', dir, 'asciinema cat fast.cast');
      // In colour, as a person's terminal is (the CLI's other tmux tests run with CI=true, which turns colours off).
      tmux.shell('live', dir, `env -u CI -u FORCE_COLOR -u NO_COLOR ${process.execPath} ${CLI} replay example --speed 1000`);
      const start = Date.now();
      let cast = '';
      let live = '';
      while (Date.now() - start < 15_000) {
        cast = tmux.lookOf('cast');
        live = tmux.lookOf('live');
        if (cast.includes('The run is over') && cast === live) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(cast).toContain('The run is over');
      expect(cast).toContain('fg=3');
      expect(cast).toBe(live);
    });
  });
});
