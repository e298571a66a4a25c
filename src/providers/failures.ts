/**
 * What the Chat Completions and Responses providers (and the doctor) say of a failure underneath an HTTP call: the
 * socket error in words, a key or a URL's credentials taken out of any message, the server's retry-after, and a
 * server never reached as a setup mistake.
 */
import { ProviderError } from './types.js';
import { redactUrls } from '../text/redactUrl.js';

/** Replaces the API key, anything shaped like one, and a URL's credentials, so no error message can carry them. */
export function redactSecrets(text: string, secret?: string): string {
  const out = secret && secret.length >= 4 ? text.split(secret).join('[redacted]') : text;
  return redactUrls(out.replace(/\b(sk|rk|pk)-[A-Za-z0-9_*-]{6,}/g, '$1-[redacted]'));
}

/** How long the server asks to wait: `retry-after-ms`, `retry-after` in seconds or as an HTTP date. */
export function parseRetryAfter(headers: Headers | undefined): number | undefined {
  const ms = headers?.get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Number(ms);
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

function causeCode(error: unknown): string | undefined {
  let cause: unknown = error;
  for (let depth = 0; depth < 5 && cause; depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
    cause = (cause as { cause?: unknown }).cause;
  }
  return undefined;
}

function innermost(error: unknown): string {
  let inner: unknown = error;
  for (let depth = 0; depth < 5 && (inner as { cause?: unknown })?.cause; depth++) inner = (inner as { cause?: unknown }).cause;
  return inner instanceof Error ? inner.message : String(inner);
}

const WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  ETIMEDOUT: 'connection timed out',
  EAI_AGAIN: 'host lookup failed',
};

/** fetch will not connect to some ports at all (the "bad ports" of the Fetch standard: 1, 9, 25, 6000, ...). */
const isBadPort = (error: unknown) => /^bad port$/i.test(innermost(error).trim());

/** What went wrong underneath: a known socket error code in words, a port fetch refuses, else the innermost cause's message. */
export function describeCause(error: unknown): string {
  const code = causeCode(error);
  if (code) return WORDS[code] ?? code;
  if (isBadPort(error)) return "a port fetch refuses to use, one of the Fetch standard's bad ports: serve on another port";
  return innermost(error);
}

/**
 * A connection that failed: a server never reached (refused, not found, before it ever answered) or a port fetch
 * refuses is a setup mistake, not retried, that says what to check (`urlHint`); anything else is retried.
 */
export function connectionFailure(
  error: unknown,
  ctx: { where: string; apiKey: string | undefined; answeredOnce: boolean; urlHint: string },
): ProviderError {
  const reason = redactSecrets(describeCause(error), ctx.apiKey);
  const code = causeCode(error);
  if (isBadPort(error) || (!ctx.answeredOnce && (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN'))) {
    return new ProviderError(
      `cannot reach ${ctx.where} (${reason}): check ${ctx.urlHint}, and that the server is running`,
      false,
      undefined,
      undefined,
      'unreachable',
    );
  }
  return new ProviderError(`cannot reach ${ctx.where} (${reason})`, true);
}
