/**
 * The Responses API (`POST /responses`, streamed): the system messages become `instructions`, the rest input
 * items, and the stream's semantic events become our chunks. With `serverThread`, a request that only adds to
 * the one before (the same items, then that reply) is sent as what it adds plus `previous_response_id`: the thread
 * stays on the server.
 */
import OpenAI from 'openai';
import type { ResponseInputItem, ResponseStreamEvent } from 'openai/resources/responses/responses';
import { ProviderError, type ChatMessage, type FinishMark, type ModelRequest, type Provider, type StreamChunk } from './types.js';
import { providerFailure } from './responsesErrors.js';
import { SdkLog } from './sdkLogger.js';

export interface ResponsesProviderOptions {
  apiKey: string;
  baseURL?: string | undefined;
  /** The variable the key came from, named when the server refuses it. */
  apiKeyEnv?: string;
  /** The endpoint's name, for what to check when the server is never reached; none: the CLI's. */
  endpointName?: string;
  headers?: Record<string, string>;
  /** Keep the responses on the server; the OpenAI default is true, ours false unless asked. */
  store?: boolean;
  /** Send only what a request adds to the one before, with `previous_response_id` (needs `store`). */
  serverThread?: boolean;
  timeoutMs?: number;
}

/** What one event of the stream means to a turn. */
export type ResponsesSignal =
  | { kind: 'text'; text: string }
  | { kind: 'reasoning'; text: string }
  | { kind: 'refusal'; text: string }
  | { kind: 'completed'; id: string; promptTokens: number; completionTokens: number; usage: boolean }
  | { kind: 'failed'; message: string; retryable: boolean }
  | { kind: 'incomplete'; reason: string; id: string; promptTokens: number; completionTokens: number; usage: boolean }
  | { kind: 'other' };

/** Error codes of `response.failed` and `error` events that a second try can get past. */
const RETRYABLE_CODES = new Set(['server_error', 'rate_limit_exceeded', 'vector_store_timeout']);

function readResponsesEvent(event: ResponseStreamEvent): ResponsesSignal {
  switch (event.type) {
    case 'response.output_text.delta':
      return { kind: 'text', text: event.delta };
    case 'response.refusal.delta':
      return { kind: 'refusal', text: event.delta };
    case 'response.reasoning_summary_text.delta':
    case 'response.reasoning_text.delta':
      return { kind: 'reasoning', text: event.delta };
    case 'response.completed': {
      const usage = event.response.usage;
      return {
        kind: 'completed',
        id: event.response.id,
        promptTokens: usage?.input_tokens ?? 0,
        completionTokens: usage?.output_tokens ?? 0,
        usage: usage != null,
      };
    }
    case 'response.failed': {
      const error = event.response.error;
      const code = error?.code ?? 'server_error';
      return {
        kind: 'failed',
        message: `the server failed the response (${code}): ${error?.message ?? 'no reason given'}`,
        retryable: RETRYABLE_CODES.has(code),
      };
    }
    case 'response.incomplete': {
      const usage = event.response.usage;
      return {
        kind: 'incomplete',
        reason: event.response.incomplete_details?.reason ?? 'unknown',
        id: event.response.id,
        promptTokens: usage?.input_tokens ?? 0,
        completionTokens: usage?.output_tokens ?? 0,
        usage: usage != null,
      };
    }
    case 'error': {
      const code = event.code ?? 'error';
      return { kind: 'failed', message: `the server sent an error (${code}): ${event.message}`, retryable: RETRYABLE_CODES.has(code) };
    }
    default:
      return { kind: 'other' };
  }
}

/** The request as Responses input: system messages joined as instructions, the others as message items. */
function toResponsesInput(messages: readonly ChatMessage[]): { instructions: string | undefined; input: ResponseInputItem[] } {
  const system = messages.filter((m) => m.role === 'system').map((m) => m.content);
  const input = messages
    .filter((m) => m.role !== 'system')
    .map((m): ResponseInputItem => ({ role: m.role as 'user' | 'assistant', content: m.content }));
  return { instructions: system.length ? system.join('\n\n') : undefined, input };
}

/** How a `response.incomplete` marks the reply, like Chat Completions' finish reasons; undefined for a reason we do not know. */
const INCOMPLETE_MARKS: Record<string, FinishMark> = { max_output_tokens: 'length', content_filter: 'content_filter' };

const sameItem = (a: ResponseInputItem, b: ResponseInputItem) =>
  'role' in a && 'role' in b && a.role === b.role && 'content' in a && 'content' in b && a.content === b.content;

export class ResponsesProvider implements Provider {
  readonly label: string;
  private readonly client: OpenAI;
  private answeredOnce = false;
  /** The last response the server stored: what it was sent in all, its id and its reply. */
  private last: { input: ResponseInputItem[]; id: string; reply: string } | null = null;
  /** Input items sent, in all, and in the requests' full threads: what `serverThread` saves. */
  readonly sent = { items: 0, chars: 0, fullChars: 0 };
  /** What the SDK logs (it would print it with console.error, raw): kept, sanitised, for the failure it explains. */
  private readonly log = new SdkLog();

  constructor(private readonly options: ResponsesProviderOptions) {
    this.client = new OpenAI({
      apiKey: options.apiKey,
      baseURL: options.baseURL,
      defaultHeaders: options.headers,
      maxRetries: 0,
      timeout: options.timeoutMs ?? 600_000,
      logger: this.log.logger,
      logLevel: 'warn',
    });
    this.label = options.baseURL ? new URL(options.baseURL).host : 'openai';
  }

  /** What to send: the whole input, or what it adds to the last stored response's. */
  private delta(input: ResponseInputItem[]): { input: ResponseInputItem[]; previous: string | undefined } {
    const last = this.last;
    if (!this.options.serverThread || !last) return { input, previous: undefined };
    const prefix = [...last.input, { role: 'assistant', content: last.reply } as ResponseInputItem];
    if (input.length <= prefix.length || !prefix.every((item, i) => sameItem(item, input[i]!))) return { input, previous: undefined };
    return { input: input.slice(prefix.length), previous: last.id };
  }

  async *stream(request: ModelRequest, signal: AbortSignal): AsyncGenerator<StreamChunk> {
    const { instructions, input } = toResponsesInput(request.messages);
    let { input: sending, previous } = this.delta(input);
    const store = this.options.store ?? this.options.serverThread ?? false;
    const failure = (error: unknown) =>
      providerFailure(
        error,
        signal,
        {
          apiKey: this.options.apiKey,
          where: this.options.baseURL ?? 'api.openai.com',
          keyEnv: this.options.apiKeyEnv ?? 'OPENAI_API_KEY',
          urlHint: this.options.endpointName ? `the baseURL of endpoint "${this.options.endpointName}"` : '--base-url or OPENAI_BASE_URL',
          answeredOnce: this.answeredOnce,
          log: this.log,
        },
        request.model,
      );
    const open = () =>
      this.client.responses.create(
        {
          model: request.model,
          ...(instructions !== undefined ? { instructions } : {}),
          input: sending,
          ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
          store,
          ...(previous ? { previous_response_id: previous } : {}),
          stream: true,
        },
        { signal },
      );
    let stream: AsyncIterable<ResponseStreamEvent>;
    try {
      stream = await open().catch((error: unknown) => {
        // The server no longer has the stored response (expired, deleted): send the whole thread instead.
        if (!previous || !(error instanceof OpenAI.APIError) || !/previous.?response/i.test(error.message)) throw error;
        this.last = null;
        [sending, previous] = [input, undefined];
        return open();
      });
    } catch (error) {
      throw failure(error);
    }
    this.answeredOnce = true;
    const chars = (items: ResponseInputItem[]) =>
      items.reduce((n, item) => n + ('content' in item && typeof item.content === 'string' ? item.content.length : 0), 0);
    this.sent.items += sending.length;
    this.sent.chars += chars(sending);
    this.sent.fullChars += chars(input);
    let reply = '';
    let ended = false;
    try {
      for await (const event of stream) {
        const signalled = readResponsesEvent(event);
        if (signalled.kind === 'text') {
          reply += signalled.text;
          if (signalled.text) yield { type: 'delta', text: signalled.text };
        } else if (signalled.kind === 'reasoning') {
          // Thinking: kept apart from the reply, and activity for the engine's watchdogs.
          if (signalled.text) yield { type: 'reasoning', text: signalled.text };
        } else if (signalled.kind === 'refusal') {
          // The model's answer, shown as a refusal: another try would be refused again, and paid for.
          reply += signalled.text;
          if (signalled.text) yield { type: 'refusal', text: signalled.text };
        } else if (signalled.kind === 'incomplete' && INCOMPLETE_MARKS[signalled.reason] === undefined) {
          // Incomplete for a reason we do not know: not taken as a reply, retried like a dropped stream.
          throw new ProviderError(`the reply was cut off (${signalled.reason})`, true);
        } else if (signalled.kind === 'completed' || signalled.kind === 'incomplete') {
          const mark = signalled.kind === 'incomplete' ? (INCOMPLETE_MARKS[signalled.reason] ?? null) : null;
          ended = true;
          if (signalled.usage) yield { type: 'usage', promptTokens: signalled.promptTokens, completionTokens: signalled.completionTokens };
          // Cut off at max_output_tokens or by the content filter: the text so far stands, marked, as with Chat Completions.
          yield { type: 'finish', mark };
          if (store) this.last = { input, id: signalled.id, reply };
        } else if (signalled.kind === 'failed') {
          throw new ProviderError(signalled.message, signalled.retryable);
        }
      }
    } catch (error) {
      throw failure(error);
    }
    if (!ended && !signal.aborted) throw new ProviderError('the connection closed before the reply was finished', true);
  }
}
