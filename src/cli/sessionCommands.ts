/**
 * `roleplay sessions`, `roleplay export <session>` and `roleplay replay <session>`: recorded sessions,
 * listed, written out as Markdown, JSON or an HTML page, played back, and drawn into an asciicast (`--cast`).
 */
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { EngineEvent } from '../engine/events.js';
import { applyEvent, createRunState } from '../views/runState.js';
import { buildExportDocument } from '../session/exportDocument.js';
import { costReport } from '../session/costReport.js';
import { renderHtmlReport } from '../session/htmlReport.js';
import { RequestBook } from '../engine/requestDelta.js';
import { pricer } from '../session/pricing.js';
import { ReplayPlayer } from '../session/replayPlayer.js';
import { foldEvents, listSessions, openSession, summarize, type Journal, type SessionSummary } from '../session/sessionStore.js';
import { renderTranscript } from '../session/transcript.js';
import { oneLine, sanitize, terminalSafeJson } from '../text/sanitize.js';
import { formatDelay } from '../text/formatDuration.js';
import { dateFromSessionId } from '../session/sessionSummary.js';
import { EXIT, UsageError } from '../errors.js';
import { jsonView, plainView } from './headlessView.js';
import { chooseView } from './setup.js';
import { sessionTree } from './sessionTree.js';
import { switchTo } from './nextSession.js';
import { onInterrupt } from './interrupt.js';
import { loadTui } from './loadTui.js';

export type Write = (text: string) => void;
const DEFAULT_OUT = '.roleplay';
const TASK_WIDTH = 50;
/** The longest pause of a recording that a replay plays as is, before --speed. */
const DEFAULT_IDLE_LIMIT_S = 2;

/** `roleplay export latest | head`: a reader that leaves early is not an error. */
function quietClosedPipe(): void {
  if (process.stdout.listenerCount('error') === 0) process.stdout.on('error', () => undefined);
}

// ---- sessions -----------------------------------------------------------------------------------------

function localDate(date: Date | null): string {
  if (!date) return '?';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())} ${p(date.getHours())}:${p(date.getMinutes())}`;
}

function sessionJson(s: SessionSummary): Record<string, unknown> {
  return {
    id: s.id,
    dir: s.dir,
    startedAt: s.startedAt?.toISOString() ?? null,
    task: s.task,
    provider: s.provider,
    model: s.model,
    status: s.status,
    reason: s.reason,
    turns: s.turns,
    conversations: s.conversations,
    tokens: { prompt: s.promptTokens, completion: s.completionTokens, total: s.promptTokens + s.completionTokens, estimated: s.estimated },
    durationMs: s.durationMs,
    parent: s.fork?.parent ?? null,
    forkedBefore: s.fork?.reply ?? null,
    label: s.label ?? null,
    ...(s.torn ? { torn: true } : {}),
    ...(s.error ? { error: s.error } : {}),
  };
}

/** Lists the sessions; a journal that cannot be read is listed too, its error goes to stderr, and the exit code is 2. */
export function sessionsCommand(flags: { out?: string; json?: boolean; tree?: boolean }, write: Write, note: Write): number {
  const out = flags.out ?? DEFAULT_OUT;
  const sessions = listSessions(out);
  quietClosedPipe();
  if (flags.json) {
    for (const s of sessions) write(`${terminalSafeJson(sessionJson(s))}\n`);
    return reportUnreadable(sessions, note);
  }
  if (sessions.length === 0) {
    note(`No sessions in ${path.join(out, 'sessions')} yet. Run "roleplay" to record one, or "roleplay replay example".\n`);
    return EXIT.ok;
  }
  if (flags.tree) {
    for (const line of sessionTree(sessions)) write(`${line}\n`);
    return reportUnreadable(sessions, note);
  }
  const rows = sessions.map((s) => [
    s.id,
    localDate(s.startedAt),
    s.error ? 'unreadable' : s.status,
    String(s.turns),
    `${s.estimated ? '~' : ''}${s.promptTokens + s.completionTokens}`,
    s.error ? oneLine(s.error, TASK_WIDTH) : oneLine(s.task, TASK_WIDTH),
  ]);
  const header = ['ID', 'STARTED', 'STATUS', 'TURNS', 'TOKENS', 'TASK'];
  const right = new Set([3, 4]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  for (const row of [header, ...rows]) {
    const cells = row.map((cell, i) => (i === row.length - 1 ? cell : right.has(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)));
    write(`${cells.join('  ').trimEnd()}\n`);
  }
  return reportUnreadable(sessions, note);
}

function reportUnreadable(sessions: readonly SessionSummary[], note: Write): number {
  const broken = sessions.filter((s) => s.error !== undefined);
  for (const s of broken) note(`roleplay: ${sanitize(s.error ?? '')}\n`);
  return broken.length ? EXIT.usage : EXIT.ok;
}

// ---- export -------------------------------------------------------------------------------------------

export interface ExportFlags {
  out?: string;
  format?: string;
  output?: string;
  force?: boolean;
}

/** Writes a file only the owner can read; an existing one only with `force`. A failure is one line (exit 2). */
function writeOutput(file: string, text: string, force: boolean): void {
  try {
    writeFileSync(file, text, { mode: 0o600, flag: force ? 'w' : 'wx' });
    if (force) chmodSync(file, 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new UsageError(`${file} already exists: pass --force to overwrite it`);
    if (code === 'ENOENT') throw new UsageError(`cannot write ${file}: its folder does not exist`);
    if (code === 'EISDIR') throw new UsageError(`cannot write ${file}: it is a folder`);
    if (code === 'EACCES' || code === 'EPERM') throw new UsageError(`cannot write ${file}: permission denied`);
    throw new UsageError(`cannot write ${file}: ${code ?? (error instanceof Error ? error.message : String(error))}`);
  }
}

export function exportCommand(session: string, flags: ExportFlags, write: Write, note: Write): number {
  const format = flags.format ?? (flags.output && /\.(json|html)$/i.exec(flags.output)?.[1]?.toLowerCase()) ?? 'md';
  if (format !== 'md' && format !== 'json' && format !== 'html')
    throw new UsageError(`--format takes md, json or html, not "${oneLine(format, 20)}"`);
  if (flags.output !== undefined && !flags.output.trim()) throw new UsageError('--output needs a file name');
  if (flags.force && flags.output === undefined) throw new UsageError('--force only goes with --output <file>');
  const journal = openSession(session, { outDir: flags.out ?? DEFAULT_OUT });
  const state = foldEvents(journal.events);
  let text: string;
  if (format === 'md') {
    text = renderTranscript(state);
  } else {
    const summary = summarize(journal);
    const doc = buildExportDocument(state, { startedAt: summary.startedAt, durationMs: summary.durationMs });
    if (format === 'json') {
      text = `${terminalSafeJson(doc, 2)}\n`;
    } else {
      const requests = new RequestBook();
      for (const event of journal.events) if (event.type === 'turn.started') requests.add(event);
      text = renderHtmlReport({ doc, state, cost: costReport(state, pricer(state.prices)), requestOf: (turnId) => requests.get(turnId) });
    }
  }
  if (journal.torn) note("roleplay: the journal's last line was cut off and was skipped.\n");
  if (flags.output === undefined) {
    quietClosedPipe();
    write(text);
    return EXIT.ok;
  }
  writeOutput(flags.output, text, flags.force === true);
  note(`Wrote ${flags.output} (${format}, session ${state.sessionId}).\n`);
  return EXIT.ok;
}

// ---- replay -------------------------------------------------------------------------------------------

export interface ReplayFlags {
  out?: string;
  speed?: string;
  headless?: boolean;
  json?: boolean;
  auto?: boolean;
  step?: boolean;
  idleLimit?: string;
  cast?: string;
  cols?: string;
  rows?: string;
  force?: boolean;
  /** False with --no-mouse: the terminal keeps the mouse. */
  mouse?: boolean;
}

/** A whole number of cells for the cast's terminal, in the range the TUI can be drawn at. */
function parseCells(flag: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value.trim());
  if (!/^\d+$/.test(value.trim()) || n < min || n > 1000)
    throw new UsageError(`${flag} takes a whole number from ${min} to 1000, not "${oneLine(value, 20)}"`);
  return n;
}

function parseIdleLimit(value: string | undefined): number {
  if (value === undefined) return DEFAULT_IDLE_LIMIT_S * 1000;
  const s = Number(value.trim());
  if (!value.trim() || !Number.isFinite(s) || s <= 0 || s > 86_400) {
    throw new UsageError(`--idle-limit takes a number of seconds above 0, e.g. 1 or 0.5, not "${oneLine(value, 20)}"`);
  }
  return s * 1000;
}

function parseSpeed(value: string | undefined): number {
  if (value === undefined) return 1;
  const speed = Number(value.trim());
  if (!value.trim() || !Number.isFinite(speed) || speed <= 0 || speed > 1_000_000) {
    throw new UsageError(`--speed takes a number above 0 (2 plays twice as fast, 0.5 half as fast), not "${oneLine(value, 20)}"`);
  }
  return speed;
}

export async function replayCommand(session: string, flags: ReplayFlags): Promise<number> {
  if (flags.cast !== undefined) return castCommand(session, flags);
  for (const [flag, set] of [
    ['--cols', flags.cols],
    ['--rows', flags.rows],
    ['--force', flags.force],
  ] as const) {
    if (set !== undefined) throw new UsageError(`${flag} only goes with --cast <file>`);
  }
  // A replay plays in auto mode unless --step says otherwise: nobody is steering a recording.
  const { headless } = chooseView(flags, { stdoutIsTTY: process.stdout.isTTY === true, stdinIsTTY: process.stdin.isTTY === true });
  const speed = parseSpeed(flags.speed);
  const maxGapMs = parseIdleLimit(flags.idleLimit);
  const journal = openSession(session, { outDir: flags.out ?? DEFAULT_OUT });
  if (!headless) return playInTui(journal, { speed, maxGapMs, mode: flags.step ? 'step' : 'auto', mouse: flags.mouse !== false, out: flags.out });
  return playHeadless(journal, { speed, maxGapMs }, flags.json === true);
}

const sessionIdOf = (journal: Journal) => (journal.events[0]?.type === 'run.started' ? journal.events[0].sessionId : path.basename(journal.dir));

/** `replay --cast <file>`: the TUI's frames as an asciicast, drawn off screen; nothing is played, no terminal needed. */
async function castCommand(session: string, flags: ReplayFlags): Promise<number> {
  const file = flags.cast ?? '';
  if (!file.trim()) throw new UsageError('--cast needs a file name, e.g. --cast demo.cast');
  for (const [flag, set] of [
    ['--headless', flags.headless],
    ['--json', flags.json],
    ['--step', flags.step],
  ] as const) {
    if (set) throw new UsageError(`${flag} does not go with --cast: a cast is drawn off screen, in auto mode`);
  }
  const columns = parseCells('--cols', flags.cols, 120, 40);
  const rows = parseCells('--rows', flags.rows, 40, 10);
  const speed = parseSpeed(flags.speed);
  const idleLimitMs = parseIdleLimit(flags.idleLimit);
  // What writeOutput would refuse, refused before the drawing, not after it.
  if (!flags.force && existsSync(file)) throw new UsageError(`${file} already exists: pass --force to overwrite it`);
  if (!existsSync(path.dirname(path.resolve(file)))) throw new UsageError(`cannot write ${file}: its folder does not exist`);
  const journal = openSession(session, { outDir: flags.out ?? DEFAULT_OUT });
  if (journal.torn) process.stderr.write("roleplay: the journal's last line was cut off and was skipped.\n");
  const id = sessionIdOf(journal);
  // From the journal alone (the id says when it started), never from the file's time: the same session, the same bytes.
  const startedAt = dateFromSessionId(id);
  const { recordCast } = await import('../ui/asciicast.js');
  const cast = await recordCast(journal.events, {
    columns,
    rows,
    speed,
    idleLimitMs,
    title: `roleplay replay ${id}`,
    workflow: `replay of ${id} at ${speed}x`,
    timestamp: startedAt ? Math.floor(startedAt.getTime() / 1000) : undefined,
  });
  writeOutput(file, cast.text, flags.force === true);
  process.stderr.write(
    `Wrote ${file} (asciicast v2, ${columns}x${rows}, ${cast.frames} frames, ${formatDelay(cast.durationMs)} long, session ${id}).\n`,
  );
  return EXIT.ok;
}

/** Plays a recording in the TUI: space steps, a toggles auto, x pauses, q quits; nothing can change it. */
async function playInTui(
  journal: Journal,
  { speed, maxGapMs, mode, mouse, out }: { speed: number; maxGapMs: number; mode: 'auto' | 'step'; mouse: boolean; out?: string | undefined },
): Promise<number> {
  const player = new ReplayPlayer(journal.events, { speed, mode, maxGapMs });
  const id = sessionIdOf(journal);
  const { runTui } = await loadTui();
  const started = journal.events[0];
  const prices = started?.type === 'run.started' ? started.config?.prices : undefined;
  const closed = await runTui(player, { workflow: `replay of ${id} at ${speed}x`, costOf: pricer(prices ?? {}), mouse, branchesOf: journal.dir });
  if (closed.next) {
    switchTo(closed.next, { ...(out ? { out } : {}), mouse });
    return EXIT.ok;
  }
  // As a headless replay: 0 once it played to the end, 130 when you left it before.
  if (closed.by === 'crash') return EXIT.failed;
  if (closed.by === 'hangup') return EXIT.hangup;
  return closed.ended?.playedToEnd ? EXIT.ok : EXIT.interrupted;
}

/** Plays a recording as plain text or JSON lines, always in auto mode, as headless runs do. */
async function playHeadless(journal: Journal, { speed, maxGapMs }: { speed: number; maxGapMs: number }, json: boolean): Promise<number> {
  const player = new ReplayPlayer(journal.events, { speed, mode: 'auto', maxGapMs });
  const state = createRunState();
  const write = (text: string) => void process.stdout.write(text);
  player.subscribe((event: EngineEvent) => applyEvent(state, event));
  player.subscribe(json ? jsonView(write) : plainView(write, state));

  const id = sessionIdOf(journal);
  process.stderr.write(`Replaying session ${id} at ${speed}x: a recording, no model is called.\n`);
  if (journal.torn) process.stderr.write("roleplay: the journal's last line was cut off and was skipped.\n");

  const interrupt = onInterrupt(() => player.quit());
  try {
    const result = await player.run();
    return interrupt.interrupted || !result.playedToEnd ? EXIT.interrupted : EXIT.ok;
  } finally {
    interrupt.dispose();
  }
}
