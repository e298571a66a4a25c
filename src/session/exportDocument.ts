/**
 * A session as one structured JSON document, for `roleplay export --format json`: the session's facts,
 * phases → conversations → turns, the customer's messages in order, and the artifacts.
 */
import type { ConversationEndReason, ReplyFinish, RunStatus, Side, TurnKind, Usage } from '../engine/events.js';
import { customerFate, customerStatus, nameOf, type ConversationStatus, type RunState, type TranscriptItem } from '../views/runState.js';

export const EXPORT_FORMAT = 'roleplay-session';
export const EXPORT_VERSION = 1;

export interface ExportedTurn {
  turnId: string;
  kind: TurnKind;
  /** Role id and name; null for the sanity check. */
  role: string | null;
  roleName: string | null;
  side: Side | null;
  /** 0-based place in its conversation. */
  index: number;
  model: string;
  /** The named endpoint that served it; absent: the default one. */
  endpoint?: string;
  text: string;
  status: 'streaming' | 'complete' | 'interrupted' | 'failed';
  /** Set when the reply is not whole: `length` (cut off at the server's token limit), `content_filter`, `refusal`, `size-limit`. */
  finish: ReplyFinish | null;
  /** The model's thinking, apart from the reply ('' for none). */
  reasoning: string;
  /** True when the person replaced the model's text (`turn.edited`). */
  edited: boolean;
  /** `person`: a person in the role's seat wrote the reply; no model was asked. */
  author: 'model' | 'person';
  /** `--approve`: `draft` waits for the person; `accepted` as it was, or `edited` before they accepted it. */
  approval: 'draft' | 'accepted' | 'edited' | null;
  usage: Usage | null;
  durationMs: number | null;
  firstTokenMs: number | null;
  warnings: string[];
}

export interface ExportedCustomerMessage {
  /** Null when it came before the first conversation. */
  conversationId: string | null;
  /** How many of that conversation's exported turns came before it. */
  afterTurns: number;
  text: string;
  id: string;
  /** `heard`: a turn's request carried it (`heardBy`); `waiting`: none yet (a resume delivers it); `withdrawn`: none will. */
  status: 'heard' | 'waiting' | 'withdrawn';
  heardBy: string | null;
  withdrawn: 'rewind' | 'no-turn-left' | null;
}

export interface ExportedConversation {
  id: string;
  name: string;
  lead: { id: string; name: string };
  assistant: { id: string; name: string };
  input: { id: string; name: string };
  output: { id: string; name: string };
  maxTurns: number;
  status: ConversationStatus;
  endReason: ConversationEndReason | null;
  turns: ExportedTurn[];
}

export interface ExportDocument {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  session: {
    id: string;
    /** ISO time the run started, when known. */
    startedAt: string | null;
    task: string;
    provider: string;
    model: string;
    context: 'thread' | 'scoped' | 'server';
    status: RunStatus | 'interrupted';
    reason: string | null;
    durationMs: number;
    turns: number;
    tokens: { prompt: number; completion: number; estimated: boolean };
    description: string;
  };
  /** Turns outside any conversation: the sanity check. */
  preamble: ExportedTurn[];
  phases: Array<{ id: string; name: string; conversations: ExportedConversation[] }>;
  /** Every customer message, in the order it was sent. */
  customerMessages: ExportedCustomerMessage[];
  artifacts: Array<{ id: string; name: string; producedBy: string | null; incomplete: boolean; text: string }>;
  warnings: Array<{ code: string; message: string; turnId?: string | undefined }>;
}

export function buildExportDocument(state: RunState, meta: { startedAt?: Date | null; durationMs?: number } = {}): ExportDocument {
  const customerMessages: ExportedCustomerMessage[] = [];
  const ref = (kind: 'roles' | 'artifacts', id: string) => ({ id, name: nameOf(state, kind, id) });

  const turnsOf = (items: TranscriptItem[], conversationId: string | null): ExportedTurn[] => {
    const turns: ExportedTurn[] = [];
    for (const item of items) {
      if (item.kind === 'customer') {
        const fate = customerFate(state, item.customerId);
        const status = customerStatus(state, item.customerId);
        customerMessages.push({
          conversationId,
          afterTurns: turns.length,
          text: item.text,
          id: item.customerId,
          status,
          heardBy: status === 'heard' ? (fate?.heardBy ?? null) : null,
          withdrawn: fate?.withdrawn ?? null,
        });
        continue;
      }
      const turn = state.turns.get(item.turnId);
      if (!turn || turn.discarded) continue;
      turns.push({
        turnId: turn.turnId,
        kind: turn.kind,
        role: turn.role,
        roleName: turn.role ? nameOf(state, 'roles', turn.role) : null,
        side: turn.side,
        index: turn.index,
        model: turn.model,
        ...(turn.endpoint !== undefined ? { endpoint: turn.endpoint } : {}),
        text: turn.text,
        status: turn.status,
        finish: turn.finish,
        reasoning: turn.reasoning,
        edited: turn.edited,
        author: turn.byPerson ? 'person' : 'model',
        approval: turn.approval,
        usage: turn.usage,
        durationMs: turn.durationMs,
        firstTokenMs: turn.firstTokenMs,
        warnings: [...turn.warnings],
      });
    }
    return turns;
  };

  const preamble = turnsOf(state.preamble, null);
  const producedBy = new Map<string, string>();
  const phases = (state.workflow?.phases ?? []).map((phase) => ({
    id: phase.id,
    name: phase.name,
    conversations: phase.conversations.flatMap((c): ExportedConversation[] => {
      const conv = state.conversations.get(c.id);
      if (!conv) return [];
      producedBy.set(conv.output, conv.id);
      return [
        {
          id: conv.id,
          name: conv.name,
          lead: ref('roles', conv.lead),
          assistant: ref('roles', conv.assistant),
          input: ref('artifacts', conv.input),
          output: ref('artifacts', conv.output),
          maxTurns: conv.maxTurns,
          status: conv.status,
          endReason: conv.endReason,
          turns: turnsOf(conv.items, conv.id),
        },
      ];
    }),
  }));

  const t = state.totals;
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    session: {
      id: state.sessionId,
      startedAt: meta.startedAt ? meta.startedAt.toISOString() : null,
      task: state.task,
      provider: state.provider,
      model: state.model,
      context: state.context,
      status: state.finished?.status ?? 'interrupted',
      reason: state.finished?.reason ?? null,
      durationMs: meta.durationMs ?? 0,
      turns: t.turns,
      tokens: { prompt: t.promptTokens, completion: t.completionTokens, estimated: t.estimated },
      description: state.workflow?.description ?? '',
    },
    preamble,
    phases,
    customerMessages,
    artifacts: [...state.artifacts].map(([id, artifact]) => ({
      id,
      name: nameOf(state, 'artifacts', id),
      producedBy: producedBy.get(id) ?? null,
      incomplete: artifact.incomplete,
      text: artifact.text,
    })),
    warnings: state.warnings.map((w) => ({ ...w })),
  };
}
