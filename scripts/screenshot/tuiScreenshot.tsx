/**
 * The README's picture of the TUI: the real App rendered off screen (src/ui/offscreen.tsx) from a recorded session,
 * stopped at a chosen moment of the recording, and the frame turned into SVG. The player runs on a virtual clock,
 * so the picture depends on the recording only.
 */
import type { EngineEvent } from '../../src/engine/events.js';
import { readJournal } from '../../src/session/journalReader.js';
import { renderOffscreen, virtualClock } from '../../src/ui/offscreen.js';
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

/** The TUI's frame (with its escape codes) at `moment` of the recording. */
export async function renderFrame(options: ScreenshotOptions): Promise<string> {
  const { events } = readJournal(options.journal);
  const view = await renderOffscreen(events, {
    columns: options.columns ?? 120,
    rows: options.rows ?? 40,
    clock: virtualClock(),
    workflow: options.workflow ?? 'replay of example',
    until: eventsUntil(events, options.moment),
  });
  try {
    await view.player.run();
    return await view.settle();
  } finally {
    view.dispose();
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
