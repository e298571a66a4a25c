import OpenAI, { type APIError } from 'openai';
import { Stream } from 'openai/streaming';
import { ProviderError, type ModelRequest, type Provider, type StreamChunk } from './types.js';
import { readChatChunk } from './chatChunks.js';
import { SdkLog } from './sdkLogger.js';
import { watchSse } from './sseWatch.js';
import { describeHttpError } from './httpErrors.js';
import { connectionFailure, describeCause, parseRetryAfter, redactSecrets } from './failures.js';
import { redactUrl } from '../text/redactUrl.js';

export interface OpenAIProviderOptions {
  apiKey: string;
  baseURL?: string | undefined;
  /** Per-request timeout for the connection and headers; the engine watches the stream itself. */
  timeoutMs?: number;
  /** Sent with every request (an endpoint's `headers`). */
  headers?: Record<string, string>;
}

/** `instanceof` alone would leave the error's status, headers and body typed any. */
function isAPIError(error: unknown): error is APIError {
  return error instanceof OpenAI.APIError;
}

/** Chat Completions streaming against OpenAI or any OpenAI-compatible server. */
export class OpenAIProvider implements Provider {
  readonly label: string;
  private readonly client: OpenAI;
  private sendStreamOptions = true;
  /** Until a server has answered once, a refused connection means a wrong URL or a server that is down. */
  private answeredOnce = false;
  /** What the SDK logs (it would print it with console.error, raw): kept, sanitised, for the failure it explains. */
  private readonly log = new SdkLog();

  constructor(private readonly options: OpenAIProviderOptions) {
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

  async *stream(request: ModelRequest, signal: AbortSignal): AsyncGenerator<StreamChunk> {
    let opened: Response;
    try {
      opened = await this.open(request, signal);
    } catch (error) {
      if (this.sendStreamOptions && this.rejectsStreamOptions(error)) {
        // Some OpenAI-compatible servers refuse stream_options; ask once without, and remember.
        this.sendStreamOptions = false;
        opened = await this.open(request, signal).catch((e: unknown) => this.fail(e, signal, request.model));
      } else {
        this.fail(error, signal, request.model);
      }
    }
    this.answeredOnce = true;
    const { response, seen } = watchSse(opened);
    const controller = new AbortController();
    const stop = () => controller.abort();
    signal.addEventListener('abort', stop, { once: true });
    let finished = false;
    try {
      for await (const chunk of Stream.fromSSEResponse<unknown>(response, controller, this.client)) {
        for (const event of readChatChunk(chunk)) {
          if (event.type === 'finish') finished = true;
          yield event;
        }
      }
    } catch (error) {
      // Azure stops a reply its content filter flags with an error event in the stream: the text so far stands, marked.
      if (!signal.aborted && isAPIError(error) && error.status === undefined && error.code === 'content_filter') {
        yield { type: 'finish', mark: 'content_filter' };
        return;
      }
      this.fail(error, signal, request.model);
    } finally {
      signal.removeEventListener('abort', stop);
    }
    // A server that ends with [DONE] but never sends a finish_reason ended the reply cleanly all the same.
    if (!finished && !seen.done && !signal.aborted) {
      throw new ProviderError('the connection closed before the reply was finished', true);
    }
  }

  /** The raw streaming response (HTTP errors throw here); the stream loop reads its events. */
  private open(request: ModelRequest, signal: AbortSignal): Promise<Response> {
    return this.client.chat.completions
      .create(
        {
          model: request.model,
          messages: request.messages,
          ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
          stream: true,
          ...(this.sendStreamOptions ? { stream_options: { include_usage: true } } : {}),
        },
        { signal },
      )
      .asResponse();
  }

  private rejectsStreamOptions(error: unknown): boolean {
    return (
      error instanceof OpenAI.APIError &&
      (error.status === 400 || error.status === 422) &&
      /stream_options|include_usage/i.test(`${error.message} ${JSON.stringify(error.error ?? '')}`)
    );
  }

  private fail(error: unknown, signal: AbortSignal, model: string): never {
    if (signal.aborted) throw signal.reason ?? error;
    const key = this.options.apiKey;
    const where = redactUrl(this.options.baseURL ?? 'api.openai.com');
    if (error instanceof OpenAI.APIConnectionTimeoutError) {
      throw new ProviderError('the request timed out', true);
    }
    if (error instanceof OpenAI.APIConnectionError) {
      throw connectionFailure(error, { where, apiKey: key, answeredOnce: this.answeredOnce, urlHint: '--base-url or OPENAI_BASE_URL' });
    }
    if (isAPIError(error) && error.status !== undefined) {
      const status = error.status;
      const detail = redactSecrets(error.message.replace(/^\d{3}\s*/, ''), key);
      const retryable = status === 408 || status === 409 || status === 429 || status >= 500;
      if (status === 401) {
        throw new ProviderError('HTTP 401: the server rejected the API key: check OPENAI_API_KEY', false, undefined, status, 'auth');
      }
      const known = describeHttpError({ status, detail, body: error.error, model, where });
      if (known) throw new ProviderError(known.message, false, undefined, status, known.fault);
      throw new ProviderError(`HTTP ${status}: ${detail}`, retryable, parseRetryAfter(error.headers), status);
    }
    if (error instanceof SyntaxError) {
      // A line of the stream that is not JSON: the SDK logged it (to our logger, not the terminal) and gave up.
      throw new ProviderError(`the server sent a line that is not JSON: ${this.log.lastData() ?? 'unreadable'}`, true);
    }
    const message = redactSecrets(describeCause(error), key);
    // A body that breaks off mid-stream surfaces as a plain error: treat it as a dropped connection.
    throw new ProviderError(`the stream broke off: ${message}`, true);
  }
}
