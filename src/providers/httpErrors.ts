/**
 * HTTP errors that are the user's to fix, read from the status and the error body that OpenAI and the compatible
 * servers send, into one line that says what to fix. None is retried: a retry would fail, and cost, the same way.
 */
import type { SetupFault } from './types.js';

interface HttpError {
  status: number;
  /** The server's message, secrets already taken out. */
  detail: string;
  /** The parsed `error` object of the body, if any. */
  body: unknown;
  model: string;
  /** The server, credentials already taken out. */
  where: string;
  /** The API the request used; default Chat Completions. */
  api?: 'chat' | 'responses';
}

const field = (body: unknown, name: string): unknown =>
  typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;

const words = (n: number) => n.toLocaleString('en-US');

/** The request's size and the model's limit, as the servers say them (OpenAI, vLLM, llama.cpp, LiteLLM, Groq). */
function contextNumbers(detail: string, body: unknown): { sent?: number; limit?: number } {
  const nPrompt = field(body, 'n_prompt_tokens');
  const nCtx = field(body, 'n_ctx');
  if (typeof nPrompt === 'number' && typeof nCtx === 'number') return { sent: nPrompt, limit: nCtx };
  const limit = /maximum context length is (\d+)/i.exec(detail) ?? /context (?:window|length|size)[^\d]{0,20}(\d+)/i.exec(detail);
  const sent =
    /(?:resulted in|you requested|requested) (\d+) tokens/i.exec(detail) ??
    /(\d+) tokens? > \d+/i.exec(detail) ??
    /prompt (?:is|has) (\d+) tokens/i.exec(detail);
  return {
    ...(sent?.[1] ? { sent: Number(sent[1]) } : {}),
    ...(limit?.[1] ? { limit: Number(limit[1]) } : {}),
  };
}

const CONTEXT =
  /context[_ ]length[_ ]exceeded|maximum context length|context (?:window|size|length)|exceeds? the (?:available )?context|prompt is too long|too many tokens|string_above_max_length|exceed_context_size/i;

/**
 * The one line for a known setup error, and its kind; undefined for the rest (they keep `HTTP <status>: <detail>`).
 * A context error says the sizes the server gave; the engine adds which turn it was.
 */
export function describeHttpError(e: HttpError): { message: string; fault: SetupFault } | undefined {
  const word = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : '');
  const code = word(field(e.body, 'code'));
  const type = word(field(e.body, 'type'));
  if (e.status === 429 && (code === 'insufficient_quota' || type === 'insufficient_quota')) {
    return { message: `HTTP 429: the account has no quota left (${e.detail}): add credit to it, or use another key`, fault: 'quota' };
  }
  if (e.status === 404) {
    // A 404 that names no model is a URL with no such API behind it.
    if (code === 'model_not_found' || /model/i.test(e.detail)) {
      return {
        message: `HTTP 404: ${e.where} has no model "${e.model}" (${e.detail}): check --model, or the role's model in the config`,
        fault: 'model',
      };
    }
    return {
      message: `HTTP 404: ${e.where} has no ${e.api === 'responses' ? 'Responses' : 'chat completions'} API (${e.detail}): check --base-url (it usually ends in /v1)`,
      fault: 'unreachable',
    };
  }
  if (e.status === 403) {
    return {
      message: `HTTP 403: the key may not use model "${e.model}" at ${e.where} (${e.detail}): check the key's access, or choose another --model`,
      fault: 'access',
    };
  }
  if ((e.status === 400 || e.status === 413 || e.status === 422) && (CONTEXT.test(code) || CONTEXT.test(type) || CONTEXT.test(e.detail))) {
    const { sent, limit } = contextNumbers(e.detail, e.body);
    const size =
      sent !== undefined && limit !== undefined
        ? `${words(sent)} tokens, the model takes ${words(limit)}`
        : limit !== undefined
          ? `the model takes ${words(limit)} tokens`
          : sent !== undefined
            ? `${words(sent)} tokens`
            : e.detail;
    return { message: `HTTP ${e.status}: the request is longer than model "${e.model}" can read (${size})`, fault: 'context' };
  }
  return undefined;
}
