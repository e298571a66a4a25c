/**
 * What each intent does when the run reaches the gate: take replies back, edit one, apply a reloaded config,
 * skip. Each change is an event; the session model follows from it.
 */
import type { ChatMessage } from '../providers/types.js';
import type { Intent, StopIntent } from './intents.js';
import type { TurnAt } from './position.js';
import { extractArtifact, hasEndMarker } from './protocol.js';
import type { RunContext } from './runContext.js';

/** `go`: run the turn; `again`: read the position anew (something changed); skip; or take the person's reply. */
export type GateOutcome = 'go' | 'again' | { skip: 'conversation' | 'phase' } | { reply: string } | { request: ChatMessage[] };

export function applyIntent(ctx: RunContext, intent: Exclude<Intent, StopIntent>, turn: TurnAt): GateOutcome | undefined {
  switch (intent.kind) {
    case 'skip':
      return { skip: intent.scope };
    case 'reload': {
      ctx.emit({ type: 'config.reloaded', config: intent.config, changed: intent.changed });
      // The turn the gate holds was read off the old config (its conversation, its limit): read it anew.
      return 'again';
    }
    case 'regenerate':
      return regenerate(ctx, turn);
    case 'rewind':
      return rewind(ctx, intent.turnId);
    case 'edit':
      if (intent.turnId) {
        editFinalReply(ctx, intent.turnId, intent.text);
        return undefined;
      }
      return edit(ctx, intent.text);
    case 'request':
      if (ctx.gate.current().some((h) => h.kind === 'request')) {
        ctx.gate.release();
        return { request: intent.messages };
      }
      ctx.warn('request', 'No request waits to be edited: a request: breakpoint holds one');
      return undefined;
    case 'approve':
      ctx.warn('approve', 'No draft waits for your approval');
      return undefined;
    case 'reply':
      if (ctx.seats.isPerson(ctx.config, turn)) return { reply: intent.text };
      ctx.warn('reply', "Not taken: this turn is the model's (h takes it)");
      return undefined;
  }
}

/** After a failure, `r` retries the failed turn; otherwise it takes back the last reply and asks again. */
function regenerate(ctx: RunContext, turn: TurnAt): GateOutcome | undefined {
  const last = ctx.model.lastTurnId ? ctx.model.turns.get(ctx.model.lastTurnId) : undefined;
  const leftNothing = last && !last.stands && !last.discarded && last.conversationId === turn.conversationId && last.kind === turn.kind;
  if (leftNothing) {
    ctx.gate.release();
    return 'again';
  }
  const reply = turn.conversation ? ctx.model.current?.replies.at(-1) : undefined;
  if (!reply) {
    ctx.warn('regenerate', 'Nothing to regenerate: this conversation has no reply yet');
    return undefined;
  }
  ctx.emit({ type: 'turn.discarded', turnId: reply.turnId, reason: 'regenerate' });
  ctx.gate.release();
  return 'again';
}

/**
 * Takes back the replies from `turnId` on. The customer messages that turn heard are heard again by its new
 * version; the ones heard later, or still waiting, answered replies that are gone, and are withdrawn.
 */
function rewind(ctx: RunContext, turnId: string): GateOutcome | undefined {
  const current = ctx.model.current;
  const at = current ? current.replies.findIndex((r) => r.turnId === turnId) : -1;
  if (!current || at < 0) {
    ctx.warn('rewind', 'Only a reply of the current conversation can be rewound to');
    return undefined;
  }
  const dropped = current.replies.slice(at);
  const kept = new Set(ctx.model.turns.get(turnId)?.heard.map((entry) => entry.customerId) ?? []);
  const later = [
    ...dropped.slice(1).flatMap((r) => ctx.model.turns.get(r.turnId)?.heard.map((entry) => entry.customerId ?? '') ?? []),
    ...ctx.model.waiting,
  ].filter((id) => id && !kept.has(id));
  for (const reply of dropped) ctx.emit({ type: 'turn.discarded', turnId: reply.turnId, reason: 'rewind' });
  if (later.length) ctx.emit({ type: 'customer.withdrawn', customerIds: later, reason: 'rewind' });
  ctx.emit({ type: 'conversation.rewound', conversationId: current.conversationId, toIndex: at, discarded: dropped.map((r) => r.turnId) });
  ctx.gate.release();
  return 'again';
}

/** Replaces the last reply's text; with END CONVERSATION in it, the conversation ends (also an interrupted reply). */
function edit(ctx: RunContext, text: string): GateOutcome | undefined {
  const last = ctx.model.current?.replies.at(-1);
  if (!last) {
    ctx.warn('edit', 'Only the last reply of this conversation can be edited, between turns');
    return undefined;
  }
  ctx.emit({ type: 'turn.edited', turnId: last.turnId, text, previous: last.text, endsConversation: hasEndMarker(text) });
  return 'again';
}

/**
 * Replaces the final reply of a conversation that ended, and with it the artifact that reply made. Turns that ran
 * since used the old text; the ones to come hear the new one (in the thread, and as the artifact).
 */
export function editFinalReply(ctx: RunContext, turnId: string, text: string): void {
  const turn = ctx.model.turns.get(turnId);
  const conversation = ctx.config.workflow.conversations.find((c) => c.id === turn?.conversationId);
  const final = ctx.model.thread.findLast((entry) => entry.role === 'assistant' && entry.conversationId === conversation?.id);
  if (!turn || !conversation || !ctx.model.conversationsEnded.has(conversation.id) || final?.turnId !== turnId) {
    ctx.warn('edit', 'Only the final reply of a conversation that ended makes its artifact');
    return;
  }
  const was = ctx.model.produced.get(conversation.output);
  ctx.emit({
    type: 'turn.edited',
    turnId,
    text,
    previous: final.content,
    endsConversation: hasEndMarker(text),
    artifact: { id: conversation.output, text: extractArtifact(text, ctx.roleNames), incomplete: was?.incomplete ?? false },
  });
}
