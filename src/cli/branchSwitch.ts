/**
 * Where the TUI goes when it is left for another session (`f`, the branch list): a fork of the session (which then
 * runs live), another session opened (resumed, or replayed once it completed), or the compare view of two. The
 * session left is saved and closed first (runTui), so a fork of it reads a journal no one writes.
 */
import type { TuiNext } from '../ui/branches.js';
import type { RunFlags } from './setup.js';
import { loadDiff } from './diffCommand.js';
import { openSession } from '../session/sessionStore.js';
import { loadCompareTui } from './loadTui.js';
import { replayCommand } from './sessionCommands.js';
import { runCommand } from './runCommand.js';
import { takeSwitch } from './nextSession.js';

/** A completed session is replayed at once (there is nothing left to run); any other is resumed. */
async function open(dir: string, flags: RunFlags): Promise<number> {
  const journal = openSession(dir, { outDir: flags.out ?? '.roleplay' });
  const finished = journal.events.findLast((e) => e.type === 'run.finished' || e.type === 'run.resumed' || e.type === 'run.forked');
  if (finished?.type === 'run.finished' && finished.status === 'completed') {
    return replayCommand(dir, { speed: '1000', ...(flags.out ? { out: flags.out } : {}), ...(flags.mouse === false ? { mouse: false } : {}) });
  }
  return runCommand([], session(flags, { resume: dir }));
}

/** The run's own flags, less the ones that named the session left (and its label). */
function session(flags: RunFlags, add: Partial<RunFlags>): RunFlags {
  const { resume: _resume, fork: _fork, label: _label, ...rest } = flags;
  // A resume keeps the session's own config: the flags that would change it are for forks.
  if (add.resume !== undefined) {
    const { config: _config, maxTurns: _maxTurns, context: _context, ...kept } = rest;
    return { ...kept, ...add };
  }
  return { ...rest, ...add };
}

/** Opens the sessions the TUI was left for, one after the other, until one is left for good; returns its exit code. */
export async function followSwitches(code: number): Promise<number> {
  for (let taken = takeSwitch(); taken; taken = takeSwitch()) code = await followBranch(taken.next, taken.flags);
  return code;
}

function followBranch(next: TuiNext, flags: RunFlags): Promise<number> {
  switch (next.kind) {
    case 'fork':
      return runCommand([], session(flags, { fork: `${next.dir}@${next.reply}` }));
    case 'open':
      return open(next.dir, flags);
    case 'compare':
      return compare(next.a, next.b, flags);
  }
}

async function compare(a: string, b: string, flags: RunFlags): Promise<number> {
  const { runCompareTui } = await loadCompareTui();
  await runCompareTui(loadDiff(a, b, flags.out ?? '.roleplay'));
  // Back to the session the comparison was made from.
  return open(a, flags);
}
