/**
 * Starts the TUI: the alternate screen, the Ink app and the run, and puts the terminal back on every way
 * out (q, Ctrl+C twice, SIGTERM, a crash). The session journal is closed before the process may exit.
 */
import path from 'node:path';
import { render } from 'ink';
import type { DebugCommands, EngineCommands, Usage } from '../engine/events.js';
import { sanitize } from '../text/sanitize.js';
import { App } from './App.js';
import { EngineStore, type EventSource } from './engineStore.js';
import { loadMarkdown } from './markdown.js';
import type { BranchActions, TuiNext } from './branches.js';

/** What the TUI drives: a live engine, or a replay of a recorded session (which has no debug commands). */
export interface TuiRun<R> extends EngineCommands, Partial<DebugCommands>, EventSource {
  run(): Promise<R>;
}

/** How the TUI was left, and what the run had come to by then. */
export interface TuiClosed<R> {
  /**
   * You (q or Ctrl+C twice, SIGINT, SIGTERM), the terminal going away (SIGHUP), a crash of the TUI, or a session
   * that could no longer be saved (the TUI left, and said so).
   */
  by: 'you' | 'hangup' | 'crash' | 'fault';
  /** What `run()` returned, when the run had ended by itself before the TUI was left; else undefined. */
  ended: R | undefined;
  /** Left for another session (f, or the branch list): what the CLI opens next. */
  next?: TuiNext;
}

export interface TuiOptions {
  /** What the header calls the workflow: the config file, the built-in seed, or the replayed session. */
  workflow: string;
  costOf?: (model: string, usage: Pick<Usage, 'promptTokens' | 'completionTokens'>) => number | undefined;
  reloader?: { reload(): Promise<void> };
  /** The live session's journal, closed on every way out; a replay writes none. */
  journal?: {
    close(): void;
    readonly dir: string;
    /** Set once a write to the session failed: the TUI leaves, then says so. */
    readonly fault?: { readonly message: string } | null;
    onFault?(listener: () => void): () => void;
  };
  /** What to do with the session once the run is over (export it, replay it): the run's summary shows them. */
  nextCommands?: string[];
  /** Take the mouse wheel to scroll (the default); false leaves the mouse to the terminal. */
  mouse?: boolean;
  /** The saved session's folder: f forks it, b lists its branches (the TUI is left for the one chosen). */
  branchesOf?: string;
}

const ENTER = '\x1b[?1049h\x1b[?2004h\x1b[H';
// Bracketed paste off, cursor shown, main screen back.
const LEAVE = '\x1b[?2004l\x1b[?25h\x1b[?1049l';
// Mouse reports for the wheel: button events (1000) in SGR form (1006), which holds any column. While they are on,
// most terminals select text with Shift held; --no-mouse leaves the mouse to the terminal.
const MOUSE_ON = '\x1b[?1000h\x1b[?1006h';
const MOUSE_OFF = '\x1b[?1006l\x1b[?1000l';
const HIDE_CURSOR = '\x1b[?25l';
/** How long quitting waits for the engine to stop the reply in flight and record the end of the run. */
const QUIT_GRACE_MS = 2000;

export async function runTui<R>(engine: TuiRun<R>, options: TuiOptions): Promise<TuiClosed<R>> {
  const { journal, reloader, mouse = true } = options;
  const stdout = process.stdout;
  let restored = false;
  let terminalGone = false;
  const restore = () => {
    if (restored || terminalGone) return;
    restored = true;
    stdout.write((mouse ? MOUSE_OFF : '') + LEAVE);
  };
  stdout.write(ENTER + (mouse ? MOUSE_ON : ''));
  // The last resort if something ends the process on a path that skips the normal exit.
  const lastResort = () => {
    journal?.close();
    restore();
  };
  process.on('exit', lastResort);

  const store = new EngineStore(engine);
  // The Markdown renderer loads once the first frame is up, and the run starts when it has: the first frame waits
  // for it only when it already shows messages (a resumed or forked session), and then the run starts before that
  // frame, so it shows the resumed run and not the state it was left in. A renderer that failed to load makes the
  // first message crash the TUI, which then leaves as from any crash.
  const markdown = loadMarkdown().catch(() => undefined);
  const resumed = Boolean(engine.history?.length);
  if (resumed) await markdown;
  let ended: R | undefined;
  const finished = (resumed ? engine.run() : markdown.then(() => engine.run())).then(
    (result) => void (ended = result),
    () => undefined,
  );

  let resolveClosed: (closed: TuiClosed<R>) => void = () => {};
  const closed = new Promise<TuiClosed<R>>((resolve) => (resolveClosed = resolve));
  let exiting = false;
  let next: TuiNext | undefined;
  const exit = async (by: TuiClosed<R>['by']) => {
    if (exiting) return;
    exiting = true;
    // What the run had come to when it was left, before quitting ends it.
    const outcome = { by, ended, ...(next ? { next } : {}) };
    engine.quit(by === 'hangup' ? 'the terminal hung up' : undefined);
    await Promise.race([finished, new Promise((resolve) => setTimeout(resolve, QUIT_GRACE_MS))]);
    journal?.close();
    store.flush();
    instance.unmount();
    await instance.waitUntilExit().catch(() => undefined);
    store.dispose();
    restore();
    resolveClosed(outcome);
  };
  const onSignal = () => void exit('you');
  // The terminal hung up: writes to it now fail (EIO). Write nothing more to it, but still save the session.
  const onHangup = () => {
    terminalGone = true;
    void exit('hangup');
  };
  const onWriteError = () => onHangup();
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('SIGHUP', onHangup);
  stdout.on('error', onWriteError);
  // The run itself is stopped by whoever owns the engine (runCommand halts it); the TUI only has to leave.
  const offFault = journal?.onFault?.(() => void exit('fault'));
  const branches: BranchActions | undefined = options.branchesOf
    ? {
        dir: options.branchesOf,
        leave: (to) => {
          next = to;
          void exit('you');
        },
      }
    : undefined;

  const instance = render(
    <App
      store={store}
      engine={engine}
      reloader={reloader}
      workflow={options.workflow}
      costOf={options.costOf}
      onExit={() => void exit('you')}
      branches={branches}
      terminal={{
        // Around $VISUAL / $EDITOR: the editor gets the main screen and the mouse; then the TUI's modes come back.
        leave: () => void stdout.write((mouse ? MOUSE_OFF : '') + LEAVE),
        enter: () => void stdout.write(ENTER + HIDE_CURSOR + (mouse ? MOUSE_ON : '')),
      }}
      {...(journal ? { saved: { dir: path.relative(process.cwd(), journal.dir) || journal.dir, commands: options.nextCommands ?? [] } } : {})}
    />,
    {
      exitOnCtrlC: false,
      patchConsole: true,
      // Only the lines that changed are written: ~10x fewer bytes a streamed token (docs/rendering.md).
      incrementalRendering: true,
      // Ink waits this long between two frames (1000 / maxFps ms; 30 by default): a key press waits at most 17 ms
      // for its frame. A streaming reply still redraws 12.5 times a second (engineStore.ts).
      maxFps: 60,
    },
  );
  // Ink ends the app by itself only when rendering crashed: leave cleanly all the same.
  instance.waitUntilExit().then(
    () => void exit('crash'),
    () => void exit('crash'),
  );

  try {
    const result = await closed;
    const fault = journal?.fault;
    if (fault) {
      if (!terminalGone) process.stderr.write(`roleplay: ${sanitize(fault.message)}\n`);
      return { ...result, by: 'fault' };
    }
    return result;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    process.off('SIGHUP', onHangup);
    process.off('exit', lastResort);
    offFault?.();
    journal?.close();
    restore();
  }
}
