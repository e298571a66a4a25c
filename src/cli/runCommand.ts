import path from 'node:path';
import { Engine } from '../engine/engine.js';
import { newSessionId, SessionJournal } from '../session/journal.js';
import { sanitize } from '../text/sanitize.js';
import { EXIT, UsageError } from '../errors.js';
import { jsonView, plainView } from './headlessView.js';
import { resumePoint, ResumeError, type ResumePoint } from '../engine/resume.js';
import { pricer } from '../session/pricing.js';
import { ConfigReloader } from './configReloader.js';
import { onInterrupt } from './interrupt.js';
import { loadTui } from './loadTui.js';
import { applyOverrides, chooseView, prepareResume, prepareRun, type RunFlags, type RunSetup } from './setup.js';
import { exitCodeFor } from './exitCode.js';
import { resumeCommand, sessionCommand } from './resumeHint.js';

function willShowTui(flags: RunFlags, io: { stdoutIsTTY: boolean; stdinIsTTY: boolean }): boolean {
  try {
    return !chooseView(flags, io).headless;
  } catch {
    return false; // the setup reports the contradiction
  }
}

export async function runCommand(taskWords: string[], flags: RunFlags): Promise<number> {
  const io = {
    cwd: process.cwd(),
    env: process.env,
    stdoutIsTTY: process.stdout.isTTY === true,
    stdinIsTTY: process.stdin.isTTY === true,
  };
  // A run on a terminal starts loading the TUI now, while its session is set up: Ink's layout engine compiles
  // its WebAssembly off the main thread meanwhile.
  const tuiModule = willShowTui(flags, io) ? loadTui() : undefined;
  tuiModule?.catch(() => {});
  let setup: RunSetup;
  let journal: SessionJournal;
  let resume: ResumePoint | undefined;
  if (flags.resume !== undefined) {
    // The journal reader validates with zod: only a resume loads it.
    const { openSession } = await import('../session/sessionStore.js');
    const recorded = openSession(flags.resume, { outDir: flags.out ?? '.roleplay', cwd: io.cwd });
    try {
      resume = resumePoint(recorded.events);
    } catch (error) {
      if (error instanceof ResumeError) throw new UsageError(`cannot resume ${recorded.dir}: ${error.message}`);
      throw error;
    }
    setup = await prepareResume(resume, taskWords, flags, io);
    journal = SessionJournal.resume(recorded.dir, recorded.events);
  } else {
    setup = await prepareRun(taskWords, flags, io);
    journal = SessionJournal.create(setup.outDir, newSessionId());
  }
  const engine = new Engine({
    config: setup.config,
    provider: setup.provider,
    task: setup.task,
    sessionId: journal.sessionId,
    model: setup.model,
    mode: setup.mode,
    onFailure: setup.headless ? 'stop' : 'pause',
    endpoint: setup.endpoint,
    ...(resume ? { resume } : {}),
    breakpoints: flags.break ?? [],
    humans: setup.humans,
    approve: setup.approve,
    onBreakpoint: setup.headless ? 'log' : 'pause',
    costOf: pricer(setup.config.prices),
    ...(flags.maxCost !== undefined ? { maxCostUsd: flags.maxCost } : {}),
    notices: [
      // Headless runs say it on stderr; the TUI covers the terminal, so it says it on screen.
      ...(setup.headless || setup.model !== 'demo' ? [] : [{ code: 'demo', message: setup.providerNote }]),
      ...(flags.maxCost !== undefined ? unpricedNotices(setup) : []),
    ],
  });
  engine.subscribe((event) => journal.record(event));
  // A session that cannot be saved stops the run, headless or not: going on would only lose the turns it pays for.
  journal.onFault((fault) => engine.halt(fault.message));
  const reloader = setup.configPath ? new ConfigReloader(engine, setup.configPath, (config) => applyOverrides(config, flags)) : undefined;
  reloader?.start();
  try {
    if (setup.headless) return await runHeadless(engine, journal, setup);
    const { runTui } = await (tuiModule ?? loadTui());
    const workflow = setup.configPath ? path.relative(process.cwd(), setup.configPath) || setup.configPath : 'built-in seed workflow';
    const closed = await runTui(engine, {
      workflow,
      journal,
      resumeCommand: resumeCommand(journal, process.cwd()),
      nextCommands: [sessionCommand(['export'], journal, process.cwd()), sessionCommand(['replay'], journal, process.cwd())],
      costOf: pricer(setup.config.prices),
      mouse: flags.mouse !== false,
      ...(reloader ? { reloader } : {}),
    });
    // Left while the server could not be used at all (never reached, key refused): the same line and code as headless.
    const fault = engine.setupFault;
    if (fault && closed.by === 'you') {
      journal.discard();
      process.stderr.write(`roleplay: ${sanitize(fault)}\n`);
      return EXIT.usage;
    }
    // q or Ctrl+C twice in a run that had not ended stop it, as Ctrl+C stops a headless one; a crash is a crash.
    if (closed.by === 'crash' || closed.by === 'fault' || !closed.ended) return exitCodeFor({ by: closed.by });
    return exitCodeFor({ by: 'itself', status: closed.ended.status });
  } finally {
    reloader?.stop();
  }
}

async function runHeadless(engine: Engine, journal: SessionJournal, setup: RunSetup): Promise<number> {
  const write = (text: string) => {
    process.stdout.write(text);
  };
  engine.subscribe(setup.json ? jsonView(write) : plainView(write, journal.state));
  process.stderr.write(`${setup.providerNote}\n`);
  const interrupt = onInterrupt(
    (reason) => engine.quit(reason),
    () => journal.close(),
  );
  try {
    const result = await engine.run();
    journal.close();
    // The terminal is gone: the session is saved, and there is no one left to tell.
    if (interrupt.hungUp && result.status === 'quit') return exitCodeFor({ by: 'hangup' });
    if (journal.fault) {
      process.stderr.write(`roleplay: ${sanitize(journal.fault.message)}\n`);
      return EXIT.failed;
    }
    const where = path.relative(process.cwd(), journal.dir) || journal.dir;
    const resume = `Resume it with: ${resumeCommand(journal, process.cwd())}`;
    if (result.setupFault) {
      // Nothing ran: a session of no turns that could not even start is not one to list, resume or call `latest`.
      journal.discard();
      process.stderr.write(`roleplay: ${sanitize(result.reason ?? 'the model could not be used')}\n`);
      return EXIT.usage;
    }
    if (result.status === 'failed') {
      process.stderr.write(`roleplay: the run failed: ${sanitize(result.reason ?? 'unknown error')}. ${resume}\n`);
    } else if ((result.status === 'quit' || result.status === 'budget') && !interrupt.interrupted) {
      process.stderr.write(`roleplay: stopped: ${sanitize(result.reason ?? 'quit')}. ${resume}\n`);
    } else {
      const hint = result.status === 'completed' ? '' : `. ${resume}`;
      process.stderr.write(`Session saved in ${where}${hint}\n`);
    }
    // Only a run that Ctrl+C (or a signal, or a closed pipe) cut short counts as stopped by you: one that ended
    // by itself meanwhile keeps its own outcome, and one that stops without a signal stopped itself (its budget).
    const stoppedByYou = interrupt.interrupted && result.status === 'quit';
    return exitCodeFor(stoppedByYou ? { by: 'you' } : { by: 'itself', status: result.status });
  } finally {
    interrupt.dispose();
  }
}

/** --max-cost counts only turns it can price: say which models it cannot, the roles' own included. */
function unpricedNotices(setup: RunSetup): Array<{ code: string; message: string }> {
  const price = pricer(setup.config.prices);
  const models = new Set([setup.model, ...setup.config.workflow.roles.flatMap((role) => (role.model && setup.model !== 'demo' ? [role.model] : []))]);
  const unpriced = [...models].filter((model) => price(model, { promptTokens: 1, completionTokens: 1 }) === undefined);
  if (!unpriced.length) return [];
  const names = unpriced.map((m) => `"${m}"`).join(', ');
  return [
    { code: 'max-cost', message: `No price is known for model ${names}: --max-cost does not count its turns. Add it under "prices" in the config.` },
  ];
}
