/**
 * `roleplay doctor`: checks an endpoint the way a run would use it (the same base URL, key, model, API and
 * streaming request) and says, per check, what to fix. Exit 0 when a run would work, 1 when it would not.
 */
import path from 'node:path';
import OpenAI, { type APIError } from 'openai';
import { oneLine, sanitize } from '../text/sanitize.js';
import { redactUrl } from '../text/redactUrl.js';
import { describeCause, redactSecrets } from '../providers/failures.js';
import { SdkLog } from '../providers/sdkLogger.js';
import { EXIT, UsageError } from '../errors.js';
import { loadDotenv } from './environment.js';
import { checkUrl } from './setup.js';
import { loadConfig } from '../config/loadConfig.js';

export interface DoctorFlags {
  baseUrl?: string;
  model?: string;
  api?: 'chat' | 'responses';
  /** A named endpoint of the config, checked with its own base URL, key variable, API, headers and model. */
  endpoint?: string;
  config?: string;
}

/** What to check: the CLI's default endpoint, or one of the config's. */
interface Target {
  baseURL: string | undefined;
  keyEnv: string;
  api: 'chat' | 'responses';
  headers: Record<string, string>;
  model: string;
  /** How the header names it. */
  name: string | undefined;
}

type Status = 'ok' | 'warn' | 'fail' | 'skip';
interface Check {
  name: string;
  status: Status;
  detail: string;
}

/** What one streamed request showed. */
interface Probe {
  text: string;
  usage: boolean;
  finished: boolean;
  error?: unknown;
}

const PROMPT = 'Reply with the single word OK.';
const DEFAULT_MODEL = 'gpt-4o-mini';

/** `instanceof` alone would leave the error's status typed any. */
const isAPIError = (error: unknown): error is APIError => error instanceof OpenAI.APIError;
const status = (error: unknown): number | undefined => (isAPIError(error) ? error.status : undefined);
const detail = (error: unknown) => (error instanceof Error ? error.message.replace(/^\d{3}\s*/, '') : String(error));
const notFoundModel = (error: unknown, model: string) => status(error) === 404 && /model/i.test(detail(error)) && detail(error).includes(model);

async function probeChat(client: OpenAI, model: string, streamOptions: boolean, signal: AbortSignal): Promise<Probe> {
  const probe: Probe = { text: '', usage: false, finished: false };
  try {
    const stream = await client.chat.completions.create(
      { model, messages: [{ role: 'user', content: PROMPT }], stream: true, ...(streamOptions ? { stream_options: { include_usage: true } } : {}) },
      { signal },
    );
    for await (const chunk of stream) {
      const choice = chunk.choices?.[0];
      if (typeof choice?.delta?.content === 'string') probe.text += choice.delta.content;
      if (choice?.finish_reason) probe.finished = true;
      if (chunk.usage) probe.usage = true;
    }
  } catch (error) {
    probe.error = error;
  }
  return probe;
}

async function probeResponses(client: OpenAI, model: string, signal: AbortSignal): Promise<Probe> {
  const probe: Probe = { text: '', usage: false, finished: false };
  try {
    const stream = await client.responses.create({ model, input: PROMPT, store: false, stream: true }, { signal });
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') probe.text += event.delta;
      else if (event.type === 'response.completed') {
        probe.finished = true;
        probe.usage = event.response.usage != null;
      } else if (event.type === 'response.failed') probe.error = new Error(`response.failed: ${event.response.error?.message ?? 'no reason given'}`);
      else if (event.type === 'response.incomplete')
        probe.error = new Error(`response.incomplete: ${event.response.incomplete_details?.reason ?? 'unknown'}`);
      else if (event.type === 'error') probe.error = new Error(`error event: ${event.message}`);
    }
  } catch (error) {
    probe.error ??= error;
  }
  return probe;
}

const rejectsStreamOptions = (error: unknown) =>
  (status(error) === 400 || status(error) === 422) && /stream_options|include_usage/i.test(detail(error));

/** Runs the checks; `timeoutMs` bounds each request (a server that never answers fails the check it hangs). */
async function runDoctor(target: Target, env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<{ header: string; checks: Check[] }> {
  const { baseURL, keyEnv, api, model } = target;
  const key = env[keyEnv]?.trim() || undefined;
  // Shown without the credentials a URL can carry (an api-key in its query).
  const where = redactUrl(baseURL ?? 'https://api.openai.com/v1');
  const header = `${target.name !== undefined ? `endpoint ${target.name}: ` : ''}${where}, model ${model}, ${api === 'chat' ? 'Chat Completions' : 'Responses'} API`;
  const checks: Check[] = [];
  const add = (name: string, s: Status, text: string) => checks.push({ name, status: s, detail: redactSecrets(text, key) });
  const skipRest = (...names: string[]) => names.forEach((name) => add(name, 'skip', 'not checked: fix the failure above first'));
  const NAMES = ['reachable', 'key accepted', 'model exists', 'streaming works', 'usage is sent', 'stream_options', 'API'] as const;

  if (!key && !baseURL) {
    const local = target.name !== undefined ? `give endpoint "${target.name}" a baseURL` : 'pass --base-url';
    add('key accepted', 'fail', `${keyEnv} is not set (api.openai.com needs one): set it, or ${local} for a local server`);
    return { header, checks };
  }
  const sdkLog = new SdkLog();
  const client = new OpenAI({
    apiKey: key ?? 'not-needed',
    baseURL,
    defaultHeaders: target.headers,
    maxRetries: 0,
    timeout: timeoutMs,
    logger: sdkLog.logger,
    logLevel: 'warn',
  });
  const signal = () => AbortSignal.timeout(timeoutMs);

  // 1-3: the model list answers reachable, key and model at once, where the server has one.
  let models: string[] | undefined;
  let keyKnown = false;
  try {
    const started = Date.now();
    const page = await client.models.list({ signal: signal() });
    models = page.data.map((m) => m.id);
    add('reachable', 'ok', `answered in ${Date.now() - started} ms`);
    add('key accepted', 'ok', key ? 'the model list answered with the key' : 'the server asks for no key');
    keyKnown = true;
  } catch (error) {
    const code = status(error);
    if (code === undefined) {
      const check = target.name !== undefined ? `the baseURL of endpoint "${target.name}"` : '--base-url or OPENAI_BASE_URL';
      add('reachable', 'fail', `cannot connect to ${where} (${describeCause(error)}): check ${check}, and that the server is running`);
      skipRest(...NAMES.slice(1));
      return { header, checks };
    }
    add('reachable', 'ok', `the server answered (HTTP ${code} for its model list)`);
    if (code === 401 || code === 403) {
      add('key accepted', 'fail', `HTTP ${code}: the server refused the key: check ${keyEnv}${key ? '' : ' (it is not set)'}`);
      skipRest(...NAMES.slice(2));
      return { header, checks };
    }
  }
  if (models) {
    if (models.includes(model)) add('model exists', 'ok', `listed among the server's ${models.length} models`);
    else if (models.length === 0) add('model exists', 'warn', 'the server lists no models: the streaming check below tries it');
    else {
      const some = models.slice(0, 5).join(', ') + (models.length > 5 ? ', …' : '');
      add('model exists', 'fail', `"${model}" is not among the server's ${models.length} models (${some}): pass --model with one of them`);
      skipRest(...NAMES.slice(3));
      return { header, checks };
    }
  }

  // 4-6: one streamed request as a run sends it, stream_options and all.
  const chat = api === 'chat';
  let probe = chat ? await probeChat(client, model, true, signal()) : await probeResponses(client, model, signal());
  let optionsRefused = false;
  if (chat && probe.error && rejectsStreamOptions(probe.error)) {
    optionsRefused = true;
    probe = await probeChat(client, model, false, signal());
  }
  const other = chat ? await probeResponses(client, model, signal()) : await probeChat(client, model, true, signal());
  // A server that does not speak an API answers 404 (or 405) for its path; any other answer means it does.
  const speaks = (p: Probe) => {
    const code = p.error ? status(p.error) : 200;
    return code !== undefined && ((code !== 404 && code !== 405) || notFoundModel(p.error, model));
  };
  const spoken = speaks(probe);
  const otherName = chat ? 'Responses' : 'Chat Completions';
  const flag = chat ? '--api responses' : '--api chat';
  if (probe.error) {
    const code = status(probe.error);
    if (!keyKnown && (code === 401 || code === 403)) add('key accepted', 'fail', `HTTP ${code}: the server refused the key: check ${keyEnv}`);
    else if (!keyKnown) add('key accepted', 'ok', 'not refused');
    if (!models && notFoundModel(probe.error, model))
      add('model exists', 'fail', `the server does not know "${model}": pass --model with one it serves`);
    else if (!models && code !== 401 && code !== 403)
      add(
        'model exists',
        code === 404 ? 'fail' : 'warn',
        code === 404 ? `HTTP 404: ${detail(probe.error)}` : 'not listed (the server has no model list)',
      );
    const why = code !== undefined ? `HTTP ${code}: ${detail(probe.error)}` : describeCause(probe.error);
    const fix = !spoken && speaks(other) ? `: the server speaks the ${otherName} API: pass ${flag}` : '';
    add('streaming works', 'fail', `${why}${fix}`);
  } else {
    if (!keyKnown) add('key accepted', 'ok', 'the streamed request went through');
    if (!models) add('model exists', 'ok', 'the server answered with it (it has no model list)');
    if (!probe.text) add('streaming works', 'fail', 'the stream held no text: check that the model is a chat model');
    else if (!probe.finished)
      add('streaming works', 'fail', 'the stream ended before the reply was finished (no finish_reason, no response.completed)');
    // On one line of the report: a sample with newlines (a model that answers in paragraphs) broke its table.
    else add('streaming works', 'ok', `streamed "${oneLine(probe.text, 40)}"`);
  }
  if (probe.error) add('usage is sent', 'skip', 'not checked: the stream failed');
  else if (probe.usage) add('usage is sent', 'ok', chat ? 'in the last chunk' : 'in response.completed');
  else add('usage is sent', 'warn', 'the stream carries no usage: a run estimates tokens and cost from the text (marked ~)');
  if (!chat) add('stream_options', 'skip', 'not used by the Responses API');
  else if (optionsRefused)
    add('stream_options', 'warn', 'the server refuses stream_options: a run asks again without it, and usage may then be estimated');
  else if (probe.error) add('stream_options', 'skip', 'not checked: the stream failed');
  else add('stream_options', 'ok', 'accepted');
  const asked = chat ? 'Chat Completions' : 'Responses';
  const names = [...(spoken ? [asked] : []), ...(speaks(other) ? [otherName] : [])];
  if (spoken) add('API', 'ok', `speaks ${names.join(' and ')}`);
  else if (names.length) add('API', 'fail', `speaks ${otherName}, not ${asked}: pass ${flag}`);
  else add('API', 'fail', 'speaks neither Chat Completions nor Responses at this base URL: check --base-url (it usually ends in /v1)');
  return { header, checks };
}

async function targetOf(flags: DoctorFlags, env: NodeJS.ProcessEnv, cwd: string): Promise<Target> {
  const envModel = env.OPENAI_MODEL?.trim() || env.OPENAI_API_MODEL?.trim() || undefined;
  if (flags.endpoint === undefined) {
    if (flags.config !== undefined) throw new UsageError('--config is read for --endpoint only: add --endpoint <name>, or drop --config');
    const baseURL = flags.baseUrl ?? (env.OPENAI_BASE_URL?.trim() || undefined);
    if (baseURL !== undefined) checkUrl(baseURL, flags.baseUrl !== undefined ? '--base-url' : 'OPENAI_BASE_URL');
    return {
      baseURL,
      keyEnv: 'OPENAI_API_KEY',
      api: flags.api ?? 'chat',
      headers: {},
      model: flags.model ?? envModel ?? DEFAULT_MODEL,
      name: undefined,
    };
  }
  const clash = [flags.baseUrl !== undefined ? '--base-url' : '', flags.api !== undefined ? '--api' : ''].filter(Boolean);
  if (clash.length) throw new UsageError(`--endpoint takes its base URL and API from the config: drop ${clash.join(' and ')}`);
  const { config, endpoints, filepath } = await loadConfig({ configPath: flags.config, cwd });
  const endpoint = endpoints[flags.endpoint];
  if (!endpoint) {
    const known = Object.keys(endpoints);
    const file = filepath ? path.relative(cwd, filepath) || filepath : 'no config file';
    throw new UsageError(`--endpoint ${flags.endpoint}: ${file} defines ${known.length ? `only ${known.join(', ')}` : 'no endpoints'}`);
  }
  return {
    baseURL: endpoint.baseURL,
    keyEnv: endpoint.apiKeyEnv,
    api: endpoint.api,
    headers: endpoint.headers,
    model: flags.model ?? endpoint.model ?? config.model ?? envModel ?? DEFAULT_MODEL,
    name: endpoint.name,
  };
}

const LABEL: Record<Status, string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL', skip: 'skip' };

export async function doctorCommand(flags: DoctorFlags, write: (line: string) => void, cwd = process.cwd(), env = process.env): Promise<number> {
  if (flags.model !== undefined && !flags.model.trim()) throw new UsageError('--model takes a model id, not an empty string');
  loadDotenv(cwd, env);
  const { header, checks } = await runDoctor(await targetOf(flags, env, cwd), env);
  write(`roleplay doctor: ${sanitize(header)}`);
  const width = Math.max(...checks.map((c) => c.name.length));
  for (const check of checks) write(`  ${LABEL[check.status]}  ${check.name.padEnd(width)}  ${sanitize(check.detail)}`);
  const failed = checks.filter((c) => c.status === 'fail').length;
  write(failed ? `A run would not work: fix the ${failed === 1 ? 'FAIL line' : `${failed} FAIL lines`} above.` : 'A run would work.');
  return failed ? EXIT.failed : EXIT.ok;
}
