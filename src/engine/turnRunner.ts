/**
 * One turn, start to end: the request put together, the reply streamed (with retries), its usage, its role
 * header checked, and the events that tell it. The engine decides when a turn runs and what follows it; the
 * session model changes only through the events emitted here.
 */
import type { ResolvedConfig } from '../config/resolve.js';
import type { ChatMessage, Provider } from '../providers/types.js';
import { estimateTokens } from '../text/estimateTokens.js';
import type { EngineEventBody, ReplyFinish, TurnStatus, Usage } from './events.js';
import { turnMeta } from './outline.js';
import { hasEndMarker, parseRoleHeader, sameSpeaker } from './protocol.js';
import type { TurnAt } from './position.js';
import type { BuiltRequest } from './requestBuilder.js';
import { requestDelta } from './requestDelta.js';
import { streamReply, type AbortCause, type Failure, type Flights } from './turnStream.js';

export interface TurnInput {
  turnId: string;
  turn: TurnAt;
  config: ResolvedConfig;
  task: string;
  /** The model for roles that name none. */
  model: string;
  built: BuiltRequest;
  /** The request of the turn before, which this one's is stored as a delta of. */
  previous: { turnId: string; messages: readonly ChatMessage[] } | null;
  produced: ReadonlyMap<string, { text: string }>;
  /** The customer messages this turn hears. */
  customer: readonly string[];
  roleNames: readonly string[];
  /** A complete reply is a draft for the person to approve (`--approve`). */
  draft?: boolean;
  /** The request as built, when the person edited it before it was sent (`built` then holds the edit). */
  original?: readonly ChatMessage[];
}

export interface TurnDeps {
  /** The default endpoint's provider. */
  provider: Provider;
  /** The named endpoints, for the roles that name one. */
  endpoints?: ReadonlyMap<string, { provider: Provider; model: string | undefined }> | undefined;
  flights: Flights;
  emit: (body: EngineEventBody) => void;
  now: () => number;
  /** Whether a failure ends the run (headless) rather than pausing it: the error event says so. */
  failureIsFatal: boolean;
  /** Usage as soon as it is known, before the turn is announced as ended. */
  onUsage(model: string, usage: Usage, endpoint: string | undefined): void;
}

export type TurnOutcome =
  | { status: 'failed'; turnId: string; failure: Failure }
  | { status: 'dropped'; turnId: string; stoppedBy: AbortCause | null }
  | { status: 'complete' | 'interrupted'; turnId: string; text: string; stoppedBy: AbortCause | null };

/**
 * Runs one turn and tells it through events: `turn.started` (the request, as a delta, and the customer messages it
 * hears), tokens, usage, `turn.ended`, and `turn.discarded` for a reply cut short to regenerate it or by a quit.
 */
export async function runTurn(input: TurnInput, deps: TurnDeps): Promise<TurnOutcome> {
  const { turnId, turn, config, built } = input;
  const { emit, now } = deps;
  const { conversation, kind, side, index } = turn;
  const role = turn.role ? config.workflow.roles.find((r) => r.id === turn.role) : undefined;
  const messages = built.messages;
  const named = role?.endpoint !== undefined ? deps.endpoints?.get(role.endpoint) : undefined;
  // The engine refuses a config that names an endpoint the run has not set up (engine.ts), so this cannot miss.
  if (role?.endpoint !== undefined && !named) throw new Error(`no endpoint "${role.endpoint}" was set up for role ${role.name}`);
  const endpoint = named ? role?.endpoint : undefined;
  const model = role?.model ?? named?.model ?? input.model;
  const temperature = role?.temperature ?? config.temperature;
  const meta = turnMeta({
    config,
    task: input.task,
    produced: input.produced,
    customer: input.customer,
    kind,
    conversation,
    side: side ?? undefined,
    index,
  });
  const started = now();
  emit({
    type: 'turn.started',
    turnId,
    conversationId: turn.conversationId,
    kind,
    role: turn.role,
    side,
    index,
    attempt: 1,
    model,
    ...(endpoint !== undefined ? { endpoint } : {}),
    temperature,
    request: requestDelta(input.previous?.messages ?? null, input.previous?.turnId ?? null, messages),
    heard: built.heard,
    ...(input.original ? { original: requestDelta(input.previous?.messages ?? null, input.previous?.turnId ?? null, input.original) } : {}),
  });
  const result = await streamReply({
    provider: named?.provider ?? deps.provider,
    request: { model, temperature, messages, meta },
    retry: config.retry,
    turnId,
    flights: deps.flights,
    emit,
    now,
    maxReplyChars: config.maxReplyChars,
  });
  const ended = (
    status: TurnStatus,
    text: string,
    extra: {
      speaker?: string | null;
      endsConversation?: boolean;
      firstTokenAt?: number | null;
      finish?: ReplyFinish | null;
      reasoning?: string;
      draft?: boolean;
    } = {},
  ) =>
    emit({
      type: 'turn.ended',
      turnId,
      status,
      text,
      speaker: extra.speaker ?? null,
      endsConversation: extra.endsConversation ?? false,
      durationMs: now() - started,
      firstTokenMs: extra.firstTokenAt == null ? null : extra.firstTokenAt - started,
      ...(extra.finish ? { finish: extra.finish } : {}),
      ...(extra.reasoning ? { reasoning: extra.reasoning } : {}),
      ...(extra.draft ? { draft: true as const } : {}),
    });

  if (result.kind === 'stopped-while-waiting') {
    ended('interrupted', '');
    return { status: 'dropped', turnId, stoppedBy: result.stoppedBy };
  }
  if (result.kind === 'failed') {
    if (result.failure.setupFault === 'context') result.failure.message = contextFailure(result.failure.message, input, messages);
    emit({ type: 'error', message: result.failure.message, fatal: deps.failureIsFatal, turnId });
    ended('failed', result.text);
    return { status: 'failed', turnId, failure: result.failure };
  }

  const { text, firstTokenAt, stoppedBy, finish, reasoning } = result;
  const status: 'complete' | 'interrupted' = stoppedBy ? 'interrupted' : 'complete';
  const usage = result.usage ?? {
    promptTokens: estimateTokens(messages.reduce((n, m) => n + m.content.length, 0)),
    completionTokens: estimateTokens(text),
    estimated: true,
  };
  emit({ type: 'usage', turnId, usage });
  deps.onUsage(model, usage, endpoint);
  const header = kind === 'sanity' ? undefined : parseRoleHeader(text, input.roleNames);
  // A refusal is the model's own words, not a role's reply: it has no header to check.
  if (status === 'complete' && role && finish !== 'refusal') checkSpeaker(emit, turnId, header?.speaker, role);
  // A refusal says no to the turn: whatever it quotes does not end the conversation. The thinking is not read at all.
  const endsConversation = status === 'complete' && kind !== 'sanity' && finish !== 'refusal' && hasEndMarker(text);
  ended(status, text, {
    speaker: header?.speaker ?? null,
    endsConversation,
    firstTokenAt,
    finish,
    reasoning,
    draft: input.draft === true && status === 'complete',
  });
  // A reply cut short to regenerate it, or by quitting, is not kept: a resume generates it again.
  if (stoppedBy === 'regenerate' || stoppedBy === 'quit') emit({ type: 'turn.discarded', turnId, reason: stoppedBy });
  if (!text || stoppedBy === 'regenerate' || stoppedBy === 'quit') return { status: 'dropped', turnId, stoppedBy };
  return { status, turnId, text, stoppedBy };
}

function checkSpeaker(emit: TurnDeps['emit'], turnId: string, speaker: string | undefined, expected: { name: string; id: string }): void {
  if (speaker === undefined) {
    emit({ type: 'warning', code: 'no-header', message: `The reply has no role header; expected "${expected.name}:"`, turnId });
  } else if (!sameSpeaker(speaker, expected)) {
    emit({ type: 'warning', code: 'wrong-speaker', message: `The reply speaks as "${speaker}" but it is ${expected.name}'s turn`, turnId });
  }
}

/** A request too long for the model: which turn, how big it was, and what would help. */
function contextFailure(message: string, input: TurnInput, messages: readonly ChatMessage[]): string {
  const { turn, config } = input;
  const role = turn.role ? config.workflow.roles.find((r) => r.id === turn.role)?.name : undefined;
  const where =
    turn.kind === 'sanity'
      ? 'the sanity check'
      : `turn ${turn.index + 1} of "${turn.conversation?.name ?? turn.conversationId}"${role ? ` (${role})` : ''}`;
  const chars = messages.reduce((n, m) => n + m.content.length, 0);
  const estimate = `about ${estimateTokens(chars).toLocaleString('en-US')} tokens in ${messages.length} messages`;
  const help =
    config.context === 'thread'
      ? ': --context scoped (or context: "scoped" in the config) sends each conversation only the artifacts so far'
      : ': use a model with a longer context, or shorter prompts';
  return `${message}, at ${where}, ${estimate}${help}`;
}
