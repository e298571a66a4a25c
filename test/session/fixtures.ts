import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_PROMPTS } from '../../src/config/prompts.js';
import { DEFAULT_RETRY, type ResolvedConfig } from '../../src/config/resolve.js';
import { JOURNAL_FORMAT, JOURNAL_VERSION, type EngineEvent, type EngineEventBody, type WorkflowOutline } from '../../src/engine/events.js';

export const WORKFLOW: WorkflowOutline = {
  description: 'A tiny company.',
  roles: [
    { id: 'ceo', name: 'CEO' },
    { id: 'cto', name: 'CTO' },
  ],
  artifacts: [
    { id: 'task', name: 'Task' },
    { id: 'plan', name: 'Plan' },
    { id: 'code', name: 'Code' },
  ],
  phases: [
    {
      id: 'design',
      name: 'Designing',
      conversations: [{ id: 'planning', name: 'Planning', lead: 'ceo', assistant: 'cto', input: 'task', output: 'plan', maxTurns: 4 }],
    },
    {
      id: 'build',
      name: 'Building',
      conversations: [{ id: 'coding', name: 'Coding', lead: 'cto', assistant: 'ceo', input: 'plan', output: 'code', maxTurns: 4 }],
    },
  ],
};

/** The resolved config WORKFLOW is the outline of. */
export const CONFIG: ResolvedConfig = {
  workflow: {
    description: WORKFLOW.description,
    roles: WORKFLOW.roles.map((r) => ({ ...r, description: `The ${r.name}.` })),
    artifacts: WORKFLOW.artifacts.map((a) => ({ ...a, description: `The ${a.name}.` })),
    conversations: WORKFLOW.phases.flatMap((p) => p.conversations.map((c) => ({ ...c, description: `${c.name}.` }))),
    phases: WORKFLOW.phases.map((p) => ({ id: p.id, name: p.name, description: `${p.name}.`, conversations: p.conversations.map((c) => c.id) })),
  },
  prompts: DEFAULT_PROMPTS,
  task: 'build a login',
  model: undefined,
  temperature: undefined,
  maxTurns: 4,
  sanityCheck: true,
  context: 'thread',
  retry: DEFAULT_RETRY,
  preset: undefined,
  breakpoints: [],
  prices: {},
};

/** A format-2 run.started for WORKFLOW. */
export function runStarted(sessionId: string, task = 'build a login'): EngineEventBody {
  return {
    type: 'run.started',
    sessionId,
    task,
    provider: 'test',
    model: 'm',
    mode: 'step',
    context: 'thread',
    format: JOURNAL_FORMAT,
    version: JOURNAL_VERSION,
    workflow: WORKFLOW,
    config: { ...CONFIG, task },
    endpoint: null,
  };
}

/** Stamps bodies with seq and t; `at` gives each event's t (default: 100 ms apart). */
export function stamp(bodies: Array<EngineEventBody | [number, EngineEventBody]>): EngineEvent[] {
  let t = 0;
  return bodies.map((entry, i) => {
    const [at, body] = Array.isArray(entry) ? entry : [i === 0 ? 0 : t + 100, entry];
    t = at;
    return { ...body, seq: i + 1, t };
  });
}

function turn(
  turnId: string,
  conversationId: string | null,
  kind: 'sanity' | 'start' | 'switch',
  role: string | null,
  side: 'lead' | 'assistant' | null,
  index: number,
  text: string,
  ends = false,
  heard: string[] = [],
): EngineEventBody[] {
  return [
    {
      type: 'turn.started',
      turnId,
      conversationId,
      kind,
      role,
      side,
      index,
      attempt: 1,
      model: 'm',
      temperature: undefined,
      request: { base: null, keep: 0, add: [{ role: 'user', content: 'go' }] },
      heard,
    },
    { type: 'token', turnId, text: text.slice(0, 4) },
    { type: 'token', turnId, text: text.slice(4) },
    { type: 'usage', turnId, usage: { promptTokens: 10, completionTokens: 5, estimated: false } },
    { type: 'turn.ended', turnId, status: 'complete', text, speaker: null, endsConversation: ends, durationMs: 200, firstTokenMs: 50 },
  ];
}

/** A complete two-conversation run (format 2) with a sanity check, a customer message and a regenerated (discarded) turn. */
export function completeRun(sessionId = '20250102-030405-aaaaaa', task = 'build a login'): EngineEventBody[] {
  return [
    runStarted(sessionId, task),
    ...turn('t1', null, 'sanity', null, null, 0, 'SUCCESS'),
    { type: 'phase.started', phaseId: 'design', index: 0 },
    { type: 'conversation.started', conversationId: 'planning', phaseId: 'design' },
    { type: 'waiting', holds: [{ kind: 'step' }], next: { conversationId: 'planning', kind: 'start', role: 'ceo', side: 'lead' } },
    { type: 'resumed' },
    ...turn('t2', 'planning', 'start', 'ceo', 'lead', 0, 'CEO: what shall we plan?'),
    { type: 'customer.message', customerId: 'c1', conversationId: 'planning', text: 'Keep it small, please.' },
    ...turn('t3', 'planning', 'switch', 'cto', 'assistant', 1, 'CTO: a first draft', false, ['c1']),
    { type: 'turn.discarded', turnId: 't3', reason: 'regenerate' },
    ...turn('t4', 'planning', 'switch', 'cto', 'assistant', 1, 'CTO: the plan. END CONVERSATION', true, ['c1']),
    {
      type: 'conversation.ended',
      conversationId: 'planning',
      reason: 'end-marker',
      turns: 2,
      artifact: { id: 'plan', text: 'The plan.', incomplete: false },
    },
    { type: 'phase.ended', phaseId: 'design', skipped: false },
    { type: 'mode.changed', mode: 'auto' },
    { type: 'phase.started', phaseId: 'build', index: 1 },
    { type: 'conversation.started', conversationId: 'coding', phaseId: 'build' },
    ...turn('t5', 'coding', 'start', 'cto', 'lead', 0, 'CTO: code it'),
    ...turn('t6', 'coding', 'switch', 'ceo', 'assistant', 1, 'CEO: done'),
    {
      type: 'conversation.ended',
      conversationId: 'coding',
      reason: 'turn-limit',
      turns: 2,
      artifact: { id: 'code', text: 'CEO: done', incomplete: true },
    },
    { type: 'phase.ended', phaseId: 'build', skipped: false },
    { type: 'run.finished', status: 'completed', reason: null },
  ];
}

/** Writes `<out>/sessions/<id>/events.jsonl` from events; `tail` is appended raw (e.g. a torn line). */
export function writeSession(outDir: string, id: string, events: EngineEvent[], tail = ''): string {
  const dir = path.join(outDir, 'sessions', id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'events.jsonl'), events.map((e) => `${JSON.stringify(e)}\n`).join('') + tail);
  return dir;
}

/** Text that would run script, load something or break out of its element if a page wrote it unescaped. */
export const HOSTILE = [
  '<script>document.title="pwned"</script>',
  `<img src=x onerror="document.title='pwned'">`,
  `<a href="javascript:document.title='pwned'">click</a> [md](javascript:alert(1))`,
  '</details></article></pre></div><b id="broke-out">broken out</b>',
  '</style><style>body{display:none;background:url(http://127.0.0.1:9/css)}</style>',
  '<link rel=stylesheet href="http://127.0.0.1:9/x.css"><meta http-equiv="refresh" content="0;url=http://127.0.0.1:9/">',
  '<iframe src="http://127.0.0.1:9/"></iframe><svg onload="document.title=\'pwned\'"></svg>',
  '\x1b]8;;http://127.0.0.1:9/\x07osc link\x1b]8;;\x07 \u202eevil',
].join('\n');

/** completeRun() with HOSTILE in every text, name, description and message a session holds. */
export function hostileRun(): EngineEventBody[] {
  const poison = (value: unknown, key = ''): unknown => {
    if (typeof value === 'string') return ['text', 'content', 'task', 'name', 'description'].includes(key) ? `${value} ${HOSTILE}` : value;
    if (Array.isArray(value)) return value.map((v) => poison(v));
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, poison(v, k)]));
    return value;
  };
  return completeRun().map((body) => poison(body) as EngineEventBody);
}
