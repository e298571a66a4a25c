/** A hand-written format-1 journal (what roleplay wrote before journal versions), for the migration tests. */
import { CONFIG, WORKFLOW } from './fixtures.js';

type V1 = Record<string, unknown> & { type: string };

const SYSTEM = { role: 'system', content: 'You roleplay a company.' };
const INITIAL = { role: 'user', content: 'The task: build a login.' };

function started(turnId: string, kind: string, role: string | null, side: string | null, index: number, request: unknown[]): V1 {
  return {
    type: 'turn.started',
    turnId,
    conversationId: kind === 'sanity' ? null : 'planning',
    kind,
    role,
    side,
    index,
    attempt: 1,
    model: 'm',
    request,
  };
}

function ended(turnId: string, status: string, text: string): V1 {
  return {
    type: 'turn.ended',
    turnId,
    status,
    text,
    speaker: null,
    endsConversation: /END CONVERSATION/.test(text),
    durationMs: 10,
    firstTokenMs: 1,
  };
}

const next = { conversationId: 'planning', kind: 'switch', role: 'cto', side: 'assistant' };

/**
 * A run with customer messages (one before the first reply), a regenerate, a failed turn and its retry, an edit,
 * every kind of pause, and a headless budget stop: the version-1 `quit` that migration turns into `budget`.
 */
export function v1Journal(): V1[] {
  const { breakpoints: _b, prices: _p, ...config } = CONFIG;
  const bodies: V1[] = [
    {
      type: 'run.started',
      sessionId: '20250105-000000-111111',
      task: 'build a login',
      provider: 'demo',
      model: 'm',
      mode: 'auto',
      context: 'thread',
      workflow: WORKFLOW,
      config,
      endpoint: null,
    },
    { type: 'customer.message', conversationId: null, text: 'Before anything: hello.' },
    started('t1', 'sanity', null, null, 0, [SYSTEM, INITIAL, { role: 'user', content: 'Say SUCCESS.' }]),
    { type: 'token', turnId: 't1', text: 'SUCCESS' },
    { type: 'usage', turnId: 't1', usage: { promptTokens: 10, completionTokens: 1, estimated: false } },
    ended('t1', 'complete', 'SUCCESS'),
    { type: 'phase.started', phaseId: 'design', index: 0 },
    { type: 'conversation.started', conversationId: 'planning', phaseId: 'design' },
    {
      type: 'waiting',
      reason: 'paused',
      message: 'Breakpoint conversation:Planning: before conversation "Planning"; Breakpoint role:ceo: CEO is about to speak',
      next: { ...next, kind: 'start', role: 'ceo', side: 'lead' },
    },
    { type: 'resumed' },
    started('t2', 'start', 'ceo', 'lead', 0, [
      SYSTEM,
      INITIAL,
      { role: 'user', content: 'The customer: hello.' },
      { role: 'user', content: 'START' },
    ]),
    ended('t2', 'complete', 'CEO: what shall we plan?'),
    { type: 'customer.message', conversationId: 'planning', text: 'Keep it small, please.' },
    started('t3', 'switch', 'cto', 'assistant', 1, [
      SYSTEM,
      INITIAL,
      { role: 'user', content: 'START' },
      { role: 'assistant', content: 'CEO: what shall we plan?' },
      { role: 'user', content: 'small' },
      { role: 'user', content: 'SWITCH' },
    ]),
    ended('t3', 'complete', 'CTO: a first draft'),
    { type: 'turn.discarded', turnId: 't3', reason: 'regenerate' },
    started('t4', 'switch', 'cto', 'assistant', 1, [SYSTEM, { role: 'user', content: 'SWITCH' }]),
    { type: 'error', message: 'the server said 500', fatal: false, turnId: 't4' },
    ended('t4', 'failed', ''),
    { type: 'waiting', reason: 'paused', message: 'the server said 500 (r: retry, s: skip)', next },
    started('t5', 'switch', 'cto', 'assistant', 1, [SYSTEM, { role: 'user', content: 'SWITCH' }]),
    ended('t5', 'complete', 'CTO: the plan.'),
    { type: 'turn.edited', turnId: 't5', text: 'CTO: the plan, shorter. END CONVERSATION', previous: 'CTO: the plan.' },
    { type: 'waiting', reason: 'step', message: null, next },
    { type: 'budget.reached', spentUsd: 0.52, maxUsd: 0.5 },
    { type: 'waiting', reason: 'paused', message: 'Budget of $0.50 reached ($0.52 spent): space goes on anyway', next },
    { type: 'waiting', reason: 'paused', message: 'Stopped by you: space continues, r regenerates', next },
    { type: 'conversation.ended', conversationId: 'planning', reason: 'quit', turns: 2, artifact: null },
    { type: 'run.finished', status: 'quit', reason: 'the budget of $0.50 was reached ($0.52 spent)' },
  ];
  return bodies.map((body, i) => ({ ...body, seq: i + 1, t: i * 10 }));
}

export function jsonl(lines: readonly unknown[]): string {
  return lines.map((line) => `${JSON.stringify(line)}\n`).join('');
}
