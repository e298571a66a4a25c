/**
 * `roleplay diff <a> <b>`: two recorded runs compared turn by turn. Exit 0 when they are the same, 1 when they
 * differ (as diff(1)), 2 for bad input; `--json` prints one document with the same facts. On a terminal it opens
 * the TUI's compare view instead, unless `--headless` or `--json`.
 */
import { formatUsdAmount } from '../text/formatDuration.js';
import { oneLine, sanitize, terminalSafeJson } from '../text/sanitize.js';
import { EXIT } from '../errors.js';
import { openSession } from '../session/sessionStore.js';
import { loadCompareTui } from './loadTui.js';
import { DIFF_FORMAT, DIFF_VERSION, diffSessions, type DiffTurn, type RunFacts, type SessionDiff, type TurnPair } from '../session/sessionDiff.js';

export interface DiffFlags {
  out?: string;
  json?: boolean;
  headless?: boolean;
  full?: boolean;
}

type Write = (text: string) => void;

/** Lines of a changed text shown before the rest is summed up (without --full, which also shows added and removed messages whole). */
const SHOWN_LINES = 12;

export function loadDiff(a: string, b: string, out: string, cwd = process.cwd()): SessionDiff {
  const left = openSession(a, { outDir: out, cwd });
  const right = openSession(b, { outDir: out, cwd });
  return diffSessions(left.events, right.events);
}

export async function diffCommand(a: string, b: string, flags: DiffFlags, write: Write): Promise<number> {
  const diff = loadDiff(a, b, flags.out ?? '.roleplay');
  const code = diff.same ? EXIT.ok : EXIT.failed;
  if (flags.json) {
    write(`${terminalSafeJson(diffDocument(diff))}\n`);
    return code;
  }
  if (!flags.headless && process.stdout.isTTY && process.stdin.isTTY) {
    const { runCompareTui } = await loadCompareTui();
    await runCompareTui(diff);
    return code;
  }
  for (const line of diffText(diff, flags.full === true)) write(`${line}\n`);
  return code;
}

const tokens = (t: DiffTurn | null) => (t?.usage ? `${t.usage.estimated ? '~' : ''}${t.usage.promptTokens}+${t.usage.completionTokens}` : '-');
const cost = (usd: number | null | undefined) => (usd === null || usd === undefined ? '-' : formatUsdAmount(usd));
const secs = (ms: number | null | undefined) => (ms === null || ms === undefined ? '-' : `${(ms / 1000).toFixed(1)} s`);
const latency = (t: DiffTurn | null) => (t ? `${secs(t.durationMs)} (first token ${secs(t.firstTokenMs)})` : '-');

function side(label: string, a: string, b: string): string {
  return `    ${label.padEnd(8)} ${a.padEnd(28)} | ${b}`;
}

function clip(lines: readonly string[], full: boolean, indent: string): string[] {
  const shown = full ? lines : lines.slice(0, SHOWN_LINES);
  const out = shown.map((line) => `${indent}${sanitize(line)}`);
  if (shown.length < lines.length) out.push(`${indent}… ${lines.length - shown.length} more lines (--full shows them)`);
  return out;
}

/** Only the lines that changed, with one line of context around each run of them. */
function changedOnly(lines: readonly string[]): string[] {
  const keep = new Set<number>();
  lines.forEach((line, i) => {
    if (line[0] !== ' ') for (const k of [i - 1, i, i + 1]) if (k >= 0 && k < lines.length) keep.add(k);
  });
  const out: string[] = [];
  let last = -1;
  for (const i of [...keep].sort((x, y) => x - y)) {
    if (last !== -1 && i > last + 1) out.push(' …');
    out.push(lines[i] ?? '');
    last = i;
  }
  return out;
}

function runLine(name: string, facts: RunFacts): string {
  const t = facts.tokens;
  return `${name}: ${facts.id}  model ${sanitize(facts.model)}, ${facts.replies} replies, ${t.prompt + t.completion} tokens, ${cost(facts.costUsd)}, ${secs(facts.durationMs)}`;
}

function numbers(pair: TurnPair): string {
  return `a #${pair.a?.number ?? '-'}, b #${pair.b?.number ?? '-'}`;
}

export function diffText(diff: SessionDiff, full = false): string[] {
  const lines = [runLine('a', diff.a), runLine('b', diff.b)];
  const first = diff.firstDifference === null ? undefined : diff.turns[diff.firstDifference];
  lines.push(first ? `first difference: ${sanitize(first.where)} (${numbers(first)})` : `the runs are the same: ${diff.turns.length} replies`, '');
  let sameRun: TurnPair[] = [];
  const flushSame = () => {
    if (!sameRun.length) return;
    const from = sameRun[0];
    const to = sameRun.at(-1);
    lines.push(
      sameRun.length === 1
        ? `= ${sanitize(from?.where ?? '')} (${from ? numbers(from) : ''}): same`
        : `= ${sameRun.length} replies the same: a #${from?.a?.number}-#${to?.a?.number}, b #${from?.b?.number}-#${to?.b?.number}`,
    );
    sameRun = [];
  };
  for (const pair of diff.turns) {
    if (pair.same) {
      sameRun.push(pair);
      continue;
    }
    flushSame();
    if (!pair.a || !pair.b) {
      lines.push(`${pair.a ? '-' : '+'} ${sanitize(pair.where)} (${numbers(pair)}): only in ${pair.a ? 'a' : 'b'}`);
      continue;
    }
    lines.push(`≠ ${sanitize(pair.where)} (${numbers(pair)})`);
    if (pair.modelChanged) lines.push(`    model: ${sanitize(pair.a.model)} → ${sanitize(pair.b.model)}`);
    const count = (kind: string) => pair.request.filter((c) => c.change === kind).length;
    lines.push(
      pair.request.length
        ? `    request: ${count('changed')} changed, ${count('added')} added, ${count('removed')} removed`
        : '    request: the same',
    );
    for (const change of pair.request) {
      if (change.change === 'changed') {
        lines.push(`      ~ #${change.b} ${change.role}`, ...clip(changedOnly(change.lines ?? []), full, '        '));
      } else {
        const at = change.change === 'added' ? change.b : change.a;
        const text = (change.text ?? '').split('\n');
        // A whole message added or removed: its first line says which, --full shows it all.
        const head = `      ${change.change === 'added' ? '+' : '-'} #${at} ${change.role}`;
        if (full) lines.push(head, ...clip(text, true, '        '));
        else lines.push(`${head}: ${oneLine(text.find((l) => l.trim()) ?? '', 70)}${text.length > 1 ? ` (${text.length} lines)` : ''}`);
      }
    }
    if (pair.reply) lines.push('    reply: differs', ...clip(changedOnly(pair.reply), full, '      '));
    else lines.push('    reply: the same');
    lines.push(
      side('tokens', tokens(pair.a), tokens(pair.b)),
      side('cost', cost(pair.a.costUsd), cost(pair.b.costUsd)),
      side('latency', latency(pair.a), latency(pair.b)),
    );
  }
  flushSame();
  return lines;
}

/** The `--json` document: the same facts as the text, in full. */
function diffDocument(diff: SessionDiff) {
  const turn = (t: DiffTurn | null) =>
    t && {
      number: t.number,
      turnId: t.turnId,
      model: t.model,
      status: t.status,
      tokens: t.usage && { prompt: t.usage.promptTokens, completion: t.usage.completionTokens, estimated: t.usage.estimated },
      costUsd: t.costUsd,
      durationMs: t.durationMs,
      firstTokenMs: t.firstTokenMs,
    };
  return {
    format: DIFF_FORMAT,
    version: DIFF_VERSION,
    a: diff.a,
    b: diff.b,
    same: diff.same,
    firstDifference: diff.firstDifference === null ? null : { index: diff.firstDifference, where: diff.turns[diff.firstDifference]?.where },
    turns: diff.turns.map((pair) => {
      const any = pair.a ?? pair.b;
      return {
        where: pair.where,
        phase: any?.phase ?? null,
        conversation: any?.conversation ?? null,
        kind: any?.kind,
        index: any?.index,
        same: pair.same,
        a: turn(pair.a),
        b: turn(pair.b),
        modelChanged: pair.modelChanged,
        request: pair.request,
        reply: pair.reply && { a: pair.a?.reply ?? '', b: pair.b?.reply ?? '', lines: pair.reply },
      };
    }),
  };
}
