/**
 * The prompt inspector: the exact messages sent for one turn, each with its role and an estimated token count,
 * and what changed against the request of the turn before it. `[` and `]` move between the turns of a
 * conversation; the scroll keys move in one.
 */
import chalk from 'chalk';
import { Box, Text } from 'ink';
import wrapAnsi from 'wrap-ansi';
import { FINISH_MARKS, nameOf, type RunState, type TranscriptItem } from '../views/runState.js';
import type { ChatMessage } from '../providers/types.js';
import { sanitize } from '../text/sanitize.js';
import { LinesView } from './LinesView.js';
import type { LineSource } from './transcriptLayout.js';
import { estimateTokens } from '../text/estimateTokens.js';

export type Requests = { get(turnId: string): readonly ChatMessage[] | undefined };

/** A rough token count: four characters a token. */

/** The turns of a conversation (null: the ones before the first) that were not taken back, in order. */
export function turnsOf(state: RunState, conversationId: string | null): string[] {
  const items: TranscriptItem[] = conversationId ? (state.conversations.get(conversationId)?.items ?? []) : state.preamble;
  const ids: string[] = [];
  for (const item of items) {
    if (item.kind === 'turn' && !state.turns.get(item.turnId)?.discarded) ids.push(item.turnId);
  }
  return ids;
}

/** The turn whose request came before this one's, across conversations, skipping turns taken back. */
function previousTurnOf(state: RunState, turnId: string): string | null {
  let previous: string | null = null;
  for (const [id, turn] of state.turns) {
    if (id === turnId) return previous;
    if (!turn.discarded) previous = id;
  }
  return null;
}

const same = (a: ChatMessage, b: ChatMessage) => a.role === b.role && a.content === b.content;

export interface RequestDiff {
  previousTurnId: string | null;
  /** Index of the first message that is new or differs. */
  from: number;
  /** Earlier messages that differ from the previous request (0 when this request only adds to it). */
  changed: number;
}

function diffRequests(state: RunState, requests: Requests, turnId: string): RequestDiff | null {
  const previousTurnId = previousTurnOf(state, turnId);
  const current = requests.get(turnId);
  const previous = previousTurnId ? requests.get(previousTurnId) : undefined;
  if (!current || !previous) return null;
  let from = 0;
  while (from < current.length && from < previous.length && same(current[from]!, previous[from]!)) from++;
  return { previousTurnId, from, changed: Math.max(0, previous.length - from) };
}

function turnTitle(state: RunState, turnId: string | null): string {
  const turn = turnId ? state.turns.get(turnId) : undefined;
  if (!turn) return 'no turn';
  if (turn.kind === 'sanity') return 'the sanity check';
  const where = turn.conversationId ? ` of ${sanitize(state.conversations.get(turn.conversationId)?.name ?? turn.conversationId)}` : '';
  return `turn ${turn.index + 1}${where} (${sanitize(nameOf(state, 'roles', turn.role))}, ${turn.kind.toUpperCase()})`;
}

const ROLE_COLOR = { system: 'yellow', user: 'green', assistant: 'blue' } as const;

interface Laid {
  width: number;
  previous: readonly ChatMessage[] | undefined;
  diff: RequestDiff | null;
  estimate: number;
  /** The "+ #n" summary of the added messages. */
  added: string[];
  /** Every message, wrapped at the width. */
  bodies: string[];
}

/**
 * The expensive part of a request's lines (the wrapped messages, the summary of the added ones, the diff and the
 * token estimate), kept per request (a request never changes once sent) for one width and one previous request,
 * so a frame while a reply streams does not wrap the whole request again.
 */
const laidOut = new WeakMap<readonly ChatMessage[], Laid>();

function layRequest(state: RunState, requests: Requests, turnId: string, request: readonly ChatMessage[], width: number): Laid {
  const previousTurnId = previousTurnOf(state, turnId);
  const previous = previousTurnId ? requests.get(previousTurnId) : undefined;
  const kept = laidOut.get(request);
  if (kept && kept.width === width && kept.previous === previous) return kept;
  const diff = diffRequests(state, requests, turnId);
  const added: string[] = [];
  for (const [i, m] of (diff ? request.slice(diff.from) : []).entries()) {
    const first = sanitize(m.content).replace(/\s+/g, ' ').trim();
    added.push(
      chalk.green(`  + #${(diff?.from ?? 0) + i + 1} ${m.role} ~${estimateTokens(m.content)} tok: `) +
        chalk.dim(first.length > 80 ? `${first.slice(0, 79)}…` : first),
    );
  }
  const bodies: string[] = [];
  const from = diff?.from ?? request.length;
  for (const [i, m] of request.entries()) {
    bodies.push('');
    const mark = diff && i >= from ? chalk.green('+ ') : '  ';
    const color = ROLE_COLOR[m.role] ?? 'white';
    bodies.push(mark + chalk[color].bold(`#${i + 1} ${m.role}`) + chalk.dim(` · ~${estimateTokens(m.content)} tok · ${m.content.length} chars`));
    const body = wrapAnsi(sanitize(m.content), Math.max(10, width - 4), { hard: true, trim: false });
    for (const line of body.split('\n')) bodies.push(`    ${line}`);
  }
  const estimate = request.reduce((n, m) => n + estimateTokens(m.content), 0);
  const laid = { width, previous, diff, estimate, added, bodies };
  laidOut.set(request, laid);
  return laid;
}

export function inspectorLines(state: RunState, requests: Requests, turnId: string | null, width: number): LineSource {
  const lines: string[] = [];
  const request = turnId ? requests.get(turnId) : undefined;
  const turn = turnId ? state.turns.get(turnId) : undefined;
  if (!turnId || !turn) {
    lines.push(chalk.dim('No turn here yet: the inspector shows a turn once its request was sent.'));
  } else if (!request) {
    lines.push(chalk.dim('The request of this turn was not recorded.'));
  } else {
    const { diff, estimate, added, bodies } = layRequest(state, requests, turnId, request, width);
    const usage = turn.usage
      ? ` · usage: ${turn.usage.promptTokens} in, ${turn.usage.completionTokens} out${turn.usage.estimated ? ' (estimated)' : ''}`
      : '';
    lines.push(
      `${request.length} message${request.length === 1 ? '' : 's'} · ~${estimate} tokens (chars/4)${usage} · model ${sanitize(turn.model)}${turn.endpoint !== undefined ? ` at endpoint ${sanitize(turn.endpoint)}` : ''}`,
    );
    // What came back, when it is not a plain whole reply: its mark, and thinking that was not sent back.
    if (turn.finish) lines.push(chalk.yellow(`The reply: ${FINISH_MARKS[turn.finish]}`));
    if (turn.reasoning) lines.push(chalk.dim(`The model thought ${turn.reasoning.length} characters first: not part of the reply, never sent back`));
    if (turn.requestEdited) {
      lines.push(
        chalk.black.bgYellow(' ✎ edited before sending: these are the messages you sent; the run had built others (the journal keeps both) '),
      );
    }
    if (turn.byPerson) lines.push(chalk.magenta('✍ Written by a person in the seat: nothing was sent; these are the messages they answered.'));
    if (!diff) {
      lines.push(chalk.dim('Changed: the first request, nothing to compare with.'));
    } else {
      const count = request.length - diff.from;
      const against = `against the request of ${turnTitle(state, diff.previousTurnId)}`;
      if (diff.changed > 0) {
        const why = diff.from === 0 ? 'a new context (or a changed system prompt)' : `message #${diff.from + 1} on`;
        lines.push(
          chalk.yellow(
            `Changed ${against}: ${diff.changed} earlier message${diff.changed === 1 ? '' : 's'} differ from ${why}; ${count} here are new or changed (marked +)`,
          ),
        );
      } else {
        lines.push(chalk.green(`Changed ${against}: +${count} message${count === 1 ? '' : 's'} added (marked +)`));
      }
      lines.push(...added);
    }
    // The few lines above are made per frame; the wrapped messages are the kept ones, read in place.
    return { length: lines.length + bodies.length, at: (i) => (i < lines.length ? lines[i] : bodies[i - lines.length]) ?? '' };
  }
  return { length: lines.length, at: (i) => lines[i] ?? '' };
}

export function InspectorView(props: {
  state: RunState;
  requests: Requests;
  turnId: string | null;
  conversationId: string | null;
  width: number;
  height: number;
  top: number | null;
  source: LineSource;
}) {
  const { state, turnId, conversationId, height, top, source } = props;
  const ids = turnsOf(state, conversationId);
  const at = turnId ? ids.indexOf(turnId) : -1;
  const current = turnId ? state.turns.get(turnId)?.conversationId === state.activeConversationId && !state.finished : false;
  return (
    <Box flexDirection="column" height={height}>
      <Text wrap="truncate-end">
        <Text bold>{`Prompt · ${turnTitle(state, turnId)}`}</Text>
        <Text dimColor>{` · ${at + 1}/${ids.length} · [ ] turns · ↑↓ scroll${current ? ' · w rewinds to here' : ''} · p/esc closes`}</Text>
      </Text>
      <LinesView source={source} height={height - 1} top={top} />
    </Box>
  );
}
