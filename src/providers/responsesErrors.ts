/**
 * Failures of a Responses API call as ProviderErrors, by the same rules as the Chat Completions provider: a
 * server never reached or a key refused is a setup mistake (not retried), an unknown model, no access, a context too
 * long and no quota are the same one lines (httpErrors.ts), 408/409/429/5xx and broken streams are retried, and no
 * message carries the key or a URL's credentials.
 */
import OpenAI, { type APIError } from 'openai';
import { ProviderError } from './types.js';
import { describeHttpError } from './httpErrors.js';
import { connectionFailure, describeCause, parseRetryAfter, redactSecrets } from './failures.js';
import type { SdkLog } from './sdkLogger.js';
import { redactUrl } from '../text/redactUrl.js';

/** `instanceof` alone would leave the error's status and headers typed any. */
function isAPIError(error: unknown): error is APIError {
  return error instanceof OpenAI.APIError;
}

export interface FailureContext {
  apiKey: string;
  /** The base URL, as the user gave it. */
  where: string;
  keyEnv: string;
  /** What to check for a server never reached: the CLI's flag or the endpoint's field. */
  urlHint: string;
  answeredOnce: boolean;
  /** What the SDK logged, for a stream line it could not parse. */
  log?: SdkLog;
}

/** The error to throw for `error`; an aborted turn throws its abort reason instead. */
export function providerFailure(error: unknown, signal: AbortSignal, ctx: FailureContext, model: string): unknown {
  if (signal.aborted) return signal.reason ?? error;
  const where = redactUrl(ctx.where);
  if (error instanceof ProviderError) return error;
  if (error instanceof OpenAI.APIConnectionTimeoutError) return new ProviderError('the request timed out', true);
  if (error instanceof OpenAI.APIConnectionError) {
    return connectionFailure(error, { where, apiKey: ctx.apiKey, answeredOnce: ctx.answeredOnce, urlHint: ctx.urlHint });
  }
  if (isAPIError(error) && error.status !== undefined) {
    const status = error.status;
    if (status === 401) return new ProviderError(`HTTP 401: the server rejected the API key: check ${ctx.keyEnv}`, false, undefined, status, 'auth');
    const detail = redactSecrets(error.message.replace(/^\d{3}\s*/, ''), ctx.apiKey);
    const known = describeHttpError({ status, detail, body: error.error, model, where, api: 'responses' });
    if (known) return new ProviderError(known.message, false, undefined, status, known.fault);
    const retryable = status === 408 || status === 409 || status === 429 || status >= 500;
    return new ProviderError(`HTTP ${status}: ${detail}`, retryable, parseRetryAfter(error.headers), status);
  }
  if (error instanceof SyntaxError) {
    // A line of the stream that is not JSON: the SDK logged it (to our logger, not the terminal) and gave up.
    return new ProviderError(`the server sent a line that is not JSON: ${ctx.log?.lastData() ?? 'unreadable'}`, true);
  }
  // A body that breaks off mid-stream surfaces as a plain error: a dropped connection.
  return new ProviderError(`the stream broke off: ${redactSecrets(describeCause(error), ctx.apiKey)}`, true);
}
