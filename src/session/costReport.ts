/**
 * Tokens and cost of a run, per conversation, phase and role, from its folded events. A cost is unknown when
 * a model has no price; usage estimated from the text (a server that sends none) is marked as such.
 */
import { nameOf, usageKey, type RunState } from '../views/runState.js';
import type { Usage } from '../engine/events.js';
import { formatUsdAmount } from '../text/formatDuration.js';

/** `endpoint`: the named endpoint that served the usage, if not the default one. */
export type CostOf = (model: string, usage: Pick<Usage, 'promptTokens' | 'completionTokens'>, endpoint?: string) => number | undefined;

export interface CostLine {
  name: string;
  turns: number;
  promptTokens: number;
  completionTokens: number;
  /** USD, or undefined when some turn's model has no known price. */
  usd: number | undefined;
  estimated: boolean;
}

export interface CostReport {
  total: CostLine;
  phases: CostLine[];
  conversations: CostLine[];
  roles: CostLine[];
  /** By the endpoint and model that served the turns: `local / qwen-coder`, or the model alone on the default endpoint. */
  models: CostLine[];
  /** Whether a named endpoint served some turn: then the views show `models`. */
  endpoints: boolean;
}

const empty = (name: string): CostLine => ({ name, turns: 0, promptTokens: 0, completionTokens: 0, usd: 0, estimated: false });

function add(line: CostLine, usage: Usage, usd: number | undefined): void {
  line.turns++;
  line.promptTokens += usage.promptTokens;
  line.completionTokens += usage.completionTokens;
  line.usd = line.usd === undefined || usd === undefined ? undefined : line.usd + usd;
  line.estimated ||= usage.estimated;
}

/** Every turn that was paid for counts, also the ones later taken back: their tokens were spent. */
export function costReport(state: RunState, costOf: CostOf): CostReport {
  const total = empty('Total');
  const phases = new Map<string, CostLine>();
  const conversations = new Map<string, CostLine>();
  const roles = new Map<string, CostLine>();
  const models = new Map<string, CostLine>();
  let endpoints = false;
  const line = (map: Map<string, CostLine>, key: string, name: string) => {
    let found = map.get(key);
    if (!found) map.set(key, (found = empty(name)));
    return found;
  };
  for (const turn of state.turns.values()) {
    if (!turn.usage) continue;
    const usd = costOf(turn.model, turn.usage, turn.endpoint);
    add(total, turn.usage, usd);
    const conversation = turn.conversationId ? state.conversations.get(turn.conversationId) : undefined;
    const phaseName = state.workflow?.phases.find((p) => p.id === conversation?.phaseId)?.name;
    add(line(conversations, conversation?.id ?? '(sanity)', conversation?.name ?? 'Sanity check'), turn.usage, usd);
    add(line(phases, conversation?.phaseId ?? '(sanity)', phaseName ?? 'Sanity check'), turn.usage, usd);
    add(line(roles, turn.role ?? '(sanity)', turn.role ? nameOf(state, 'roles', turn.role) : 'Sanity check'), turn.usage, usd);
    endpoints ||= turn.endpoint !== undefined;
    const served = turn.endpoint === undefined ? turn.model : `${turn.endpoint} / ${turn.model}`;
    add(line(models, usageKey(turn.model, turn.endpoint), served), turn.usage, usd);
  }
  return {
    total,
    phases: [...phases.values()],
    conversations: [...conversations.values()],
    roles: [...roles.values()],
    models: [...models.values()],
    endpoints,
  };
}

export function formatUsd(line: Pick<CostLine, 'usd' | 'estimated'>): string {
  if (line.usd === undefined) return 'n/a';
  return `${line.estimated ? '~' : ''}${formatUsdAmount(line.usd)}`;
}

const tokens = (line: CostLine) => `${line.estimated ? '~' : ''}${line.promptTokens + line.completionTokens}`;

/** The report as Markdown tables, for transcripts and exports. */
export function costMarkdown(report: CostReport): string {
  const table = (title: string, lines: CostLine[]) =>
    [
      `### By ${title}`,
      '',
      `| ${title} | calls | prompt tokens | completion tokens | cost |`,
      '| --- | ---: | ---: | ---: | ---: |',
      ...lines.map((l) => `| ${l.name} | ${l.turns} | ${l.promptTokens} | ${l.completionTokens} | ${formatUsd(l)} |`),
      '',
    ].join('\n');
  const t = report.total;
  return [
    `Total: ${t.turns} calls (taken-back replies included), ${tokens(t)} tokens (${t.promptTokens} prompt, ${t.completionTokens} completion), cost ${formatUsd(t)}${
      t.estimated ? '; ~ marks usage estimated from the text' : ''
    }.`,
    '',
    table('phase', report.phases),
    table('conversation', report.conversations),
    table('role', report.roles),
    ...(report.endpoints ? [table('endpoint and model', report.models)] : []),
  ].join('\n');
}
