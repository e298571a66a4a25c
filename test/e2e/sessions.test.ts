import { cpSync, readFileSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../support/cli.js';
import { PRESET_SPEAKERS } from '../support/fakeOpenAI.js';

const EXAMPLE = path.join(ROOT, 'examples', 'software-company');
const CONVERSATIONS = Object.keys(PRESET_SPEAKERS);
const EXAMPLE_ID = (JSON.parse(readFileSync(path.join(EXAMPLE, 'events.jsonl'), 'utf8').split('\n')[0]!) as { sessionId: string }).sessionId;
const OLDER = '20240101-120000-0a0a0a';

/** One line on stderr, exit code 2. */
function expectUsage(result: { code: number | null; stdout: string; stderr: string }, pattern: RegExp) {
  expect(result.code).toBe(2);
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(result.stderr.trimEnd()).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('roleplay sessions, export and replay', () => {
  let cwd: string;
  beforeAll(() => {
    cwd = tempDir();
    const sessions = path.join(cwd, '.roleplay', 'sessions');
    cpSync(EXAMPLE, path.join(sessions, EXAMPLE_ID), { recursive: true });
    // An older session that was killed mid-run: its journal stops in the middle of a line.
    const lines = readFileSync(path.join(EXAMPLE, 'events.jsonl'), 'utf8').split('\n').slice(0, 40);
    cpSync(EXAMPLE, path.join(sessions, OLDER), { recursive: true });
    writeFileSync(path.join(sessions, OLDER, 'events.jsonl'), `${lines.join('\n')}\n`);
    appendFileSync(path.join(sessions, OLDER, 'events.jsonl'), '{"type":"token","turnId":"t9","text":"cut o');
  });

  it('sessions lists them newest first, as columns or JSON', async () => {
    const result = await runCli(['sessions'], { cwd });
    expect(result.code).toBe(0);
    const rows = result.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^ID\s+STARTED\s+STATUS\s+TURNS\s+TOKENS\s+TASK$/);
    expect(rows[1]).toMatch(new RegExp(`^${EXAMPLE_ID}\\s+\\S+ \\S+\\s+completed\\s+25\\s+~\\d+\\s+I want a to create users in my application!$`));
    expect(rows[2]).toMatch(new RegExp(`^${OLDER}\\s+.*\\s+interrupted\\s+`));
    expect(rows).toHaveLength(3);

    const json = await runCli(['sessions', '--json'], { cwd });
    const objects = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(objects.map((o) => [o.id, o.status])).toEqual([
      [EXAMPLE_ID, 'completed'],
      [OLDER, 'interrupted'],
    ]);
    expect(objects[0]).toMatchObject({ turns: 25, conversations: { ended: 8, total: 8 }, task: 'I want a to create users in my application!' });
    expect(objects[1]).toMatchObject({ torn: true });

    const elsewhere = await runCli(['sessions', '-o', 'nowhere'], { cwd });
    expect(elsewhere.code).toBe(0);
    expect(elsewhere.stdout).toBe('');
    expect(elsewhere.stderr).toContain('No sessions in nowhere/sessions');
  });

  it('export writes md to stdout and json to an owner-only file it will not overwrite without --force', async () => {
    const md = await runCli(['export', 'latest'], { cwd });
    expect(md.code).toBe(0);
    expect(md.stdout).toBe(readFileSync(path.join(EXAMPLE, 'transcript.md'), 'utf8'));

    const file = path.join(cwd, 'session.json');
    const json = await runCli(['export', EXAMPLE_ID.slice(0, 10), '--format', 'json', '--output', 'session.json'], { cwd });
    expect(json.code).toBe(0);
    expect(json.stdout).toBe('');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    expect(doc.session).toMatchObject({ id: EXAMPLE_ID, status: 'completed', task: 'I want a to create users in my application!' });
    const conversations = doc.phases.flatMap((p: { conversations: Array<{ name: string; turns: unknown[] }> }) => p.conversations);
    expect(conversations.map((c: { name: string }) => c.name)).toEqual(CONVERSATIONS);
    expect(conversations.every((c: { turns: unknown[] }) => c.turns.length >= 2)).toBe(true);
    expect(doc.artifacts).toHaveLength(8);

    expectUsage(
      await runCli(['export', EXAMPLE_ID, '--output', 'session.json'], { cwd }),
      /^roleplay: session\.json already exists: pass --force to overwrite it$/m,
    );
    const forced = await runCli(['export', EXAMPLE_ID, '--output', 'session.json', '--format', 'md', '--force'], { cwd });
    expect(forced.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/^# roleplay session /);

    expectUsage(await runCli(['export', 'latest', '--format', 'xml'], { cwd }), /^roleplay: --format takes md, json or html, not "xml"$/m);
    // The torn session still exports.
    const torn = await runCli(['export', OLDER], { cwd });
    expect(torn.code).toBe(0);
    expect(torn.stdout).toContain('### Design (Modalities)');
  });

  it('replay example --headless plays the whole shipped session offline', async () => {
    const result = await runCli(['replay', 'example', '--headless', '--speed', '1000'], { cwd: tempDir() });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`Replaying session ${EXAMPLE_ID} at 1000x`);
    expect(result.stdout).toMatch(/^roleplay: I want a to create users in my application!\n/);
    for (const [name, [lead, assistant]] of Object.entries(PRESET_SPEAKERS)) {
      expect(result.stdout).toContain(`--- ${name}: ${lead} (lead) with ${assistant}, `);
    }
    expect(result.stdout.match(/--- ended with END CONVERSATION after \d turns/g)).toHaveLength(8);
    expect(result.stdout).toContain('=== Phase 4/4: Documenting ===');
    expect(result.stdout.trimEnd()).toMatch(/Run completed: 25 turns, \d+ tokens \(estimated\)\.$/);

    const json = await runCli(['replay', 'example', '--json', '--speed', '1000'], { cwd });
    const events = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events[0]).toMatchObject({ type: 'run.started', mode: 'auto' });
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'completed' });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  });

  it('bad sessions and flags: one line, exit 2', async () => {
    expectUsage(
      await runCli(['replay', 'nosuch'], { cwd }),
      /^roleplay: no session "nosuch" in \.roleplay\/sessions \(run "roleplay sessions" to list them\)$/,
    );
    expectUsage(await runCli(['replay', '2'], { cwd }), /^roleplay: session "2" is ambiguous/);
    expectUsage(await runCli(['replay', 'example', '--speed', '0'], { cwd }), /^roleplay: --speed takes a number above 0/);
    expectUsage(await runCli(['replay', 'latest', '--auto', '--step'], { cwd }), /contradict/);
    expectUsage(await runCli(['export', 'missing/events.jsonl'], { cwd }), /^roleplay: no such session file or directory: missing\/events\.jsonl$/);
    expectUsage(await runCli(['replay', 'latest'], { cwd: tempDir() }), /^roleplay: no sessions in \.roleplay\/sessions yet/);
  });
});
