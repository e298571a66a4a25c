/**
 * `roleplay replay <session> --cast <file>`: the TUI's frames, at the recording's own timing, as an asciicast v2
 * file (https://docs.asciinema.org/manual/asciicast/v2/). The App is rendered off screen on a virtual clock that
 * the journal's stamps drive, so the same session always gives the same bytes, and no terminal is needed.
 *
 * A frame is drawn when the TUI would draw one: FLUSH_MS after the first event it has not shown yet. Each frame
 * is written as the lines that changed since the one before, each one cleared and drawn again at its row.
 */
import type { EngineEvent } from '../engine/events.js';
import { TERMINAL_THEME } from '../views/palette.js';
import { FLUSH_MS } from './engineStore.js';
import { renderOffscreen, virtualClock } from './offscreen.js';

export interface CastOptions {
  columns: number;
  rows: number;
  /** 2 plays twice as fast. */
  speed: number;
  /** The longest pause of the recording played as is (before `speed`), in ms. */
  idleLimitMs: number;
  title: string;
  /** The App header's name for the workflow. */
  workflow: string;
  /** When the session was recorded, in Unix seconds, if known. */
  timestamp?: number | undefined;
}

export interface Cast {
  /** The whole file: the header line, then one line per event. */
  text: string;
  frames: number;
  durationMs: number;
}

/** Hide the cursor and clear the screen, before the first frame. */
const START = '\x1b[?25l\x1b[H\x1b[2J';

/** What a terminal showing `previous` (null: a blank screen) needs to show `next`: its changed rows, drawn again. */
function screenUpdate(previous: readonly string[] | null, next: readonly string[], rows: number): string {
  let out = '';
  for (let row = 0; row < rows; row++) {
    const line = next[row] ?? '';
    if ((previous?.[row] ?? '') === line) continue;
    out += `\x1b[${row + 1};1H\x1b[0m\x1b[2K${line}`;
  }
  return out && `${out}\x1b[0m`;
}

/** SGR parameters by what they set: a later one of a group replaces the one before. */
function sgrGroup(code: number): string {
  if (code === 1) return 'bold';
  if (code === 2) return 'dim';
  if (code === 3 || code === 23) return 'italic';
  if (code === 4 || code === 24) return 'underline';
  if (code === 7 || code === 27) return 'inverse';
  if (code === 9 || code === 29) return 'strike';
  if ((code >= 30 && code <= 39) || (code >= 90 && code <= 97)) return 'fg';
  return 'bg';
}

/**
 * Each line with the styles still open from the lines above it in front: Ink's frame may open a style on one line
 * and close it on the next, and a row drawn again on its own after a reset would lose it.
 */
function selfContained(lines: readonly string[]): string[] {
  let open = new Map<string, string>();
  return lines.map((line) => {
    const row = [...open.values()].join('') + line;
    for (const match of line.matchAll(/\x1b\[([0-9;]*)m/g)) {
      const params = (match[1] || '0').split(';').map(Number);
      for (let i = 0; i < params.length; i++) {
        const code = params[i] ?? 0;
        if (code === 0) {
          open = new Map();
          continue;
        }
        // 38;5;n and 38;2;r;g;b (and 48 for the background): one colour in several parameters.
        const extended = code === 38 || code === 48 ? (params[i + 1] === 5 ? 2 : params[i + 1] === 2 ? 4 : 0) : 0;
        const sequence = `\x1b[${params.slice(i, i + 1 + extended).join(';')}m`;
        const group = code === 38 ? 'fg' : code === 48 ? 'bg' : sgrGroup(code);
        if (code === 22) {
          open.delete('bold');
          open.delete('dim');
        } else if (code === 23 || code === 24 || code === 27 || code === 29 || code === 39 || code === 49) open.delete(group);
        else open.set(group, sequence);
        i += extended;
      }
    }
    return row;
  });
}

const seconds = (ms: number) => Math.round(ms) / 1000;

export async function recordCast(events: readonly EngineEvent[], options: CastOptions): Promise<Cast> {
  const { columns, rows } = options;
  const lines: string[] = [];
  let screen: string[] | null = null;
  let last = 0;
  const capture = async (at: number) => {
    const next = selfContained((await view.settle()).split('\n').slice(0, rows));
    const update = screenUpdate(screen, next, rows);
    const data = screen === null ? START + update : update;
    screen = next;
    if (!data) return;
    // Milliseconds, so a time never repeats: frames are FLUSH_MS apart at least.
    last = Math.round(at);
    lines.push(JSON.stringify([seconds(last), 'o', data]));
  };

  /** When the next frame is due: FLUSH_MS after the first event not drawn yet; null when all are drawn. */
  let due: number | null = null;
  const clock = virtualClock(async (_from, to) => {
    if (due !== null && due <= to) {
      const at = due;
      due = null;
      await capture(at);
    }
  });
  const view = await renderOffscreen(events, {
    columns,
    rows,
    clock,
    speed: options.speed,
    maxGapMs: options.idleLimitMs,
    workflow: options.workflow,
  });
  view.player.subscribe(() => void (due ??= clock.now() + FLUSH_MS));
  try {
    await capture(0);
    await view.player.run();
    if (due !== null) await capture(due);
  } finally {
    view.dispose();
  }

  const header = {
    version: 2,
    width: columns,
    height: rows,
    ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }),
    duration: seconds(last),
    title: options.title,
    theme: { fg: TERMINAL_THEME.fg, bg: TERMINAL_THEME.bg, palette: TERMINAL_THEME.palette.join(':') },
  };
  return { text: `${[JSON.stringify(header), ...lines].join('\n')}\n`, frames: lines.length, durationMs: last };
}
