/**
 * The compare view's rows: two runs in two columns, aligned turn by turn (sessionDiff.ts). A pair that is the same
 * is one dim row; a pair that differs is a marked header, what changed in its request, and the two replies side by
 * side, line against line, the lines only one side has in colour. Laid out once per width; the view shows a window.
 */
import chalk from 'chalk';
import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';
import type { SessionDiff, TurnPair } from '../session/sessionDiff.js';
import { sanitize } from '../text/sanitize.js';

export interface CompareRows {
  rows: string[];
  /** The first row of each pair that differs, for n / N. */
  differences: number[];
}

const GUTTER = ' │ ';

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - stringWidth(text)));
}

function wrap(text: string, width: number): string[] {
  return wrapAnsi(text, Math.max(1, width), { hard: true, trim: false }).split('\n');
}

/** Two lists of lines side by side, each wrapped to its column. */
function columns(left: readonly string[], right: readonly string[], width: number): string[] {
  const rows: string[] = [];
  const l = left.flatMap((line) => wrap(line, width));
  const r = right.flatMap((line) => wrap(line, width));
  for (let i = 0; i < Math.max(l.length, r.length); i++) rows.push(`${pad(l[i] ?? '', width)}${chalk.dim(GUTTER)}${r[i] ?? ''}`);
  return rows;
}

const stat = (pair: TurnPair, side: 'a' | 'b') => {
  const t = pair[side];
  if (!t) return chalk.dim('(no such reply)');
  const tokens = t.usage ? `${t.usage.estimated ? '~' : ''}${t.usage.promptTokens}+${t.usage.completionTokens} tok` : '- tok';
  const cost = t.costUsd === null ? '' : ` · $${t.costUsd.toFixed(4)}`;
  const time = t.durationMs === null ? '' : ` · ${(t.durationMs / 1000).toFixed(1)} s`;
  return chalk.dim(`#${t.number} ${sanitize(t.model)} · ${tokens}${cost}${time}`);
};

/** The two replies line against line: common lines on both sides, a's own in red, b's own in green. */
function replyColumns(pair: TurnPair, width: number): string[] {
  const a = sanitize(pair.a?.reply ?? '');
  const b = sanitize(pair.b?.reply ?? '');
  if (!pair.a || !pair.b || !pair.reply) return columns(pair.a ? a.split('\n') : [], pair.b ? b.split('\n') : [], width);
  const rows: string[] = [];
  let left: string[] = [];
  let right: string[] = [];
  const flush = () => {
    rows.push(...columns(left, right, width));
    left = [];
    right = [];
  };
  for (const line of pair.reply) {
    const text = sanitize(line.slice(1));
    if (line[0] === '-') left.push(chalk.red(text));
    else if (line[0] === '+') right.push(chalk.green(text));
    else {
      flush();
      rows.push(...columns([text], [text], width));
    }
  }
  flush();
  return rows;
}

/** What of a pair differs, for its header: the reply may be the same when only its request changed. */
function whatDiffers(pair: TurnPair): string {
  if (!pair.a) return 'only in b';
  if (!pair.b) return 'only in a';
  const parts = [...(pair.modelChanged ? ['model'] : []), ...(pair.request.length ? ['request'] : [])];
  const reply = pair.reply ? 'reply differs' : 'reply the same';
  return parts.length ? `${parts.join(' and ')} ${parts.length > 1 ? 'differ' : 'differs'}, ${reply}` : reply;
}

function requestSummary(pair: TurnPair): string[] {
  if (!pair.a || !pair.b) return [];
  const lines: string[] = [];
  if (pair.modelChanged) lines.push(chalk.yellow(`  model: ${sanitize(pair.a.model)} → ${sanitize(pair.b.model)}`));
  if (!pair.request.length) return [...lines, chalk.dim('  request: the same')];
  for (const change of pair.request) {
    const firstLine = (text: string) => {
      const line = text.split('\n')[0] ?? '';
      return sanitize(line.length > 70 ? `${line.slice(0, 69)}…` : line);
    };
    const removed = change.lines?.find((l) => l[0] === '-');
    const added = change.lines?.find((l) => l[0] === '+');
    // A changed message shows its first changed line as it was and as it is.
    const short =
      change.text !== undefined
        ? firstLine(change.text)
        : removed && added
          ? `${firstLine(removed.slice(1))} → ${firstLine(added.slice(1))}`
          : firstLine((removed ?? added ?? '').slice(1));
    if (change.change === 'added') lines.push(chalk.green(`  request + #${change.b} ${change.role}: ${short}`));
    else if (change.change === 'removed') lines.push(chalk.red(`  request - #${change.a} ${change.role}: ${short}`));
    else lines.push(chalk.yellow(`  request ~ #${change.b} ${change.role}: ${short}`));
  }
  return lines;
}

export function layCompare(diff: SessionDiff, width: number): CompareRows {
  const column = Math.max(10, Math.floor((width - GUTTER.length) / 2));
  const rows: string[] = [];
  const differences: number[] = [];
  for (const pair of diff.turns) {
    const numbers = `a #${pair.a?.number ?? '-'} · b #${pair.b?.number ?? '-'}`;
    if (pair.same) {
      rows.push(chalk.dim(`= ${sanitize(pair.where)}  (${numbers})`));
      continue;
    }
    differences.push(rows.length);
    rows.push(chalk.bold.yellow(`≠ ${sanitize(pair.where)}  (${numbers}) ${whatDiffers(pair)}`));
    rows.push(...requestSummary(pair));
    rows.push(...columns([stat(pair, 'a')], [stat(pair, 'b')], column));
    rows.push(...replyColumns(pair, column));
    rows.push('');
  }
  return { rows, differences };
}
