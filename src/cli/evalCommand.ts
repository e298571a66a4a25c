/**
 * `roleplay eval <suite>`: every task of a suite with every variant, `repeats` times, headless in this process, a
 * few at a time; each run checked, recorded in `<out>/runs.jsonl` as it ends and saved as a session of its own.
 * Running the same suite into the same folder again goes on where it stopped.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadCheckFunctions } from '../eval/checks.js';
import { RUNS_FILE, RunLog, currentRecords, failedChecks, summarize, summaryTable, writeJunit, type RunRecord } from '../eval/results.js';
import { EvalRunner, type PlannedRun, type PreparedVariant } from '../eval/runner.js';
import { BackoffProvider, SharedBackoff } from '../eval/sharedBackoff.js';
import { loadSuite, parseSuite, type Suite } from '../eval/suite.js';
import { ConfigError, EXIT, UsageError } from '../errors.js';
import { sanitize } from '../text/sanitize.js';
import { onInterrupt } from './interrupt.js';
import { prepareRun } from './setup.js';
import { count } from '../text/count.js';

export interface EvalFlags {
  out?: string;
  concurrency?: number;
  junit?: string;
  resume?: boolean;
  demo?: boolean;
}

/** `roleplay eval --demo`: two tasks, the two context strategies, twice each, on the offline demo model. */
const DEMO_SUITE = `name: demo
repeats: 2
tasks:
  - name: photos
    task: a command-line tool that renames photos by the date they were taken
  - name: todo
    task: a small to-do list app with due dates
variants:
  - name: thread
    demo: true
    context: thread
  - name: scoped
    demo: true
    context: scoped
checks:
  endConversation: true
  maxTurns: 40
  artifacts:
    - artifact: Code
      matches: "/\`\`\`python/"
    - artifact: Manual
      contains: "# Manual"
`;

const DEFAULT_CONCURRENCY = 2;

const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);
const fileText = (file: string | undefined) => (file && existsSync(file) ? readFileSync(file, 'utf8') : '');

export async function evalCommand(
  suiteFile: string | undefined,
  flags: EvalFlags,
  write: (text: string) => void,
  note: (text: string) => void,
): Promise<number> {
  const cwd = process.cwd();
  if (suiteFile === undefined && !flags.demo) throw new UsageError('eval: name a suite file (YAML or JSON), or run the built-in one with --demo');
  const suite = suiteFile === undefined ? parseSuite(DEMO_SUITE, path.join(cwd, 'demo.yaml'), 'the demo suite') : loadSuite(suiteFile, cwd);
  const shown = suiteFile === undefined ? 'the demo suite' : path.relative(cwd, suite.file) || suite.file;
  const outDir = path.resolve(cwd, flags.out ?? path.join('.roleplay', 'eval', suite.name));
  const runsFile = path.join(outDir, RUNS_FILE);
  if (flags.resume && !existsSync(runsFile)) {
    throw new UsageError(
      `--resume: nothing to resume in ${path.relative(cwd, outDir) || outDir}: it has no ${RUNS_FILE} (drop --resume to start the suite)`,
    );
  }
  const junit = flags.junit === undefined ? undefined : path.resolve(cwd, flags.junit);
  if (junit !== undefined && !isFolder(path.dirname(junit))) throw new UsageError(`--junit: the folder of ${flags.junit} does not exist`);
  const functions = await loadCheckFunctions([...suite.checks.scripts, ...suite.tasks.flatMap((t) => t.checks.scripts)], shown);
  const variants = await prepareVariants(suite, shown, flags, cwd);
  const plan = planRuns(suite, variants);
  const fingerprints = new Map(plan.map((run) => [run.key, run.fingerprint]));
  const fingerprintOf = (key: string) => fingerprints.get(key);

  const done = new Set<string>();
  for await (const record of currentRecords(runsFile, fingerprintOf)) done.add(record.key);
  const todo = plan.filter((run) => !done.has(run.key));
  const concurrency = flags.concurrency ?? DEFAULT_CONCURRENCY;
  const where = path.relative(cwd, outDir) || outDir;
  const shape = `${suite.tasks.length} task${suite.tasks.length === 1 ? '' : 's'} x ${suite.variants.length} variant${suite.variants.length === 1 ? '' : 's'} x ${suite.repeats}`;
  const log = openLog(outDir, where);
  note(
    `eval ${sanitize(suite.name)}: ${plan.length} run${plan.length === 1 ? '' : 's'} (${shape})${done.size ? `, ${done.size} already finished` : ''}, ${todo.length ? `${Math.min(concurrency, todo.length)} at a time` : 'nothing left to run'}; results in ${where}/${RUNS_FILE}\n`,
  );

  const logFault: { message: string | null } = { message: null };
  const progress = new Progress(todo.length, process.stderr.isTTY === true, note);
  const runner = new EvalRunner({
    outDir,
    concurrency,
    suiteChecks: suite.checks,
    functions,
    onStart: () => progress.started(),
    onDone: (record) => {
      try {
        log.append(record);
      } catch (error) {
        // A result that cannot be recorded would be run again, and paid for again: stop here.
        logFault.message ??= `cannot write ${where}/${RUNS_FILE}: ${errorCode(error)}`;
        runner.stop(logFault.message);
        return;
      }
      progress.finished(record);
    },
  });
  const interrupt = onInterrupt((reason) => runner.stop(reason));
  let result: Awaited<ReturnType<EvalRunner['run']>>;
  try {
    result = await runner.run(todo);
  } finally {
    interrupt.dispose();
    progress.end();
  }
  if (logFault.message) {
    note(`roleplay: ${sanitize(logFault.message)}\n`);
    return EXIT.failed;
  }
  if (result.setupFault) {
    note(`roleplay: variant "${sanitize(result.setupFault.variant)}": ${sanitize(result.setupFault.message)}\n`);
    return EXIT.usage;
  }

  const summaries = await summarize(
    runsFile,
    suite.variants.map((v) => v.name),
    fingerprintOf,
  );
  write(`${sanitize(summaryTable(summaries))}\n`);
  const open = (record: RunRecord) => `roleplay replay ${shellWord(path.relative(cwd, record.session) || record.session)}`;
  let failed = 0;
  const failures: string[] = [];
  for await (const record of currentRecords(runsFile, fingerprintOf)) {
    if (record.passed) continue;
    failed++;
    if (failures.length >= 10) continue;
    failures.push(`  ${record.key}: ${failedChecks(record)} (${open(record)})`);
  }
  if (failures.length)
    write(`\nFailed runs${failed > failures.length ? ` (the first ${failures.length} of ${failed})` : ''}:\n${sanitize(failures.join('\n'))}\n`);
  if (junit !== undefined) {
    try {
      await writeJunit(junit, suite.name, summaries, runsFile, fingerprintOf, open);
      note(`JUnit report: ${flags.junit}\n`);
    } catch (error) {
      note(`roleplay: --junit: cannot write ${flags.junit}: ${errorCode(error)}\n`);
      return EXIT.failed;
    }
  }
  const recorded = summaries.reduce((n, s) => n + s.runs, 0);
  note(`All runs: ${where}/${RUNS_FILE}; each names its session, which opens with "roleplay replay <session>".\n`);
  if (result.stopped || recorded < plan.length) {
    note(`roleplay: stopped: ${recorded} of ${plan.length} runs finished. Run the same command again to go on.\n`);
    return EXIT.interrupted;
  }
  return failed === 0 ? EXIT.ok : EXIT.failed;
}

const errorCode = (error: unknown) => (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));

function isFolder(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

function openLog(outDir: string, where: string): RunLog {
  try {
    return new RunLog(outDir);
  } catch (error) {
    throw new UsageError(`cannot write the results to ${where}: ${errorCode(error)} (choose another folder with --out)`);
  }
}

const shellWord = (word: string) => (/^[\w./@:+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

/** Each variant's config (with its overrides) and provider, set up once; a mistake names the variant's field. */
async function prepareVariants(suite: Suite, shown: string, flags: EvalFlags, cwd: string): Promise<PreparedVariant[]> {
  const backoffs = new Map<string, SharedBackoff>();
  const prepared: PreparedVariant[] = [];
  for (const variant of suite.variants) {
    let setup: Awaited<ReturnType<typeof prepareRun>>;
    try {
      setup = await prepareRun(
        [],
        {
          config: variant.config,
          model: variant.model,
          baseUrl: variant.baseUrl,
          demo: variant.demo === true || flags.demo === true,
          demoInstant: true,
          maxTurns: variant.maxTurns,
          context: variant.context,
          headless: true,
        },
        { cwd, env: process.env, stdoutIsTTY: false, stdinIsTTY: false },
      );
    } catch (error) {
      if (error instanceof UsageError || error instanceof ConfigError) throw new UsageError(`${shown}: ${variant.field}: ${error.message}`);
      throw error;
    }
    const { config } = setup;
    for (const [name, text] of Object.entries(variant.prompts ?? {}))
      if (text !== undefined) config.prompts[name as keyof typeof config.prompts] = text;
    const key = setup.endpoint ?? setup.model;
    let backoff = backoffs.get(key);
    if (!backoff) backoffs.set(key, (backoff = new SharedBackoff(config.retry.baseDelayMs, config.retry.maxDelayMs)));
    prepared.push({
      name: variant.name,
      config,
      provider: new BackoffProvider(setup.provider, backoff),
      model: setup.model,
      endpoint: setup.endpoint,
    });
  }
  return prepared;
}

/** Every run of the suite, task by task; each with a fingerprint of everything that decides its outcome. */
function planRuns(suite: Suite, variants: readonly PreparedVariant[]): PlannedRun[] {
  const plan: PlannedRun[] = [];
  const scripts = (files: Array<{ file: string }>) => files.map((f) => hash(fileText(f.file)));
  for (const task of suite.tasks) {
    for (const [i, variant] of variants.entries()) {
      const def = suite.variants[i];
      const fingerprint = hash(
        JSON.stringify({
          task: task.task,
          checks: [suite.checks, task.checks].map((c) => ({
            ...c,
            artifacts: c.artifacts.map((a) => [a.artifact, a.text]),
            scripts: scripts(c.scripts),
          })),
          variant: { ...def, field: undefined, config: hash(fileText(def?.config)) },
          resolved: { config: variant.config, model: variant.model, endpoint: variant.endpoint },
        }),
      );
      for (let repeat = 1; repeat <= suite.repeats; repeat++) {
        plan.push({ key: `${task.name}/${variant.name}/${repeat}`, fingerprint, task, variant, repeat });
      }
    }
  }
  return plan;
}

/** A bar redrawn in place on a terminal; a line per finished run otherwise. On stderr: stdout gets the table. */
class Progress {
  private done = 0;
  private passed = 0;
  private running = 0;
  private readonly began = Date.now();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly total: number,
    private readonly tty: boolean,
    private readonly write: (text: string) => void,
  ) {
    if (tty && total > 0) {
      this.timer = setInterval(() => this.draw(), 1000);
      this.timer.unref();
    }
  }

  started(): void {
    this.running++;
    if (this.tty) this.draw();
  }

  finished(record: RunRecord): void {
    this.running--;
    this.done++;
    if (record.passed) this.passed++;
    if (this.tty) return this.draw();
    const verdict = record.passed ? 'passed' : `FAILED ${failedChecks(record)}`;
    this.write(
      `[${this.done}/${this.total}] ${sanitize(record.key)}: ${sanitize(verdict)} (${count(record.turns, 'turn')}, ${(record.durationMs / 1000).toFixed(1)} s)\n`,
    );
  }

  private draw(): void {
    const width = 30;
    const filled = this.total ? Math.round((this.done / this.total) * width) : width;
    const seconds = Math.round((Date.now() - this.began) / 1000);
    const failed = this.done - this.passed;
    this.write(
      `\r\u001b[2K[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${this.done}/${this.total} runs, ${this.passed} passed, ${failed} failed, ${this.running} running, ${seconds} s`,
    );
  }

  end(): void {
    clearInterval(this.timer);
    if (this.tty && this.total > 0) this.write('\n');
  }
}
