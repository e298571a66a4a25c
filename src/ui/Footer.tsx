/** Key hints from the keymap, and tokens, cost and latency for the current turn and the whole run. */
import { Box, Text } from 'ink';
import type { Usage } from '../engine/events.js';
import { fromUsageKey, type RunState, type TurnView } from '../views/runState.js';
import { costOf as builtInCost } from '../session/pricing.js';
import { available, Command, KEYMAP, type Binding, type KeyContext } from './keymap.js';
import { estimateTokens } from '../text/estimateTokens.js';
import { formatUsdAmount } from '../text/formatDuration.js';
import { count } from '../text/count.js';

export function formatTokens(n: number): string {
  return n < 1000 ? String(n) : n < 100_000 ? `${(n / 1000).toFixed(1)}k` : `${Math.round(n / 1000)}k`;
}

export function formatCost(usd: number | undefined, estimated: boolean): string {
  if (usd === undefined) return 'cost n/a';
  return `${estimated ? '~' : ''}${formatUsdAmount(usd)}`;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

export type CostOf = (model: string, usage: Pick<Usage, 'promptTokens' | 'completionTokens'>, endpoint?: string) => number | undefined;

function turnStats(turn: TurnView | undefined, costOf: CostOf, compact = false): string {
  if (!turn) return 'no turn yet';
  if (turn.status === 'streaming') return `~${formatTokens(estimateTokens(turn.text))} tok so far`;
  const usage = turn.usage;
  if (!usage) return turn.status;
  const tilde = usage.estimated ? '~' : '';
  const parts = [
    `${tilde}${formatTokens(usage.promptTokens)} in, ${tilde}${formatTokens(usage.completionTokens)} out`,
    formatCost(costOf(turn.model, usage, turn.endpoint), usage.estimated),
  ];
  if (turn.durationMs !== null && !compact) {
    // Latency: to the first token / for the whole reply.
    parts.push(turn.firstTokenMs !== null ? `${seconds(turn.firstTokenMs)}/${seconds(turn.durationMs)}` : seconds(turn.durationMs));
  }
  return parts.join(' · ');
}

export function totalCost(byModel: Map<string, Usage>, costOf: CostOf): number | undefined {
  let sum: number | undefined;
  for (const [key, usage] of byModel) {
    const { model, endpoint } = fromUsageKey(key);
    const cost = costOf(model, usage, endpoint);
    if (cost !== undefined) sum = (sum ?? 0) + cost;
  }
  return sum;
}

function keyContext(state: RunState, live: boolean): KeyContext {
  return { finished: state.finished !== null, generating: state.activeTurnId !== null, waiting: state.waiting !== null, live };
}

// Shown whenever they work, however narrow the terminal: help, quit, and stop while a reply is generated.
const ALWAYS: readonly Command[] = [Command.abort, Command.help, Command.quit];
const hintWidth = (b: Binding) => b.label.length + 1 + (b.hint?.length ?? 0) + 3;

/** The hints of the keys that work now that fit in a width, in keymap order; those of ALWAYS are always among them. */
function footerHints(width: number, now: KeyContext): Binding[] {
  const hinted = KEYMAP.filter((b) => b.hint && available(b, now));
  let room = width - hinted.filter((b) => ALWAYS.includes(b.command)).reduce((n, b) => n + hintWidth(b), 0);
  return hinted.filter((b) => {
    if (ALWAYS.includes(b.command)) return true;
    room -= hintWidth(b);
    return room >= 0;
  });
}

export function Footer({
  state,
  width,
  costOf = builtInCost,
  runningMs = 0,
  live = true,
}: {
  state: RunState;
  width: number;
  costOf?: CostOf | undefined;
  /** How long the reply in progress has run: the run's clock ticks with it. */
  runningMs?: number;
  /** A live run; a replay takes no customer messages and no debug commands. */
  live?: boolean;
}) {
  const t = state.totals;
  const tilde = t.estimated ? '~' : '';
  const turn = state.lastTurnId ? state.turns.get(state.lastTurnId) : undefined;
  const tokens = `${tilde}${formatTokens(t.promptTokens + t.completionTokens)} tok · ${formatCost(totalCost(t.byModel, costOf), t.estimated)}`;
  const turns = count(t.turns, 'turn');
  let stats = turnStats(turn, costOf);
  let total = `${tokens} · ${seconds(t.durationMs + runningMs)} · ${turns}`;
  // On a narrow screen the latencies go first, so the run's totals still fit.
  if ('turn:  │ run: '.length + stats.length + total.length > width) {
    stats = turnStats(turn, costOf, true);
    total = `${tokens} · ${turns}`;
  }
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end">
        {footerHints(width, keyContext(state, live)).map((b, i) => (
          <Text key={b.command}>
            {i > 0 ? <Text dimColor> · </Text> : null}
            <Text bold>{b.label}</Text>
            <Text dimColor>{` ${b.hint}`}</Text>
          </Text>
        ))}
      </Text>
      <Text wrap="truncate-end">
        <Text dimColor>turn: </Text>
        {stats}
        <Text dimColor> │ run: </Text>
        {total}
      </Text>
    </Box>
  );
}
