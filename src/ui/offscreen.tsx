/**
 * The TUI off screen: the real App, over an EngineStore over a ReplayPlayer of a recorded session, rendered by Ink
 * into a fake terminal of a given size, in the 16 colours of the terminal theme. The player runs on a clock the
 * caller drives (a virtual one), and React hears of the events only when the caller settles the view, so what it
 * draws depends on the recording only. The README's picture (scripts/screenshot) and `roleplay replay --cast`
 * draw with it.
 */
import { EventEmitter } from 'node:events';
import chalk from 'chalk';
import { render } from 'ink';
import type { EngineEvent } from '../engine/events.js';
import { pricer } from '../session/pricing.js';
import { ReplayPlayer, type ReplayClock, type ReplayOptions } from '../session/replayPlayer.js';
import { App } from './App.js';
import { loadMarkdown } from './markdown.js';
import { EngineStore, type EventSource } from './engineStore.js';

/** A terminal that keeps the last frame Ink wrote. */
class FakeStdout extends EventEmitter {
  lastFrame = '';
  writes = 0;
  readonly isTTY = true;
  constructor(
    readonly columns: number,
    readonly rows: number,
  ) {
    super();
  }
  write = (frame: string) => {
    this.lastFrame = frame;
    this.writes++;
    return true;
  };
}

/** A keyboard nobody types on. */
class FakeStdin extends EventEmitter {
  readonly isTTY = true;
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read = () => null;
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A clock that never waits: a sleep moves it on (after `beforeSleep`, if given) and resolves at once. */
export function virtualClock(beforeSleep?: (from: number, to: number) => Promise<void>): ReplayClock {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms) => {
      const to = now + ms;
      if (beforeSleep) await beforeSleep(now, to);
      now = to;
      await tick();
    },
  };
}

export interface OffscreenOptions {
  columns: number;
  rows: number;
  clock: ReplayClock;
  speed?: number;
  maxGapMs?: ReplayOptions['maxGapMs'];
  /** What the header calls the workflow, as `roleplay replay` would. */
  workflow: string;
  /** The view hears this many of the recording's events, and none after them. Default: all. */
  until?: number;
}

export interface Offscreen {
  player: ReplayPlayer;
  /** Tells React what happened since the last time, lets Ink draw, and returns the frame (with its escape codes). */
  settle(): Promise<string>;
  dispose(): void;
}

export async function renderOffscreen(events: readonly EngineEvent[], options: OffscreenOptions): Promise<Offscreen> {
  await loadMarkdown();
  const player = new ReplayPlayer(events, { mode: 'auto', clock: options.clock, speed: options.speed, maxGapMs: options.maxGapMs });
  const until = options.until ?? Infinity;
  const source: EventSource = {
    subscribe(listener) {
      let played = 0;
      return player.subscribe((event) => {
        if (++played <= until) listener(event);
      });
    },
  };
  // The store never flushes by itself: settle() does.
  const store = new EngineStore(source, 2 ** 30, () => options.clock.now());
  const started = events[0];
  const prices = started?.type === 'run.started' ? started.config?.prices : undefined;

  // 16 colours, whatever this terminal supports: the pictures have the 16-colour palette.
  const level = chalk.level;
  chalk.level = 1;
  const stdout = new FakeStdout(options.columns, options.rows);
  const app = render(<App store={store} engine={player} workflow={options.workflow} onExit={() => {}} costOf={pricer(prices ?? {})} />, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: new FakeStdout(options.columns, options.rows) as unknown as NodeJS.WriteStream,
    stdin: new FakeStdin() as unknown as NodeJS.ReadStream,
    // Every render is written whole, at once: no throttle on the wall clock.
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  return {
    player,
    async settle() {
      store.flush();
      // Until Ink has drawn what React made of it (effects that lay out again draw twice).
      let writes = -1;
      for (let i = 0; i < 50 && writes !== stdout.writes; i++) {
        writes = stdout.writes;
        await tick();
      }
      return stdout.lastFrame;
    },
    dispose() {
      app.unmount();
      app.cleanup();
      store.dispose();
      chalk.level = level;
    },
  };
}
