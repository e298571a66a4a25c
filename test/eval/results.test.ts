import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunLog, failedChecks, summarize, summaryTable, writeJunit, type RunRecord } from '../../src/eval/results.js';
import { tempDir } from '../support/cli.js';

const record = (key: string, fields: Partial<RunRecord> = {}): RunRecord => {
  const [task = 't', variant = 'v', repeat = '1'] = key.split('/');
  return {
    key,
    fingerprint: 'f1',
    task,
    variant,
    repeat: Number(repeat),
    passed: true,
    status: 'completed',
    reason: null,
    checks: [],
    turns: 10,
    promptTokens: 100,
    completionTokens: 20,
    estimated: false,
    costUsd: 0.01,
    durationMs: 1000,
    sessionId: 's',
    session: '/tmp/s',
    finishedAt: '2026-12-02T00:00:00.000Z',
    ...fields,
  };
};

describe('eval results', () => {
  it('names every failed check of a run, in the summary line and in the JUnit failure, not only the first', async () => {
    const dir = tempDir('roleplay-results-');
    const checks = [
      { name: 'Code contains "ZZZ"', passed: false, message: '614 characters, no match' },
      { name: 'endConversation', passed: true },
      { name: 't.js', passed: false, message: 'threw: boom' },
    ];
    const failed = record('a/base/1', { passed: false, checks: checks });
    expect(failedChecks(failed)).toBe('Code contains "ZZZ": 614 characters, no match; t.js: threw: boom');
    expect(failedChecks(record('a/base/2', { passed: false, status: 'failed' }))).toBe('the run failed');
    const log = new RunLog(dir);
    log.append(failed);
    const file = path.join(dir, 'runs.jsonl');
    const summaries = await summarize(file, ['base'], () => 'f1');
    const target = path.join(dir, 'junit.xml');
    await writeJunit(
      target,
      'suite',
      summaries,
      file,
      () => 'f1',
      () => 'roleplay replay s',
    );
    const xml = readFileSync(target, 'utf8');
    expect(xml).toContain('<failure message="Code contains &quot;ZZZ&quot;: 614 characters, no match; t.js: threw: boom" type="check">');
  });

  it('summarises each variant: pass rate, and the mean ± sample standard deviation over its runs', async () => {
    const dir = tempDir('roleplay-results-');
    const log = new RunLog(dir);
    log.append(record('a/base/1', { turns: 10, durationMs: 2000, costUsd: 0.01 }));
    log.append(record('a/base/2', { turns: 14, durationMs: 4000, costUsd: 0.03, passed: false }));
    log.append(record('a/base/3', { turns: 12, durationMs: 3000, costUsd: null }));
    // A record of an older version of the suite, and a repeat recorded twice: neither counts.
    log.append(record('a/new/1', { fingerprint: 'old', turns: 99 }));
    log.append(record('a/base/1', { turns: 1000 }));
    log.append(record('a/new/1', { turns: 8, promptTokens: 50, completionTokens: 10, estimated: true }));
    const fingerprints: Record<string, string> = { 'a/base/1': 'f1', 'a/base/2': 'f1', 'a/base/3': 'f1', 'a/new/1': 'f1' };
    const [base, fresh] = await summarize(path.join(dir, 'runs.jsonl'), ['base', 'new'], (key) => fingerprints[key]);
    expect(base?.runs).toBe(3);
    expect(base?.passed).toBe(2);
    expect(base?.turns.average).toBe(12);
    expect(base?.turns.spread).toBe(2);
    expect(base?.seconds.average).toBe(3);
    expect(base?.cost.n).toBe(2);
    expect(base?.unpriced).toBe(1);
    expect(fresh?.runs).toBe(1);
    expect(fresh?.turns.average).toBe(8);
    const table = summaryTable([base, fresh].filter((s) => s !== undefined)).split('\n');
    expect(table[0]).toMatch(/^\| variant +\| pass rate +\| turns +\| tokens +\| cost \(USD\) +\| time \(s\) +\|$/);
    expect(table[2]).toMatch(/^\| base +\| 67 % \(2\/3\) +\| 12\.0 ± 2\.0 \| 120 ± 0 \| \$0\.0200 ± 0\.0141 \(1 unpriced\) \| 3\.0 ± 1\.0 \|$/);
    expect(table[3]).toMatch(/^\| new +\| 100 % \(1\/1\) \| 8\.0 +\| 60 ~ +\| \$0\.0100 +\| 1\.0 +\|$/);
  });

  it('ends a line torn by a kill before it appends, and skips the torn line when it reads', async () => {
    const dir = tempDir('roleplay-results-');
    const file = path.join(dir, 'runs.jsonl');
    writeFileSync(file, `${JSON.stringify(record('a/v/1'))}\n{"key":"a/v/2","fing`);
    new RunLog(dir).append(record('a/v/3'));
    expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(4);
    const [summary] = await summarize(file, ['v'], () => 'f1');
    expect(summary?.runs).toBe(2);
    appendFileSync(file, 'not json\n');
    expect((await summarize(file, ['v'], () => 'f1'))[0]?.runs).toBe(2);
  });
});
