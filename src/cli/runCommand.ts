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
import { switchTo } from './nextSession.js';

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
  let fork: { parent: string; reply: number } | undefined;
  if (flags.resume !== undefined && flags.fork !== undefined) {
    throw new UsageError('--fork and --resume contradict each other: a fork is a new session, pass one of them');
  }
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
  } else if (flags.fork !== undefined) {
    const { openForkSource } = await import('../session/fork.js');
    const { prepareFork } = await import('./forkSetup.js');
    const childId = newSessionId();
    const source = openForkSource(flags.fork, childId, { outDir: flags.out ?? '.roleplay', cwd: io.cwd });
    resume = resumePoint(source.history);
    fork = { parent: source.parentId, reply: source.reply };
    setup = await prepareFork(resume, taskWords, flags, io);
    journal = SessionJournal.fork(setup.outDir, childId, source.history);
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
    api: setup.api,
    endpoints: setup.endpoints,
    ...(resume ? { resume } : {}),
    ...(fork ? { fork } : {}),
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
      ...(fork
        ? [{ code: 'fork', message: `A fork of ${fork.parent}: its first ${fork.reply - 1} replies, then its own from reply ${fork.reply}` }]
        : []),
    ],
  });
  if (flags.label !== undefined) {
    const { writeLabel } = await import('../session/labels.js');
    writeLabel(journal.dir, flags.label);
  }
  engine.subscribe((event) => journal.record(event));
  // A session that cannot be saved stops the run, headless or not: going on would only lose the turns it pays for.
  journal.onFault((fault) => engine.halt(fault.message));
  const reloader = setup.configPath ? new ConfigReloader(engine, setup.configPath, (config) => applyOverrides(config, flags)) : undefined;
  reloader?.start();
  try {
    if (setup.headless) return await runHeadless(engine, journal, setup);
    const { runTui } = await (tuiModule ?? loadTui());
    // Where the workflow comes from, for the header: a resume or a fork runs on the config its session recorded.
    const workflow = setup.configPath
      ? path.relative(process.cwd(), setup.configPath) || setup.configPath
      : resume
        ? `workflow of session ${fork ? fork.parent : journal.sessionId}`
        : 'built-in seed workflow';
    const closed = await runTui(engine, {
      workflow,
      journal,
      nextCommands: [sessionCommand(['export'], journal, process.cwd()), sessionCommand(['replay'], journal, process.cwd())],
      costOf: pricer(setup.config.prices),
      mouse: flags.mouse !== false,
      ...(reloader ? { reloader } : {}),
      branchesOf: journal.dir,
    });
    // Where the session is, said once the TUI has left and only of a session that stays: not after a write to it
    // failed (the TUI said so), nor to a terminal that hung up, nor of one the line below discards.
    const saved = () => {
      if (closed.by === 'fault' || closed.by === 'hangup') return;
      const hint = closed.ended?.status === 'completed' ? '' : `. Resume it with: ${resumeCommand(journal, process.cwd())}`;
      process.stderr.write(`Session saved in ${path.relative(process.cwd(), journal.dir) || journal.dir}${hint}\n`);
    };
    if (closed.next && !journal.fault) {
      saved();
      switchTo(closed.next, flags);
      return EXIT.ok;
    }
    // Left while the server could not be used at all (never reached, key refused): the same line and code as headless.
    const fault = engine.setupFault;
    if (fault && closed.by === 'you') {
      process.stderr.write(`roleplay: ${sanitize(fault)}${keepOrDiscard(journal)}\n`);
      return EXIT.usage;
    }
    saved();
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
      process.stderr.write(`roleplay: ${sanitize(result.reason ?? 'the model could not be used')}${keepOrDiscard(journal)}\n`);
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

/**
 * After a setup fault (a server, key, model or request the user must fix): a session in which nothing ran is not one
 * to list, resume or call `latest`, and goes; one with replies that stand is kept (a role's model unknown at its first
 * turn, a thread grown past the model's context), and the line says how to go on.
 */
function keepOrDiscard(journal: SessionJournal): string {
  if (journal.state.totals.turns === 0) {
    journal.discard();
    return '';
  }
  journal.close();
  return `. The session is saved: fix that, then resume it with: ${resumeCommand(journal, process.cwd())}`;
}

/** --max-cost counts only turns it can price: say which models it cannot, the roles' own (and their endpoints') included. */
function unpricedNotices(setup: RunSetup): Array<{ code: string; message: string }> {
  const price = pricer(setup.config.prices);
  const served = new Map<string, { model: string; endpoint: string | undefined }>([[setup.model, { model: setup.model, endpoint: undefined }]]);
  if (setup.model !== 'demo') {
    for (const role of setup.config.workflow.roles) {
      const model = role.model ?? (role.endpoint !== undefined ? setup.endpoints.get(role.endpoint)?.model : undefined) ?? setup.model;
      served.set(role.endpoint === undefined ? model : `${role.endpoint}/${model}`, { model, endpoint: role.endpoint });
    }
  }
  const unpriced = [...served]
    .filter(([, s]) => price(s.model, { promptTokens: 1, completionTokens: 1 }, s.endpoint) === undefined)
    .map(([name]) => name);
  if (!unpriced.length) return [];
  const names = unpriced.map((m) => `"${m}"`).join(', ');
  return [
    { code: 'max-cost', message: `No price is known for model ${names}: --max-cost does not count its turns. Add it under "prices" in the config.` },
  ];
}
