/**
 * The run: read the next step off the session model, do it, repeat. A fresh run and a resumed one are the same
 * loop over different models. Turns wait at the gate for the person; what they asked for meanwhile is applied
 * there, in order (`intentActions.ts`).
 */
import type { Conversation } from '../config/resolve.js';
import { breakpointAfterReply, breakpointsBefore, requestBreakpoint } from './breakpoints.js';
import type { ConversationEndReason, RunStatus } from './events.js';
import { applyIntent, type GateOutcome } from './intentActions.js';
import { nextStep, type TurnAt } from './position.js';
import { extractArtifact, sanityPassed } from './protocol.js';
import { requestFor } from './requestBuilder.js';
import type { ChatMessage } from '../providers/types.js';
import type { RunContext } from './runContext.js';
import { approvalGate, needsApproval } from './approval.js';
import { personHold, tellPersonTurn } from './seats.js';
import { runTurn } from './turnRunner.js';
import { formatUsdAmount } from '../text/formatDuration.js';

export async function runLoop(ctx: RunContext): Promise<{ status: RunStatus; reason: string | null }> {
  try {
    checkBudget(ctx);
    while (true) {
      const stop = ctx.intents.stop;
      if (stop) {
        // A conversation that its last reply closed (END CONVERSATION, or its turn limit) ends as such first.
        const step = nextStep(ctx.model, ctx.config);
        if (step.kind === 'conversation.end') endConversation(ctx, step.conversation, step.reason);
        return finish(ctx, stop.status, stop.reason);
      }
      const step = nextStep(ctx.model, ctx.config);
      switch (step.kind) {
        case 'done':
          return finish(ctx, 'completed', null);
        case 'phase.start':
          ctx.emit({ type: 'phase.started', phaseId: step.phase.id, index: step.index });
          break;
        case 'conversation.start':
          ctx.emit({ type: 'conversation.started', conversationId: step.conversation.id, phaseId: step.phase.id });
          break;
        case 'conversation.end':
          endConversation(ctx, step.conversation, step.reason);
          break;
        case 'phase.end':
          ctx.emit({ type: 'phase.ended', phaseId: step.phase.id, skipped: false });
          break;
        case 'approve':
          await approvalGate(ctx, step.turnId);
          break;
        case 'turn': {
          const outcome = await gate(ctx, step.turn);
          if (outcome === 'go') await takeTurn(ctx, step.turn);
          else if (outcome === 'again') break;
          else if ('reply' in outcome) takePersonTurn(ctx, step.turn, outcome.reply);
          else if ('request' in outcome) {
            ctx.gate.pass();
            await takeTurn(ctx, step.turn, outcome.request);
          } else skip(ctx, outcome.skip, step.turn);
          break;
        }
      }
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    ctx.emit({ type: 'error', message: reason, fatal: true });
    return finish(ctx, 'failed', reason);
  }
}

/** Waits until the person lets the turn go: in step mode, and while anything holds the run. */
async function gate(ctx: RunContext, turn: TurnAt): Promise<GateOutcome> {
  ctx.gateTurn = turn;
  let shown: string | null = null;
  const leave = (outcome: GateOutcome): GateOutcome => {
    if (shown !== null) ctx.emit({ type: 'resumed' });
    return outcome;
  };
  while (true) {
    if (ctx.intents.stop) return leave('again');
    const intent = ctx.intents.next();
    if (intent) {
      const outcome = applyIntent(ctx, intent, turn);
      if (outcome) return leave(outcome);
      continue;
    }
    checkBreakpoints(ctx, turn);
    let holds = ctx.gate.current();
    // A person's turn waits for their reply, not for a step: the reply is the step.
    const person = ctx.seats.isPerson(ctx.config, turn) ? personHold(ctx.config, turn) : undefined;
    if (person) {
      holds = [...holds.filter((h) => h.kind !== 'step'), person];
      ctx.personSince ??= ctx.now();
    } else ctx.personSince = null;
    if (holds.length === 0) {
      ctx.gate.pass();
      return leave('go');
    }
    const key = JSON.stringify(holds);
    if (key !== shown) {
      shown = key;
      ctx.emit({ type: 'waiting', holds, next: { conversationId: turn.conversationId, kind: turn.kind, role: turn.role, side: turn.side } });
    }
    await ctx.gate.changed();
  }
}

function checkBreakpoints(ctx: RunContext, turn: TurnAt): void {
  const key = `${turn.conversationId}#${turn.index}#${turn.kind}`;
  if (ctx.breakpointSeen === key) return;
  ctx.breakpointSeen = key;
  for (const hit of breakpointsBefore(ctx.breakpoints, ctx.config.workflow, turn)) hitBreakpoint(ctx, hit);
  // A request: breakpoint holds the request itself, for the person to edit before it goes (not a person's turn: it
  // sends nothing). Headless runs only report it.
  const request = ctx.seats.isPerson(ctx.config, turn) ? undefined : requestBreakpoint(ctx.breakpoints, turn);
  if (request?.kind === 'request') {
    const role = ctx.config.workflow.roles.find((r) => r.id === turn.role)?.name ?? 'the sanity check';
    const message = `the request of ${role} waits: e edits it, space sends it as it is`;
    ctx.emit({ type: 'breakpoint', spec: request.spec, message });
    if (ctx.options.onBreakpoint !== 'log') ctx.gate.hold({ kind: 'request', spec: request.spec, name: role });
  }
}

function hitBreakpoint(ctx: RunContext, hit: { spec: string; message: string }): void {
  ctx.emit({ type: 'breakpoint', spec: hit.spec, message: hit.message });
  if (ctx.options.onBreakpoint !== 'log') ctx.gate.hold({ kind: 'breakpoint', ...hit });
}

/** `edited`: the request as the person changed it at a `request:` breakpoint, sent instead of the one built. */
async function takeTurn(ctx: RunContext, turn: TurnAt, edited?: ChatMessage[]): Promise<void> {
  const config = ctx.config;
  const made = requestFor(ctx.model, config, ctx.options.task, turn);
  const built = edited ? { ...made, messages: edited } : made;
  const turnId = `t${ctx.model.turnCounter + 1}`;
  const customer = built.heard.map((id) => ctx.model.customers.get(id)?.text ?? '');
  const previous = ctx.lastRequest;
  ctx.lastRequest = { turnId, messages: built.messages };
  const outcome = await runTurn(
    {
      turnId,
      turn,
      config,
      task: ctx.options.task,
      model: ctx.options.model,
      built,
      previous,
      produced: ctx.model.produced,
      customer,
      roleNames: ctx.roleNames,
      draft: needsApproval(ctx, turn),
      ...(edited ? { original: made.messages } : {}),
    },
    {
      provider: ctx.options.provider,
      endpoints: ctx.options.endpoints,
      flights: ctx.flights,
      emit: (body) => ctx.emit(body),
      now: ctx.now,
      failureIsFatal: ctx.options.onFailure === 'stop',
      onUsage: (model, usage, endpoint) => countCost(ctx, model, usage, endpoint),
    },
  );
  const stoppedByYou = 'Stopped by you: space continues, r regenerates';
  switch (outcome.status) {
    case 'failed':
      ctx.lastFailure = { message: outcome.failure.message, setupFault: outcome.failure.setupFault };
      if (ctx.options.onFailure === 'stop') ctx.intents.push({ kind: 'stop', status: 'failed', reason: outcome.failure.message });
      else ctx.gate.hold({ kind: 'failure', message: `${outcome.failure.message} (r or space: retry, s: skip)` });
      return;
    case 'dropped':
      // `r` while it streamed asks for this very turn again, at once; `x` while it waited to retry stops the run.
      if (outcome.stoppedBy === 'regenerate' && !ctx.intents.has('rewind')) ctx.gate.release();
      else if (outcome.stoppedBy === 'user') ctx.gate.hold({ kind: 'stopped', message: stoppedByYou });
      return;
    default:
      ctx.lastFailure = null;
      if (outcome.stoppedBy === 'user') ctx.gate.hold({ kind: 'stopped', message: stoppedByYou });
      if (outcome.status === 'complete') {
        const match = breakpointAfterReply(ctx.breakpoints, outcome.text);
        if (match) hitBreakpoint(ctx, match);
        if (turn.kind === 'sanity' && !sanityPassed(outcome.text)) {
          const answer = outcome.text.trim().replace(/\s+/g, ' ').slice(0, 80);
          ctx.warn('sanity-check', `The sanity check did not answer SUCCESS: "${answer}"`);
          // The model says it did not understand the brief: a person decides whether the run is worth its cost.
          if (ctx.options.onFailure !== 'stop') {
            ctx.gate.hold({ kind: 'failure', message: `The sanity check answered "${answer}": space goes on anyway, q quits` });
          }
        }
      }
  }
}

/** The person's reply for their turn: the request they answered and their text, told as a turn of its own. */
function takePersonTurn(ctx: RunContext, turn: TurnAt, text: string): void {
  const built = requestFor(ctx.model, ctx.config, ctx.options.task, turn);
  const turnId = `t${ctx.model.turnCounter + 1}`;
  const previous = ctx.lastRequest;
  ctx.lastRequest = { turnId, messages: built.messages };
  const waitedMs = ctx.personSince === null ? 0 : Math.max(0, ctx.now() - ctx.personSince);
  ctx.personSince = null;
  ctx.seats.taken();
  ctx.gate.pass();
  ctx.lastFailure = null;
  tellPersonTurn({ turnId, turn, config: ctx.config, built, previous, text, roleNames: ctx.roleNames, waitedMs }, (body) => ctx.emit(body));
}

/** Headless stops at the budget (resumably); the TUI holds once and lets the person decide. */
function countCost(ctx: RunContext, model: string, usage: Parameters<RunContext['budget']['add']>[1], endpoint: string | undefined): void {
  budgetReached(ctx, ctx.budget.add(model, usage, endpoint));
}

/** A resumed run whose budget was already spent stops (or holds) before it sends anything. */
function checkBudget(ctx: RunContext): void {
  budgetReached(ctx, ctx.budget.check());
}

function budgetReached(ctx: RunContext, reached: { spentUsd: number; maxUsd: number } | undefined): void {
  if (!reached) return;
  ctx.emit({ type: 'budget.reached', ...reached });
  if (ctx.options.onFailure === 'stop') {
    const reason = `the budget of ${formatUsdAmount(reached.maxUsd)} was reached (${formatUsdAmount(reached.spentUsd)} spent)`;
    ctx.intents.push({ kind: 'stop', status: 'budget', reason });
  } else ctx.gate.hold({ kind: 'budget', ...reached });
}

function skip(ctx: RunContext, scope: 'conversation' | 'phase', turn: TurnAt): void {
  const conversation = turn.conversation;
  if (!conversation) {
    // Skipping the sanity check: the first phase starts.
    const first = ctx.config.workflow.phases[0];
    if (first) ctx.emit({ type: 'phase.started', phaseId: first.id, index: 0 });
    return;
  }
  endConversation(ctx, conversation, scope === 'phase' ? 'phase-skipped' : 'skipped');
  if (scope === 'phase') {
    const phase = ctx.config.workflow.phases.find((p) => p.conversations.includes(conversation.id));
    if (phase) ctx.emit({ type: 'phase.ended', phaseId: phase.id, skipped: true });
  }
}

function endConversation(ctx: RunContext, conversation: Conversation, reason: ConversationEndReason): void {
  const replies = ctx.model.current?.conversationId === conversation.id ? ctx.model.current.replies : [];
  const last = replies.at(-1);
  const artifact = last ? { id: conversation.output, text: extractArtifact(last.text, ctx.roleNames), incomplete: reason !== 'end-marker' } : null;
  ctx.emit({ type: 'conversation.ended', conversationId: conversation.id, reason, turns: replies.length, artifact });
}

function finish(ctx: RunContext, status: RunStatus, reason: string | null): { status: RunStatus; reason: string | null } {
  const current = ctx.model.current;
  const conversation = current && ctx.config.workflow.conversations.find((c) => c.id === current.conversationId);
  if (conversation && status !== 'completed')
    endConversation(ctx, conversation, status === 'budget' ? 'budget' : status === 'failed' ? 'failed' : 'quit');
  const unheard = ctx.model.waiting;
  if (status === 'completed' && unheard.length > 0) {
    // Said after the last turn: nobody is left to hear it. A quit keeps it waiting for a resume.
    ctx.emit({ type: 'customer.withdrawn', customerIds: [...unheard], reason: 'no-turn-left' });
    ctx.warn(
      'customer-unheard',
      `Not sent: no turn was left to hear ${unheard.length === 1 ? 'your last message' : `your last ${unheard.length} messages`}`,
    );
  }
  ctx.emit({ type: 'run.finished', status, reason });
  return { status, reason };
}
