import type { EngineEvent, EngineEventBody, WorkflowOutline } from '../../src/engine/events.js';
import { applyEvent, createRunState, type RunState } from '../../src/views/runState.js';

/** One conversation `c` of phase `p`, led by role `a` with role `b` (or `a` alone): X to X. */
export function oneConversation(maxTurns: number, assistant: 'a' | 'b' = 'a'): WorkflowOutline {
  return {
    description: 'd',
    roles: [{ id: 'a', name: 'A' }, ...(assistant === 'b' ? [{ id: 'b', name: 'B' }] : [])],
    artifacts: [{ id: 'x', name: 'X' }],
    phases: [{ id: 'p', name: 'P', conversations: [{ id: 'c', name: 'C', lead: 'a', assistant, input: 'x', output: 'x', maxTurns }] }],
  };
}

/**
 * A view's run state, fed by hand: the run has started with `workflow` and its conversation `c` is in progress.
 * `emit` stamps each body with the next seq, hands it to `also` (a request book, say), then folds it.
 */
export function viewState(workflow: WorkflowOutline, also: (event: EngineEvent) => void = () => {}) {
  const state: RunState = createRunState();
  let seq = 0;
  const emit = (body: EngineEventBody) => {
    const event = { ...body, seq: ++seq, t: 0 };
    also(event);
    applyEvent(state, event);
  };
  // Only the fields the views read; run.started carries more.
  emit({
    type: 'run.started',
    sessionId: 's',
    task: 't',
    provider: 'p',
    model: 'm',
    mode: 'auto',
    context: 'thread',
    workflow,
  } as unknown as EngineEventBody);
  emit({ type: 'conversation.started', conversationId: 'c', phaseId: 'p' });
  return { state, emit };
}

/** `turn.started` of turn `turnId` in conversation `c`, role `a` leading, with a request of one user message. */
export function turnStarted(turnId: string, content = 'START'): EngineEventBody {
  return {
    type: 'turn.started',
    turnId,
    conversationId: 'c',
    kind: 'start',
    role: 'a',
    side: 'lead',
    index: 0,
    attempt: 1,
    model: 'm',
    temperature: undefined,
    request: { base: null, keep: 0, add: [{ role: 'user', content }] },
    heard: [],
  };
}
