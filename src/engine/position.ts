/** Where a session stands, read off its model: what the run does next. The live run and a resume both ask here. */
import type { Conversation, Phase, ResolvedConfig } from '../config/resolve.js';
import type { NextTurn, Side } from './events.js';
import type { SessionModel } from './sessionModel.js';

export interface TurnAt extends NextTurn {
  conversation: Conversation | undefined;
  side: Side | null;
  /** 0-based place of the reply in its conversation. */
  index: number;
}

export type Step =
  | { kind: 'turn'; turn: TurnAt }
  | { kind: 'phase.start'; phase: Phase; index: number }
  | { kind: 'conversation.start'; conversation: Conversation; phase: Phase }
  | { kind: 'conversation.end'; conversation: Conversation; reason: 'end-marker' | 'turn-limit' }
  | { kind: 'phase.end'; phase: Phase }
  /** A draft waits for the person's approval before anything else happens. */
  | { kind: 'approve'; turnId: string }
  | { kind: 'done' };

const SANITY: TurnAt = { conversationId: null, kind: 'sanity', role: null, side: null, conversation: undefined, index: 0 };

export function nextStep(model: SessionModel, config: ResolvedConfig): Step {
  if (model.draft) return { kind: 'approve', turnId: model.draft.turnId };
  if (config.sanityCheck && !model.sanityDone && model.phasesStarted.size === 0) return { kind: 'turn', turn: SANITY };
  const { workflow } = config;
  for (const [index, phase] of workflow.phases.entries()) {
    if (model.phasesEnded.has(phase.id)) continue;
    if (!model.phasesStarted.has(phase.id)) return { kind: 'phase.start', phase, index };
    for (const id of phase.conversations) {
      if (model.conversationsEnded.has(id)) continue;
      const conversation = workflow.conversations.find((c) => c.id === id);
      if (!conversation) continue;
      if (model.current?.conversationId !== id) return { kind: 'conversation.start', conversation, phase };
      const replies = model.current.replies;
      const last = replies.at(-1);
      if (last?.endsConversation) return { kind: 'conversation.end', conversation, reason: 'end-marker' };
      if (replies.length >= conversation.maxTurns) return { kind: 'conversation.end', conversation, reason: 'turn-limit' };
      const side: Side = last?.side === 'lead' ? 'assistant' : 'lead';
      return {
        kind: 'turn',
        turn: {
          conversationId: id,
          conversation,
          kind: replies.length === 0 ? 'start' : 'switch',
          side,
          role: side === 'lead' ? conversation.lead : conversation.assistant,
          index: replies.length,
        },
      };
    }
    return { kind: 'phase.end', phase };
  }
  return { kind: 'done' };
}
