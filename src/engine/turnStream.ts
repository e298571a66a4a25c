/**
 * Streaming one reply: the provider's chunks, stall watchdogs, retries with exponential backoff, and
 * stale-proof cancellation. Each attempt is a "flight" with its own AbortController and generation number;
 * stopping a flight bumps the generation first, so no late chunk of it is ever passed on.
 */
import type { RetryPolicy } from '../config/resolve.js';
import { ProviderError, type ModelRequest, type Provider, type SetupFault } from '../providers/types.js';
import type { EngineEventBody, ReplyFinish, Usage } from './events.js';
import { formatDelay } from '../text/formatDuration.js';
import { ThinkSplitter } from './thinkBlocks.js';

/** Why a flight was stopped. The first four are the user's doing; the timeouts are the network's. */
export type AbortCause = 'user' | 'skip' | 'quit' | 'regenerate' | 'first-token-timeout' | 'idle-timeout';

interface Flight {
  generation: number;
  controller: AbortController;
  cause: AbortCause | null;
}

export class Flights {
  private generation = 0;
  private current: Flight | null = null;

  get busy(): boolean {
    return this.current !== null;
  }

  begin(): Flight {
    const flight = { generation: ++this.generation, controller: new AbortController(), cause: null };
    this.current = flight;
    return flight;
  }

  isStale(flight: Flight): boolean {
    return flight.generation !== this.generation;
  }

  end(flight: Flight): void {
    if (this.current === flight) this.current = null;
  }

  stop(cause: AbortCause): void {
    const flight = this.current;
    if (!flight) return;
    flight.cause ??= cause;
    this.generation++;
    flight.controller.abort(cause);
  }
}

export interface Failure {
  message: string;
  retryable: boolean;
  retryAfterMs?: number | undefined;
  setupFault?: SetupFault | undefined;
}

/** The longest reply taken by default, its thinking included: far past any model's output limit, far below a crash. */
const DEFAULT_MAX_REPLY_CHARS = 2_000_000;

export type StreamResult =
  | {
      kind: 'reply';
      text: string;
      /** The model's thinking, apart from the reply ('' for none). */
      reasoning: string;
      finish: ReplyFinish | null;
      usage: Usage | undefined;
      firstTokenAt: number | null;
      stoppedBy: AbortCause | null;
    }
  | { kind: 'stopped-while-waiting'; stoppedBy: AbortCause | null }
  | { kind: 'failed'; failure: Failure; text: string };

const USER_CAUSES: ReadonlySet<AbortCause | null> = new Set(['user', 'skip', 'quit', 'regenerate']);

function classify(error: unknown, cause: AbortCause | null, retry: RetryPolicy): Failure {
  if (cause === 'first-token-timeout') return { message: `no reply within ${formatDelay(retry.firstTokenTimeoutMs)}`, retryable: true };
  if (cause === 'idle-timeout') return { message: `the stream stalled for ${formatDelay(retry.idleTimeoutMs)}`, retryable: true };
  if (error instanceof ProviderError) {
    return { message: error.message, retryable: error.retryable, retryAfterMs: error.retryAfterMs, setupFault: error.setupFault };
  }
  return { message: error instanceof Error ? error.message : String(error), retryable: false };
}

/**
 * A reply with no text. Retried when it is just empty; not when the server said why (it would say it again, and bill
 * it again): cut at the token limit or filtered before any reply, or thinking past the size limit.
 */
function emptyReply(finish: ReplyFinish | null, reasoning: string, maxChars: number): Failure {
  const thought = reasoning ? ' (it only thought)' : '';
  switch (finish) {
    case 'length':
      return { message: `the server cut the reply off at its token limit before the model replied${thought}`, retryable: false };
    case 'content_filter':
      return { message: "the server's content filter stopped the reply before it began", retryable: false };
    case 'size-limit':
      return { message: `the model's thinking passed the reply size limit (${maxChars} characters) before it replied`, retryable: false };
    default:
      return { message: `the model sent an empty reply${thought}`, retryable: true };
  }
}

/** Sleeps between retries; stopping the flight (skip, quit, stop) cuts it short and says why. */
function backoff(flights: Flights, ms: number): Promise<{ stopped: false } | { stopped: true; by: AbortCause | null }> {
  const flight = flights.begin();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      flights.end(flight);
      resolve({ stopped: false });
    }, ms);
    flight.controller.signal.addEventListener('abort', () => {
      clearTimeout(timer);
      flights.end(flight);
      resolve({ stopped: true, by: flight.cause });
    });
  });
}

/** Streams one reply, retrying what can be retried. Emits token and retrying events for `turnId`. */
export async function streamReply(args: {
  provider: Provider;
  request: ModelRequest;
  retry: RetryPolicy;
  turnId: string;
  flights: Flights;
  emit: (body: EngineEventBody) => void;
  now: () => number;
  /** The most characters one reply (its thinking included) may have; past it the reply is cut, marked `size-limit`. */
  maxReplyChars?: number | undefined;
}): Promise<StreamResult> {
  const { provider, request, retry, turnId, flights, emit, now } = args;
  const maxChars = args.maxReplyChars ?? DEFAULT_MAX_REPLY_CHARS;
  for (let attempt = 1; ; attempt++) {
    const flight = flights.begin();
    const { controller } = flight;
    let text = '';
    let reasoning = '';
    let finish: ReplyFinish | null = null;
    let usage: Usage | undefined;
    let firstTokenAt: number | null = null;
    const think = new ThinkSplitter();
    // One watchdog per attempt, not one timer per token: it fires, looks at when the last chunk came, and
    // either stops the stream or sleeps for the time that is left.
    let lastChunkAt: number | null = null;
    let timer: NodeJS.Timeout | undefined;
    const watch = (ms: number) => {
      timer = setTimeout(() => {
        if (lastChunkAt === null) {
          flight.cause ??= 'first-token-timeout';
          controller.abort('first-token-timeout');
          return;
        }
        const quiet = now() - lastChunkAt;
        if (quiet < retry.idleTimeoutMs) return watch(retry.idleTimeoutMs - quiet);
        flight.cause ??= 'idle-timeout';
        controller.abort('idle-timeout');
      }, ms);
    };
    watch(retry.firstTokenTimeoutMs);
    // Thinking counts as activity: a model that thinks for longer than the first-token timeout is not stopped.
    const active = () => {
      if (firstTokenAt === null) {
        firstTokenAt = now();
        // From the first token on, the watchdog minds silence, not the wait for the first token.
        clearTimeout(timer);
        watch(retry.idleTimeoutMs);
      }
      lastChunkAt = now();
    };
    /** Takes what fits under the size limit; false once the reply is full. */
    const take = (piece: { reply: string; reasoning: string }): boolean => {
      let room = maxChars - text.length - reasoning.length;
      const thought = piece.reasoning.slice(0, Math.max(0, room));
      room -= thought.length;
      const said = piece.reply.slice(0, Math.max(0, room));
      if (thought) {
        reasoning += thought;
        emit({ type: 'reasoning', turnId, text: thought });
      }
      if (said) {
        text += said;
        emit({ type: 'token', turnId, text: said });
      }
      return thought.length === piece.reasoning.length && said.length === piece.reply.length;
    };
    let failure: Failure | undefined;
    let refused = false;
    try {
      for await (const chunk of provider.stream(request, controller.signal)) {
        if (flights.isStale(flight)) break;
        if (chunk.type === 'delta' || chunk.type === 'reasoning' || chunk.type === 'refusal') {
          if (!chunk.text) continue;
          active();
          if (chunk.type === 'refusal') refused = true;
          const piece = chunk.type === 'reasoning' ? { reply: '', reasoning: chunk.text } : think.push(chunk.text);
          if (!take(piece)) {
            finish = 'size-limit';
            // Past the size limit: stop reading (and the server sending), keep what came, and go on.
            controller.abort('size-limit');
            break;
          }
        } else if (chunk.type === 'finish') {
          if (chunk.mark) finish = chunk.mark;
        } else {
          usage = { promptTokens: chunk.promptTokens, completionTokens: chunk.completionTokens, estimated: false };
        }
      }
      if (finish !== 'size-limit') {
        if (controller.signal.aborted) throw controller.signal.reason;
        if (!take(think.end())) finish = 'size-limit';
      }
      if (refused && finish !== 'size-limit') finish = 'refusal';
      if (!text.trim()) failure = emptyReply(finish, reasoning, maxChars);
    } catch (error) {
      failure = classify(error, flight.cause, retry);
    } finally {
      clearTimeout(timer);
      flights.end(flight);
    }

    const reply = { kind: 'reply' as const, text, reasoning, finish, usage, firstTokenAt };
    if (USER_CAUSES.has(flight.cause)) return { ...reply, stoppedBy: flight.cause };
    if (!failure) return { ...reply, stoppedBy: null };
    if (!failure.retryable || attempt > retry.attempts) return { kind: 'failed', failure, text };
    const delayMs = Math.min(failure.retryAfterMs ?? Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1)), 300_000);
    emit({ type: 'retrying', turnId, attempt, maxAttempts: retry.attempts, delayMs, reason: failure.message });
    const waited = await backoff(flights, delayMs);
    if (waited.stopped) return { kind: 'stopped-while-waiting', stoppedBy: waited.by };
  }
}
