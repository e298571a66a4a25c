/**
 * Runs an eval's plan headless, in this process: a few runs at a time, each an engine writing its own session,
 * checked as it ends and recorded at once. Only the runs in progress are held in memory.
 */
import type { ResolvedConfig } from '../config/resolve.js';
import { Engine } from '../engine/engine.js';
import type { Provider } from '../providers/types.js';
import { costReport } from '../session/costReport.js';
import { newSessionId, SessionJournal } from '../session/journal.js';
import { pricer } from '../session/pricing.js';
import { nameOf } from '../views/runState.js';
import { runChecks, type CheckFunction, type CheckResult, type EvalRun } from './checks.js';
import type { RunRecord } from './results.js';
import type { Checks, SuiteTask } from './suite.js';

/** A variant ready to run: its config with the suite's overrides applied, and its provider. */
export interface PreparedVariant {
  name: string;
  config: ResolvedConfig;
  provider: Provider;
  model: string;
  endpoint: string | null;
}

export interface PlannedRun {
  key: string;
  fingerprint: string;
  task: SuiteTask;
  variant: PreparedVariant;
  repeat: number;
}

export interface RunnerOptions {
  outDir: string;
  concurrency: number;
  suiteChecks: Checks;
  functions: ReadonlyMap<string, CheckFunction>;
  onStart?: (run: PlannedRun) => void;
  onDone: (record: RunRecord) => void;
}

export interface RunnerResult {
  /** Runs that finished and were recorded. */
  finished: number;
  /** Set when a server could not be used at all: the eval stops, nothing of it is recorded. */
  setupFault: { variant: string; message: string } | null;
  stopped: boolean;
}

export class EvalRunner {
  private readonly running = new Set<Engine>();
  private stopping = false;

  constructor(private readonly options: RunnerOptions) {}

  /** Ctrl+C: no run starts any more, the ones going are quit (their sessions are saved) and not recorded. */
  stop(reason = 'quit by the user'): void {
    this.stopping = true;
    for (const engine of this.running) engine.quit(reason);
  }

  async run(plan: readonly PlannedRun[]): Promise<RunnerResult> {
    let next = 0;
    let finished = 0;
    let setupFault: RunnerResult['setupFault'] = null;
    const worker = async () => {
      while (!this.stopping && next < plan.length) {
        const run = plan[next++] as PlannedRun;
        this.options.onStart?.(run);
        const outcome = await this.runOne(run);
        if ('setupFault' in outcome) {
          setupFault ??= { variant: run.variant.name, message: outcome.setupFault };
          this.stop('another run could not reach its server');
          return;
        }
        if (outcome.record) {
          finished++;
          this.options.onDone(outcome.record);
        }
      }
    };
    const workers = Array.from({ length: Math.max(1, Math.min(this.options.concurrency, plan.length)) }, worker);
    await Promise.all(workers);
    return { finished, setupFault, stopped: this.stopping && !setupFault };
  }

  private async runOne(run: PlannedRun): Promise<{ record: RunRecord | null } | { setupFault: string }> {
    const { variant, task } = run;
    const limit = [this.options.suiteChecks.maxCostUsd, task.checks.maxCostUsd].filter((n): n is number => n !== undefined);
    const costOf = pricer(variant.config.prices);
    const journal = SessionJournal.create(this.options.outDir, newSessionId());
    const engine = new Engine({
      config: variant.config,
      provider: variant.provider,
      task: task.task,
      sessionId: journal.sessionId,
      model: variant.model,
      mode: 'auto',
      onFailure: 'stop',
      onBreakpoint: 'log',
      endpoint: variant.endpoint,
      costOf,
      ...(limit.length ? { maxCostUsd: Math.min(...limit) } : {}),
    });
    engine.subscribe((event) => journal.record(event));
    journal.onFault((fault) => engine.halt(fault.message));
    this.running.add(engine);
    const began = Date.now();
    let result: Awaited<ReturnType<Engine['run']>>;
    try {
      result = await engine.run();
    } finally {
      this.running.delete(engine);
      journal.close();
    }
    if (result.setupFault) {
      journal.discard();
      return { setupFault: result.reason ?? 'the model could not be used' };
    }
    // A run the person stopped is not a result: the next eval of the suite runs it again.
    if (result.status === 'quit' && this.stopping) return { record: null };
    const state = journal.state;
    const cost = costReport(state, costOf).total;
    const artifacts: EvalRun['artifacts'] = {};
    for (const [id, artifact] of state.artifacts)
      artifacts[nameOf(state, 'artifacts', id)] = { text: artifact.text, incomplete: artifact.incomplete };
    const facts: EvalRun = {
      task: task.task,
      taskName: task.name,
      variant: variant.name,
      repeat: run.repeat,
      status: result.status,
      reason: result.reason,
      sessionId: journal.sessionId,
      sessionDir: journal.dir,
      turns: state.totals.turns,
      promptTokens: state.totals.promptTokens,
      completionTokens: state.totals.completionTokens,
      estimated: state.totals.estimated,
      costUsd: cost.turns === 0 ? 0 : (cost.usd ?? null),
      durationMs: Date.now() - began,
      conversations: [...state.conversations.values()].map((c) => ({ name: c.name, endReason: c.endReason, turns: c.turns })),
      artifacts,
    };
    const checks: CheckResult[] = [
      {
        name: 'the run completed',
        passed: result.status === 'completed',
        ...(result.status === 'completed' ? {} : { message: `${result.status}${result.reason ? `: ${result.reason}` : ''}` }),
      },
      ...(await runChecks(facts, this.options.suiteChecks, this.options.functions)),
      ...(await runChecks(facts, task.checks, this.options.functions)),
    ];
    if (journal.fault) checks.push({ name: 'the session was saved', passed: false, message: journal.fault.message });
    return {
      record: {
        key: run.key,
        fingerprint: run.fingerprint,
        task: task.name,
        variant: variant.name,
        repeat: run.repeat,
        passed: checks.every((c) => c.passed),
        status: result.status,
        reason: result.reason,
        checks,
        turns: facts.turns,
        promptTokens: facts.promptTokens,
        completionTokens: facts.completionTokens,
        estimated: facts.estimated,
        costUsd: facts.costUsd,
        durationMs: facts.durationMs,
        sessionId: journal.sessionId,
        session: journal.dir,
        finishedAt: new Date().toISOString(),
      },
    };
  }
}
