/**
 * A broken journal through the CLI: replay, export, sessions and --resume each say what is wrong in one line,
 * file:line first, and exit 2, with no stack trace. (Runs the built CLI: `npm run build` first.)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../support/cli.js';

const EXAMPLE = readFileSync(path.join(ROOT, 'examples', 'software-company', 'events.jsonl'), 'utf8')
  .trimEnd()
  .split('\n');

/** Each case: a session id and the lines of its journal, and the line the error must name. */
const CASES: Array<{ id: string; lines: string[]; error: RegExp }> = [
  {
    id: '20250101-000001-000001',
    lines: [...EXAMPLE.slice(0, 3), '\u0000\u00ff garbage \u001b[31m', ...EXAMPLE.slice(3)],
    error: /:4: not a JSON event; is this a roleplay events\.jsonl\?$/,
  },
  {
    id: '20250101-000002-000002',
    lines: [EXAMPLE[0]!, EXAMPLE[2]!, EXAMPLE[1]!, ...EXAMPLE.slice(3)],
    error: /:2: token for turn "t1", which has not started$/,
  },
  {
    id: '20250101-000003-000003',
    lines: [EXAMPLE[0]!, EXAMPLE[1]!.replace('"role":"system"', '"role":"robot"'), ...EXAMPLE.slice(2)],
    error: /:2: turn\.started: request\.add\[0\]\.role: expected one of "system", "user", "assistant", got string "robot"$/,
  },
  {
    id: '20250101-000004-000004',
    lines: [EXAMPLE[0]!.slice(0, -1).concat(',"version":7}'), ...EXAMPLE.slice(1)],
    error: /:1: written by a newer roleplay \(journal version 7\); update roleplay to read it$/,
  },
  {
    id: '20250101-000005-000005',
    lines: [EXAMPLE[0]!, `{"type":"token","turnId":"t1","text":"${'x'.repeat(2_000_000)}","seq":2,"t":1,"huge":true}`, ...EXAMPLE.slice(1)],
    error: /:2: token: unknown field "huge"$/,
  },
];

function expectOneLine(result: { code: number | null; stderr: string }, id: string, error: RegExp) {
  expect(result.code).toBe(2);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines.at(-1)).toMatch(new RegExp(`^roleplay: \\.roleplay/sessions/${id}/events\\.jsonl${error.source}`));
  expect(result.stderr).not.toMatch(/\n\s+at |TypeError|\u001b/);
}

describe('broken journals through the CLI', () => {
  let cwd: string;
  beforeAll(() => {
    cwd = tempDir();
    for (const { id, lines } of CASES) {
      mkdirSync(path.join(cwd, '.roleplay', 'sessions', id), { recursive: true });
      writeFileSync(path.join(cwd, '.roleplay', 'sessions', id, 'events.jsonl'), `${lines.join('\n')}\n`);
    }
  });

  it.each(CASES)('replay --headless, export and --resume of $id: one line, exit 2', async ({ id, error }) => {
    const [replay, exported, resumed] = await Promise.all([
      runCli(['replay', id, '--headless', '--speed', '1000'], { cwd }),
      runCli(['export', id], { cwd }),
      runCli(['--resume', id, '--demo-instant'], { cwd }),
    ]);
    for (const result of [replay, exported, resumed]) {
      expectOneLine(result, id, error);
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
    expect(exported.stdout).toBe('');
  });

  it('sessions lists every session, each broken one with its error, says each error on stderr, and exits 2', async () => {
    const result = await runCli(['sessions'], { cwd });
    expect(result.code).toBe(2);
    const rows = result.stdout.trimEnd().split('\n');
    expect(rows).toHaveLength(CASES.length + 1);
    for (const row of rows.slice(1)) expect(row).toMatch(/^\S+\s+\S+ \S+\s+unreadable\s+0\s+0\s+\.roleplay\/sessions\//);
    const errors = result.stderr.trimEnd().split('\n');
    expect(errors).toHaveLength(CASES.length);
    for (const { id, error } of CASES)
      expect(errors.some((line) => line.startsWith(`roleplay: .roleplay/sessions/${id}/events.jsonl:`) && error.test(line))).toBe(true);
    expect(result.stderr).not.toMatch(/\n\s+at |\u001b/);

    const json = await runCli(['sessions', '--json'], { cwd });
    expect(json.code).toBe(2);
    expect(
      json.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).error),
    ).toHaveLength(CASES.length);
  });

  it('an empty journal is unreadable to every command alike', async () => {
    const dir = tempDir();
    const id = '20250101-000009-000009';
    mkdirSync(path.join(dir, '.roleplay', 'sessions', id), { recursive: true });
    writeFileSync(path.join(dir, '.roleplay', 'sessions', id, 'events.jsonl'), '');
    for (const args of [['sessions'], ['replay', id, '--headless'], ['export', id], ['--resume', id, '--demo-instant']]) {
      const result = await runCli(args, { cwd: dir });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr.trimEnd().split('\n').at(-1)).toBe(`roleplay: .roleplay/sessions/${id}/events.jsonl holds no events`);
    }
  });
});
