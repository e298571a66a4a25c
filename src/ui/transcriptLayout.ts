/**
 * Turns a conversation's items into wrapped, styled terminal lines. Finished items are laid out once per
 * width and appended to a cache; only the item still streaming is laid out again on each redraw, so the
 * cost of a frame does not grow with the session.
 */
import chalk from 'chalk';
import { customerFate, FINISH_MARKS, nameOf, WITHDRAWN, type RunState, type TranscriptItem, type TurnView } from '../views/runState.js';
import { sanitize, StreamSanitizer } from '../text/sanitize.js';
import { renderMarkdown } from './markdown.js';
import { MarkdownStream } from './markdownStream.js';
import { CUSTOMER_COLOR, roleColor } from './theme.js';
import { formatDelay } from '../text/formatDuration.js';

/** Lines read by index, so a view can take a window without copying the whole list. */
export interface LineSource {
  readonly length: number;
  at(index: number): string;
}

const CURSOR = '▍';
const INDENT = '  ';

/**
 * What is kept of a streaming reply between frames: its finished blocks' lines, the sanitiser of its text, and how
 * much of the reply's growth (`TurnView.growth`) they have taken in, at which width.
 */
interface Streaming {
  layout: MarkdownStream;
  clean: StreamSanitizer;
  width: number;
  resets: number;
  /** Pieces of `growth.pieces` taken in. */
  taken: number;
}

/**
 * A streaming reply's body: only the pieces that arrived since the last frame are sanitised and scanned, only the
 * tail after the last finished block is laid out again, and the whole text is not read (see `TurnView.growth`) but
 * when it was set whole or the width changed.
 */
function streamingBody(stream: Streaming, turn: TurnView, width: number): string[] {
  const { pieces, resets } = turn.growth;
  let added = '';
  if (stream.width !== width || stream.resets !== resets) {
    stream.layout.reset(width);
    stream.clean = new StreamSanitizer();
    stream.width = width;
    stream.resets = resets;
    added = turn.text;
  } else {
    for (let i = stream.taken; i < pieces.length; i++) added += pieces[i];
  }
  stream.taken = pieces.length;
  const { kept, tail } = stream.layout.grow(stream.clean.push(added), width);
  return kept.concat(tail);
}

/**
 * The model's thinking, dimmed: folded to one line (its size, and while it streams its last line), or whole when the
 * person opened it (t). It is never the reply: the views only show it.
 */
function thinkingLines(turn: TurnView, width: number, open: boolean): string[] {
  if (!turn.reasoning) return [];
  const text = sanitize(turn.reasoning).trimEnd();
  const count = text.split('\n').length;
  const size = `${count} line${count === 1 ? '' : 's'}`;
  if (!open) {
    const thinking = turn.status === 'streaming' && !turn.text;
    const last = thinking ? (text.split('\n').findLast((line) => line.trim()) ?? '').trim() : '';
    const room = width - INDENT.length - 40;
    const tail = last && room > 10 ? `: ${last.length > room ? `…${last.slice(last.length - room + 1)}` : last}` : '';
    return [chalk.dim.italic(`${INDENT}▸ thought · ${size} (t shows)${tail}`)];
  }
  const body = renderMarkdown(text, width - INDENT.length - 2).map((line) => chalk.dim(`${INDENT}│ ${line}`));
  return [chalk.dim.italic(`${INDENT}▾ thought · ${size} (t hides)`), ...body];
}

function turnLines(state: RunState, turn: TurnView, width: number, stream?: Streaming, thinking = false): string[] {
  const color = roleColor(state, turn.role);
  const who = turn.kind === 'sanity' ? 'Sanity check' : sanitize(nameOf(state, 'roles', turn.role));
  const edited = turn.requestEdited ? ' · request edited before sending' : '';
  const details = turn.kind === 'sanity' ? edited : ` (${turn.side}) · turn ${turn.index + 1}${turn.byPerson ? ' · ✍ written by you' : ''}${edited}`;
  const lines = [chalk[color].bold(who) + chalk.dim(details), ...thinkingLines(turn, width, thinking)];
  const body = stream
    ? streamingBody(stream, turn, width - INDENT.length)
    : renderMarkdown(sanitize(turn.text), width - INDENT.length).map((line) => INDENT + line);
  while (body.length && body[body.length - 1]?.trim() === '') body.pop();
  if (turn.status === 'streaming') {
    if (turn.retry) {
      const r = turn.retry;
      lines.push(chalk.yellow(`${INDENT}retrying ${r.attempt}/${r.maxAttempts} in ${formatDelay(r.delayMs)}: ${sanitize(r.reason)}`));
    } else if (body.length === 0) {
      if (!turn.reasoning) body.push(INDENT + chalk.dim('thinking ') + CURSOR);
      else lines[lines.length - 1] += CURSOR;
    } else {
      body[body.length - 1] += CURSOR;
    }
  }
  lines.push(...body);
  if (turn.approval === 'draft') lines.push(chalk.black.bgYellow(`${INDENT}✎ draft: space accepts · e edits · r regenerates `));
  else if (turn.approval) lines.push(chalk.green.dim(`${INDENT}✓ draft accepted${turn.approval === 'edited' ? ' as you edited it' : ''}`));
  else if (turn.edited) lines.push(chalk.magenta.dim(`${INDENT}✎ edited`));
  if (turn.regenerations) lines.push(chalk.magenta.dim(`${INDENT}↻ regenerated${turn.regenerations > 1 ? ` ${turn.regenerations} times` : ''}`));
  if (turn.status === 'interrupted') lines.push(chalk.yellow(`${INDENT}⏹ interrupted`));
  if (turn.status === 'failed') lines.push(chalk.red(`${INDENT}✗ failed`));
  if (turn.finish) lines.push(chalk.yellow(`${INDENT}${turn.finish === 'refusal' ? '⊘' : '✂'} ${FINISH_MARKS[turn.finish]}`));
  for (const warning of turn.warnings) lines.push(chalk.yellow.dim(`${INDENT}⚠ ${sanitize(warning)}`));
  lines.push('');
  return lines;
}

function customerLines(state: RunState, customerId: string, text: string, width: number): string[] {
  const withdrawn = customerFate(state, customerId)?.withdrawn;
  const bar = chalk[CUSTOMER_COLOR]('▌ ');
  const body = renderMarkdown(sanitize(text), width - 2).map((line) => bar + (withdrawn ? chalk.dim.strikethrough(line) : line));
  const note = withdrawn ? [bar + chalk.yellow.dim(`↺ withdrawn: ${WITHDRAWN[withdrawn]}`)] : [];
  return [bar + chalk[CUSTOMER_COLOR].bold('Customer'), ...body, ...note, ''];
}

function itemLines(state: RunState, item: TranscriptItem, width: number, stream?: Streaming, thinking = false): string[] {
  if (item.kind === 'customer') return customerLines(state, item.customerId, item.text, width);
  const turn = state.turns.get(item.turnId);
  if (!turn || turn.discarded) return [];
  return turnLines(state, turn, width, turn.status === 'streaming' ? stream : undefined, thinking);
}

function isFinished(state: RunState, item: TranscriptItem): boolean {
  return item.kind === 'customer' || state.turns.get(item.turnId)?.status !== 'streaming';
}

interface Cached {
  width: number;
  thinking: boolean;
  revision: number;
  items: number;
  lines: string[];
  /** Where each laid-out reply starts, in line order: which reply a line belongs to. */
  starts: Array<{ line: number; turnId: string }>;
}

export interface LayoutOptions {
  /** Lay out a streaming reply block by block (the default); false lays all of it out on every frame. */
  incremental?: boolean;
}

export class TranscriptLayout {
  private readonly cache = new Map<string, Cached>();
  /** The streaming replies' kept blocks, by turn; a turn's goes when it is no longer streaming. */
  private readonly streams = new Map<string, Streaming>();
  private readonly incremental: boolean;

  constructor(options: LayoutOptions = {}) {
    this.incremental = options.incremental ?? true;
  }

  /** How many items were laid out so far; tests use it to check that finished ones are laid out once. */
  laidOut = 0;

  /**
   * The lines of one conversation (`null`: the items before the first conversation) at a width; `thinking` opens
   * the models' folded thinking.
   */
  lines(state: RunState, conversationId: string | null, width: number, thinking = false): LineSource {
    const items = conversationId ? (state.conversations.get(conversationId)?.items ?? []) : state.preamble;
    const key = conversationId ?? '';
    let cached = this.cache.get(key);
    if (!cached || cached.width !== width || cached.revision !== state.revision || cached.thinking !== thinking) {
      cached = { width, thinking, revision: state.revision, items: 0, lines: [], starts: [] };
      this.cache.set(key, cached);
    }
    while (cached.items < items.length) {
      const item = items[cached.items];
      if (!item || !isFinished(state, item)) break;
      if (item.kind === 'turn') cached.starts.push({ line: cached.lines.length, turnId: item.turnId });
      for (const line of itemLines(state, item, width, undefined, thinking)) cached.lines.push(line);
      cached.items++;
      this.laidOut++;
    }
    const frozen = cached.lines;
    let tail: string[] = [];
    for (let i = cached.items; i < items.length; i++) {
      const item = items[i];
      if (item) tail = tail.concat(itemLines(state, item, width, this.streamOf(state, item), thinking));
      this.laidOut++;
    }
    for (const turnId of this.streams.keys()) {
      if (state.turns.get(turnId)?.status !== 'streaming') this.streams.delete(turnId);
    }
    return { length: frozen.length + tail.length, at: (i) => (i < frozen.length ? frozen[i] : tail[i - frozen.length]) ?? '' };
  }

  /** The reply that line `line` of a conversation's lines (as `lines` last laid them out) belongs to, or the one above it. */
  turnAt(conversationId: string | null, line: number): string | undefined {
    const starts = this.cache.get(conversationId ?? '')?.starts ?? [];
    let found: string | undefined;
    for (const start of starts) {
      if (start.line > line) break;
      found = start.turnId;
    }
    return found;
  }

  private streamOf(state: RunState, item: TranscriptItem): Streaming | undefined {
    if (!this.incremental || item.kind !== 'turn' || state.turns.get(item.turnId)?.status !== 'streaming') return undefined;
    let stream = this.streams.get(item.turnId);
    if (!stream)
      this.streams.set(item.turnId, (stream = { layout: new MarkdownStream(INDENT), clean: new StreamSanitizer(), width: -1, resets: -1, taken: 0 }));
    return stream;
  }
}
