import path from 'node:path';
import { Engine } from '../engine/engine.js';
import type { RunStatus } from '../engine/events.js';
import { newSessionId, SessionJournal } from '../session/journal.js';
import { EXIT } from './errors.js';
import { jsonView, plainView } from './headlessView.js';
import { prepareRun, type RunFlags, type RunSetup } from './setup.js';

export function exitCodeFor(status: RunStatus, interrupted: boolean): number {
  if (interrupted) return EXIT.interrupted;
  return status === 'completed' ? EXIT.ok : status === 'quit' ? EXIT.interrupted : EXIT.failed;
}

export async function runCommand(taskWords: string[], flags: RunFlags): Promise<number> {
  const setup = await prepareRun(taskWords, flags, {
    cwd: process.cwd(),
    env: process.env,
    stdoutIsTTY: process.stdout.isTTY === true,
    stdinIsTTY: process.stdin.isTTY === true,
  });
  const sessionId = newSessionId();
  const journal = new SessionJournal(setup.outDir, sessionId);
  const engine = new Engine({
    config: setup.config,
    provider: setup.provider,
    task: setup.task,
    sessionId,
    model: setup.model,
    mode: setup.mode,
    onFailure: setup.headless ? 'stop' : 'pause',
  });
  engine.subscribe((event) => journal.record(event));
  if (setup.headless) return runHeadless(engine, journal, setup);
  const { runTui } = await import('../ui/runTui.js');
  return runTui(engine, journal, setup);
}

async function runHeadless(engine: Engine, journal: SessionJournal, setup: RunSetup): Promise<number> {
  const write = (text: string) => {
    process.stdout.write(text);
  };
  engine.subscribe(setup.json ? jsonView(write) : plainView(write, journal.state));
  process.stderr.write(`${setup.providerNote}\n`);
  let interrupted = false;
  const stop = () => {
    if (interrupted) {
      journal.close();
      process.exit(EXIT.interrupted);
    }
    interrupted = true;
    engine.quit();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // A closed pipe (`| head`) ends the run quietly; the session is still saved.
  process.stdout.on('error', () => stop());
  try {
    const result = await engine.run();
    journal.close();
    const where = path.relative(process.cwd(), journal.dir) || journal.dir;
    if (result.setupFault) {
      process.stderr.write(`roleplay: ${result.reason ?? 'the model could not be used'}\n`);
      return EXIT.usage;
    }
    if (result.status === 'failed') {
      process.stderr.write(`roleplay: the run failed: ${result.reason ?? 'unknown error'}. Session saved in ${where}\n`);
    } else {
      process.stderr.write(`Session saved in ${where}\n`);
    }
    return exitCodeFor(result.status, interrupted);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
