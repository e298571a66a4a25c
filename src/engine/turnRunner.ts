/**
 * One turn, start to end: the request put together, the reply streamed (with retries), its usage, its role
 * header checked, and the events that tell it. The engine decides when a turn runs and what follows it; the
 * thread, the artifacts and the customer's messages stay the engine's, and reach here read-only.
 */
import type { Conversation, ResolvedConfig } from '../config/resolve.js';
import type { Provider } from '../providers/types.js';
import { estimateTokens } from '../text/estimateTokens.js';
import type { EngineEventBody, Side, TurnKind, TurnStatus, Usage } from './events.js';
import { turnMeta } from './outline.js';
import { hasEndMarker, parseRoleHeader, sameSpeaker } from './protocol.js';
import { buildMessages, turnPrompt, type ThreadEntry } from './requestBuilder.js';
import type { ResumedReply } from './resume.js';
import { streamReply, type AbortCause, type Failure, type Flights } from './turnStream.js';

export interface TurnInput {
  turnId: string;
  kind: TurnKind;
  conversation: Conversation | undefined;
  side: Side;
  index: number;
  config: ResolvedConfig;
  task: string;
  /** The model for roles that name none. */
  model: string;
  /** The initial message this turn's context starts with. */
  initial: string;
  thread: readonly ThreadEntry[];
  produced: ReadonlyMap<string, { text: string }>;
  /** Customer messages since the last reply. */
  customer: readonly string[];
  roleNames: readonly string[];
}

export interface TurnDeps {
  provider: Provider;
  flights: Flights;
  emit: (body: EngineEventBody) => void;
  now: () => number;
  /** Whether a failure ends the run (headless) rather than pausing it: the error event says so. */
  failureIsFatal: boolean;
  /** Usage as soon as it is known, before the turn is announced as ended. */
  onUsage(model: string, usage: Usage): void;
  /** The prompt and reply that join the thread, handed over before anyone hears that the turn ended. */
  commit(entries: ThreadEntry[], reply: { text: string; complete: boolean; customerSeen: number }): void;
}

export type TurnOutcome =
  | { status: 'failed'; failure: Failure }
  | { status: 'dropped'; turnId: string; stoppedBy: AbortCause | null }
  | (ResumedReply & { customerSeen: number });

export async function runTurn(input: TurnInput, deps: TurnDeps): Promise<TurnOutcome> {
  const { turnId, kind, conversation, side, index, config } = input;
  const { emit, now } = deps;
  const roleId = conversation ? (side === 'lead' ? conversation.lead : conversation.assistant) : undefined;
  const role = roleId ? config.workflow.roles.find((r) => r.id === roleId) : undefined;
  const prompt = turnPrompt(config, kind, conversation, roleId);
  const conversationId = conversation?.id ?? null;
  const messages = buildMessages({ config, initial: input.initial, thread: input.thread, conversationId, produced: input.produced, prompt });
  const model = role?.model ?? input.model;
  const temperature = role?.temperature ?? config.temperature;
  const meta = turnMeta({ config, task: input.task, produced: input.produced, customer: input.customer, kind, conversation, side, index });
  const customerSeen = meta.customer.length;
  const started = now();
  emit({
    type: 'turn.started',
    turnId,
    conversationId,
    kind,
    role: roleId ?? null,
    side: conversation ? side : null,
    index,
    attempt: 1,
    model,
    temperature,
    request: messages,
  });
  const result = await streamReply({
    provider: deps.provider,
    request: { model, temperature, messages, meta },
    retry: config.retry,
    turnId,
    flights: deps.flights,
    emit,
    now,
  });
  const ended = (status: TurnStatus, text: string, extra: { speaker?: string | null; endsConversation?: boolean; firstTokenAt?: number | null } = {}) =>
    emit({
      type: 'turn.ended',
      turnId,
      status,
      text,
      speaker: extra.speaker ?? null,
      endsConversation: extra.endsConversation ?? false,
      durationMs: now() - started,
      firstTokenMs: extra.firstTokenAt == null ? null : extra.firstTokenAt - started,
    });

  if (result.kind === 'stopped-while-waiting') {
    ended('interrupted', '');
    return { status: 'dropped', turnId, stoppedBy: result.stoppedBy };
  }
  if (result.kind === 'failed') {
    emit({ type: 'error', message: result.failure.message, fatal: deps.failureIsFatal, turnId });
    ended('failed', result.text);
    return { status: 'failed', failure: result.failure };
  }

  const { text, firstTokenAt, stoppedBy } = result;
  const status: 'complete' | 'interrupted' = stoppedBy ? 'interrupted' : 'complete';
  const usage = result.usage ?? {
    promptTokens: estimateTokens(messages.reduce((n, m) => n + m.content.length, 0)),
    completionTokens: estimateTokens(text),
    estimated: true,
  };
  emit({ type: 'usage', turnId, usage });
  deps.onUsage(model, usage);
  const header = kind === 'sanity' ? undefined : parseRoleHeader(text, input.roleNames);
  if (status === 'complete' && role) checkSpeaker(emit, turnId, header?.speaker, role);
  const endsConversation = status === 'complete' && kind !== 'sanity' && hasEndMarker(text);
  // A reply cut short to regenerate it, or by quitting, is not kept: a resume generates it again.
  const dropped = stoppedBy === 'regenerate' || stoppedBy === 'quit' || !text;
  if (!dropped) {
    deps.commit(
      [
        { role: 'user', content: prompt, conversationId, turnId },
        { role: 'assistant', content: text, conversationId, turnId },
      ],
      { text, complete: status === 'complete', customerSeen },
    );
  }
  ended(status, text, { speaker: header?.speaker ?? null, endsConversation, firstTokenAt });
  if (stoppedBy === 'regenerate' || stoppedBy === 'quit') emit({ type: 'turn.discarded', turnId, reason: stoppedBy });
  if (dropped) return { status: 'dropped', turnId, stoppedBy };
  return { turnId, prompt, text, side, status, endsConversation, customerSeen };
}

function checkSpeaker(emit: TurnDeps['emit'], turnId: string, speaker: string | undefined, expected: { name: string; id: string }): void {
  if (speaker === undefined) {
    emit({ type: 'warning', code: 'no-header', message: `The reply has no role header; expected "${expected.name}:"`, turnId });
  } else if (!sameSpeaker(speaker, expected)) {
    emit({ type: 'warning', code: 'wrong-speaker', message: `The reply speaks as "${speaker}" but it is ${expected.name}'s turn`, turnId });
  }
}
