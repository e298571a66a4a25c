/**
 * The results of an eval: one JSON line per finished run in `<out>/runs.jsonl`, appended as each run ends. The
 * file is what makes a suite resumable (a run recorded with the same fingerprint is not run again) and what the
 * summary and the JUnit report are built from, a line at a time: nothing holds every run in memory.
 */
import { closeSync, createReadStream, existsSync, openSync, readSync, statSync, writeSync, appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { CheckResult } from './checks.js';

export const RUNS_FILE = 'runs.jsonl';

export interface RunRecord {
  /** `<task>/<variant>/<repeat>`. */
  key: string;
  /** A hash of what the run ran (task, variant, checks, config file): a changed suite runs again. */
  fingerprint: string;
  task: string;
  variant: string;
  repeat: number;
  passed: boolean;
  status: string;
  reason: string | null;
  checks: CheckResult[];
  turns: number;
  promptTokens: number;
  completionTokens: number;
  estimated: boolean;
  costUsd: number | null;
  durationMs: number;
  sessionId: string;
  /** The session's folder: it opens in `replay`, `export` and `check`. */
  session: string;
  finishedAt: string;
}

/** Appends records to runs.jsonl, one whole line each; a line torn by a kill is ended first. */
export class RunLog {
  readonly file: string;

  constructor(outDir: string) {
    mkdirSync(outDir, { recursive: true });
    this.file = path.join(outDir, RUNS_FILE);
    if (existsSync(this.file) && statSync(this.file).size > 0 && !endsWithNewline(this.file)) appendFileSync(this.file, '\n');
  }

  append(record: RunRecord): void {
    appendFileSync(this.file, `${JSON.stringify(record)}\n`);
  }
}

function endsWithNewline(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, statSync(file).size - 1);
    return last[0] === 0x0a;
  } finally {
    closeSync(fd);
  }
}

/** Every record of the file, one at a time; lines that are not records (torn by a kill) are skipped. */
async function* readRecords(file: string): AsyncGenerator<RunRecord> {
  if (!existsSync(file)) return;
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue;
    }
    if (isRecord(value)) yield value;
  }
}

function isRecord(value: unknown): value is RunRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return typeof r.key === 'string' && typeof r.fingerprint === 'string' && typeof r.variant === 'string' && typeof r.passed === 'boolean';
}

/** The records that belong to the plan: its key with its fingerprint, the first of each key. */
export async function* currentRecords(file: string, fingerprintOf: (key: string) => string | undefined): AsyncGenerator<RunRecord> {
  const seen = new Set<string>();
  for await (const record of readRecords(file)) {
    if (fingerprintOf(record.key) !== record.fingerprint || seen.has(record.key)) continue;
    seen.add(record.key);
    yield record;
  }
}

/** Mean and spread of a series, a value at a time (Welford). */
class Series {
  n = 0;
  private mean = 0;
  private m2 = 0;

  add(value: number): void {
    this.n++;
    const delta = value - this.mean;
    this.mean += delta / this.n;
    this.m2 += delta * (value - this.mean);
  }

  get average(): number {
    return this.mean;
  }

  /** The sample standard deviation; 0 for fewer than two values. */
  get spread(): number {
    return this.n > 1 ? Math.sqrt(this.m2 / (this.n - 1)) : 0;
  }
}

export interface VariantSummary {
  variant: string;
  runs: number;
  passed: number;
  turns: Series;
  tokens: Series;
  /** Over the runs whose cost is known. */
  cost: Series;
  unpriced: number;
  seconds: Series;
  estimated: boolean;
}

/** The summary of every current record, by variant in the suite's order. */
export async function summarize(
  file: string,
  variants: readonly string[],
  fingerprintOf: (key: string) => string | undefined,
): Promise<VariantSummary[]> {
  const byVariant = new Map<string, VariantSummary>(
    variants.map((variant) => [
      variant,
      {
        variant,
        runs: 0,
        passed: 0,
        turns: new Series(),
        tokens: new Series(),
        cost: new Series(),
        unpriced: 0,
        seconds: new Series(),
        estimated: false,
      },
    ]),
  );
  for await (const record of currentRecords(file, fingerprintOf)) {
    const summary = byVariant.get(record.variant);
    if (!summary) continue;
    summary.runs++;
    if (record.passed) summary.passed++;
    summary.turns.add(record.turns);
    summary.tokens.add(record.promptTokens + record.completionTokens);
    if (record.costUsd === null) summary.unpriced++;
    else summary.cost.add(record.costUsd);
    summary.seconds.add(record.durationMs / 1000);
    summary.estimated ||= record.estimated;
  }
  return [...byVariant.values()];
}

const spread = (series: Series, digits: number, prefix = '') =>
  series.n === 0 ? '—' : `${prefix}${series.average.toFixed(digits)}${series.n > 1 ? ` ± ${series.spread.toFixed(digits)}` : ''}`;

/** The summary as a Markdown table: pass rate, turns, tokens, cost and time per variant, mean ± spread. */
export function summaryTable(summaries: readonly VariantSummary[]): string {
  const rows = summaries.map((s) => {
    const rate = s.runs ? `${Math.round((s.passed / s.runs) * 100)} % (${s.passed}/${s.runs})` : '—';
    const cost = s.cost.n ? `${spread(s.cost, 4, '$')}${s.unpriced ? ` (${s.unpriced} unpriced)` : ''}` : s.runs ? 'unpriced' : '—';
    return [s.variant, rate, spread(s.turns, 1), `${spread(s.tokens, 0)}${s.estimated && s.tokens.n ? ' ~' : ''}`, cost, spread(s.seconds, 1)];
  });
  const head = ['variant', 'pass rate', 'turns', 'tokens', 'cost (USD)', 'time (s)'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

// ---- JUnit XML ------------------------------------------------------------------------------------------

/** Text for XML: escaped, and without the characters XML 1.0 cannot hold at all. */
function xml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** What failed in a run, every check of it: `name: message; name: message`, or how the run ended when no check did. */
export function failedChecks(record: RunRecord): string {
  const failed = record.checks.filter((c) => !c.passed);
  return failed.length ? failed.map((c) => `${c.name}${c.message ? `: ${c.message}` : ''}`).join('; ') : `the run ${record.status}`;
}

/**
 * Writes the JUnit XML report: one <testsuite> per variant, one <testcase> per run (`<task> #<repeat>`), a
 * <failure> naming the checks that failed, and the run's session in <system-out>. Read from the JSONL file
 * once per variant, written as it goes.
 */
export async function writeJunit(
  target: string,
  suite: string,
  summaries: readonly VariantSummary[],
  file: string,
  fingerprintOf: (key: string) => string | undefined,
  openCommand: (record: RunRecord) => string,
): Promise<void> {
  const fd = openSync(target, 'w');
  const put = (text: string) => writeSync(fd, text);
  try {
    const tests = summaries.reduce((n, s) => n + s.runs, 0);
    const failures = summaries.reduce((n, s) => n + s.runs - s.passed, 0);
    const time = summaries.reduce((n, s) => n + s.seconds.average * s.seconds.n, 0);
    put(
      `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xml(suite)}" tests="${tests}" failures="${failures}" errors="0" time="${time.toFixed(3)}">\n`,
    );
    for (const summary of summaries) {
      const seconds = summary.seconds.average * summary.seconds.n;
      put(
        `  <testsuite name="${xml(`${suite}.${summary.variant}`)}" tests="${summary.runs}" failures="${summary.runs - summary.passed}" errors="0" skipped="0" time="${seconds.toFixed(3)}">\n`,
      );
      for await (const record of currentRecords(file, fingerprintOf)) {
        if (record.variant !== summary.variant) continue;
        put(
          `    <testcase classname="${xml(`${suite}.${record.variant}`)}" name="${xml(`${record.task} #${record.repeat}`)}" time="${(record.durationMs / 1000).toFixed(3)}">\n`,
        );
        if (!record.passed) {
          const body = record.checks
            .filter((c) => !c.passed)
            .map((c) => `${c.name}${c.message ? `: ${c.message}` : ''}`)
            .join('\n');
          put(`      <failure message="${xml(failedChecks(record))}" type="check">${xml(body)}</failure>\n`);
        }
        put(`      <system-out>${xml(`session: ${record.session}\nopen it: ${openCommand(record)}`)}</system-out>\n`);
        put('    </testcase>\n');
      }
      put('  </testsuite>\n');
    }
    put('</testsuites>\n');
  } finally {
    closeSync(fd);
  }
}
