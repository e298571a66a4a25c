/**
 * The README's picture of the TUI: the real App, over an EngineStore over a ReplayPlayer of a recorded session,
 * rendered by Ink into a fake terminal of a given size, stopped at a chosen moment of the recording, and the
 * frame turned into SVG. The player runs on a virtual clock, so the picture depends on the recording only.
 */
import { EventEmitter } from 'node:events';
import chalk from 'chalk';
import { render } from 'ink';
import type { EngineEvent } from '../../src/engine/events.js';
import { readJournal } from '../../src/session/journalReader.js';
import { pricer } from '../../src/session/pricing.js';
import { ReplayPlayer, type ReplayClock } from '../../src/session/replayPlayer.js';
import { App } from '../../src/ui/App.js';
import { EngineStore, type EventSource } from '../../src/ui/engineStore.js';
import { ansiToSvg } from './ansiToSvg.js';

/** Where in the recording to stop: after `tokens` streamed pieces of the turn `turn` (0-based) of `conversation`. */
export interface Moment {
  conversation: string;
  turn: number;
  tokens: number;
}

export interface ScreenshotOptions {
  /** A session's events.jsonl. */
  journal: string;
  moment: Moment;
  columns?: number;
  rows?: number;
  /** What the header calls the workflow, as `roleplay replay` would. */
  workflow?: string;
}

/** How many of the recording's events to play to reach `moment`. */
function eventsUntil(events: readonly EngineEvent[], moment: Moment): number {
  let turnId: string | null = null;
  let tokens = 0;
  for (const [i, event] of events.entries()) {
    if (event.type === 'turn.started' && event.conversationId === moment.conversation && event.index === moment.turn) turnId = event.turnId;
    if (turnId && event.type === 'token' && event.turnId === turnId && ++tokens === moment.tokens) return i + 1;
  }
  throw new Error(`the recording has no token ${moment.tokens} in turn ${moment.turn} of conversation "${moment.conversation}"`);
}

/** A clock that never waits: a sleep moves it on and resolves at once. The stamps (`t`) follow the recording. */
function virtualClock(): ReplayClock {
  let now = 0;
  return {
    now: () => now,
    sleep: (ms) => {
      now += ms;
      return new Promise((resolve) => setImmediate(resolve));
    },
  };
}

/** A terminal that keeps the last frame Ink wrote. */
class FakeStdout extends EventEmitter {
  lastFrame = '';
  readonly isTTY = true;
  constructor(
    readonly columns: number,
    readonly rows: number,
  ) {
    super();
  }
  write = (frame: string) => {
    this.lastFrame = frame;
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

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** The TUI's frame (with its escape codes) at `moment` of the recording. */
export async function renderFrame(options: ScreenshotOptions): Promise<string> {
  const columns = options.columns ?? 120;
  const rows = options.rows ?? 40;
  const { events } = readJournal(options.journal);
  const until = eventsUntil(events, options.moment);
  const player = new ReplayPlayer(events, { mode: 'auto', clock: virtualClock() });
  // The store hears the recording up to the moment, and nothing after it.
  const source: EventSource = {
    subscribe(listener) {
      let played = 0;
      return player.subscribe((event) => {
        if (++played <= until) listener(event);
      });
    },
  };
  const store = new EngineStore(source, 1e9);
  const started = events[0];
  const prices = started?.type === 'run.started' ? started.config?.prices : undefined;

  // 16 colours, whatever this terminal supports: the SVG has the 16-colour palette.
  const level = chalk.level;
  chalk.level = 1;
  const stdout = new FakeStdout(columns, rows);
  const app = render(
    <App store={store} engine={player} workflow={options.workflow ?? 'replay of example'} onExit={() => {}} costOf={pricer(prices ?? {})} />,
    {
      stdout: stdout as unknown as NodeJS.WriteStream,
      stderr: new FakeStdout(columns, rows) as unknown as NodeJS.WriteStream,
      stdin: new FakeStdin() as unknown as NodeJS.ReadStream,
      debug: true,
      exitOnCtrlC: false,
      patchConsole: false,
    },
  );
  try {
    await player.run();
    store.flush();
    for (let i = 0; i < 5; i++) await tick();
    return stdout.lastFrame;
  } finally {
    app.unmount();
    app.cleanup();
    store.dispose();
    chalk.level = level;
  }
}

/** The picture: the frame at `moment`, as a standalone SVG. */
export async function renderScreenshot(options: ScreenshotOptions): Promise<{ frame: string; svg: string }> {
  const frame = await renderFrame(options);
  const svg = ansiToSvg(frame, { columns: options.columns ?? 120, rows: options.rows ?? 40, title: 'roleplay replay example' });
  return { frame, svg };
}

/** The README's picture: the shipped example, in the middle of the Designer's reply in "Coding (Design)". */
export const EXAMPLE = {
  journal: 'examples/software-company/events.jsonl',
  moment: { conversation: 'coding-design', turn: 3, tokens: 30 },
  columns: 120,
  rows: 40,
} satisfies ScreenshotOptions;
