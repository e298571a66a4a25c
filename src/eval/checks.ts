/** The checks of one finished run: how it ended, its turns and cost, its artifacts, and the suite's own functions. */
import { compiledConfigCache } from '../config/configFile.js';
import { UsageError } from '../errors.js';
import type { Checks } from './suite.js';

/** What a check (and a check function) sees of a finished run. */
export interface EvalRun {
  task: string;
  taskName: string;
  variant: string;
  /** 1-based. */
  repeat: number;
  status: 'completed' | 'quit' | 'budget' | 'failed';
  reason: string | null;
  sessionId: string;
  sessionDir: string;
  /** Replies that stand. */
  turns: number;
  promptTokens: number;
  completionTokens: number;
  /** True when some usage was estimated from the text. */
  estimated: boolean;
  /** USD, or null when a model's price is not known (the demo model, local models). */
  costUsd: number | null;
  durationMs: number;
  conversations: Array<{ name: string; endReason: string | null; turns: number }>;
  /** By artifact name. */
  artifacts: Record<string, { text: string; incomplete: boolean }>;
}

export interface CheckResult {
  name: string;
  passed: boolean;
  message?: string;
}

/** A check function's answer: true or nothing passes; false or a string (why) fails; or `{ pass, message }`. */
type CheckAnswer = boolean | string | undefined | void | { pass: boolean; message?: string };
export type CheckFunction = (run: EvalRun) => CheckAnswer | Promise<CheckAnswer>;

/** Loads every check function up front, so a broken one is a bad suite, not a thousand failed runs. */
export async function loadCheckFunctions(files: Array<{ file: string; field: string }>, shown: string): Promise<Map<string, CheckFunction>> {
  const loaded = new Map<string, CheckFunction>();
  if (files.length === 0) return loaded;
  // jiti (190 KB) loads only for a suite with check files: an eval without them keeps it out of its heap.
  const { createJiti } = await import('jiti');
  const jiti = createJiti(import.meta.url, { moduleCache: false, fsCache: compiledConfigCache(), interopDefault: true });
  for (const { file, field } of files) {
    if (loaded.has(file)) continue;
    let mod: Record<string, unknown>;
    try {
      mod = await jiti.import<Record<string, unknown>>(file);
    } catch (error) {
      const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]?.trim();
      throw new UsageError(`${shown}: ${field}: cannot load it: ${message}`);
    }
    const fn = mod.default;
    if (typeof fn !== 'function') throw new UsageError(`${shown}: ${field}: has no default export function: write "export default (run) => ..."`);
    loaded.set(file, fn as CheckFunction);
  }
  return loaded;
}

function relativeName(file: string): string {
  return file.split(/[\\/]/).slice(-1)[0] ?? file;
}

/** Runs every check of `checks` on the run; never throws (a check function that throws fails its check). */
export async function runChecks(run: EvalRun, checks: Checks, functions: ReadonlyMap<string, CheckFunction>): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  if (checks.endConversation) {
    const other = run.conversations.filter((c) => c.endReason !== 'end-marker');
    results.push({
      name: 'every conversation ended by END CONVERSATION',
      passed: other.length === 0,
      ...(other.length ? { message: other.map((c) => `${c.name}: ${c.endReason ?? 'not run'}`).join('; ') } : {}),
    });
  }
  if (checks.maxTurns !== undefined) {
    const passed = run.turns <= checks.maxTurns;
    results.push({ name: `at most ${checks.maxTurns} turns`, passed, ...(passed ? {} : { message: `${run.turns} turns` }) });
  }
  if (checks.maxCostUsd !== undefined) {
    const name = `costs at most $${checks.maxCostUsd}`;
    if (run.costUsd === null)
      results.push({ name, passed: false, message: 'the cost is not known: a model has no price (add it under "prices" in the config)' });
    else {
      const passed = run.costUsd <= checks.maxCostUsd;
      results.push({ name, passed, ...(passed ? {} : { message: `cost $${run.costUsd.toFixed(4)}` }) });
    }
  }
  for (const check of checks.artifacts) {
    const name = `${check.artifact} ${check.text}`;
    const artifact = run.artifacts[check.artifact];
    if (!artifact) {
      results.push({ name, passed: false, message: `no artifact "${check.artifact}" was written` });
      continue;
    }
    const passed = check.matches ? check.matches.test(artifact.text) : artifact.text.includes(check.contains ?? '');
    results.push({ name, passed, ...(passed ? {} : { message: `${artifact.text.length} characters, no match` }) });
  }
  for (const { file } of checks.scripts) {
    const name = relativeName(file);
    const fn = functions.get(file);
    if (!fn) {
      results.push({ name, passed: false, message: 'not loaded' });
      continue;
    }
    try {
      results.push({ name, ...answerOf(await fn(run)) });
    } catch (error) {
      results.push({ name, passed: false, message: `threw: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
  return results;
}

function answerOf(answer: CheckAnswer): { passed: boolean; message?: string } {
  if (answer === undefined || answer === true) return { passed: true };
  if (answer === false) return { passed: false };
  if (typeof answer === 'string') return { passed: false, message: answer };
  return { passed: answer.pass, ...(answer.message ? { message: answer.message } : {}) };
}
