/** Turns flags, environment and config into what a run needs: config, provider, model, mode, paths. */
import path from 'node:path';
import { loadConfig } from '../config/loadConfig.js';
import { DEFAULT_ENDPOINT, findRole, unknownRole, type ResolvedConfig, type ResolvedEndpoint } from '../config/resolve.js';
import type { Mode } from '../engine/events.js';
import type { ResumePoint } from '../engine/resume.js';
import { parseBreakpoint } from '../config/breakpointSpec.js';
import { DemoProvider } from '../providers/demoProvider.js';
import type { Provider } from '../providers/types.js';
import { loadDotenv } from './environment.js';
import { endpointProvider, endpointsInUse, endpointsNote, setUpEndpoints, type EndpointRuntime } from './endpoints.js';
import { UsageError } from '../errors.js';
import { REDACTED, redactUrl } from '../text/redactUrl.js';

export interface RunFlags {
  config?: string;
  model?: string;
  baseUrl?: string;
  /** Which API the default endpoint speaks (default chat). */
  api?: 'chat' | 'responses';
  demo?: boolean;
  demoInstant?: boolean;
  headless?: boolean;
  json?: boolean;
  auto?: boolean;
  step?: boolean;
  maxTurns?: number;
  context?: 'thread' | 'scoped' | 'server';
  out?: string;
  resume?: string;
  break?: string[];
  /** Roles the person plays (`--human`), by name or id. */
  human?: string[];
  /** Roles whose replies the person approves first (`--approve`), or `all`. */
  approve?: string[];
  maxCost?: number;
  maxReplyChars?: number;
  /** False with --no-mouse: the terminal keeps the mouse. */
  mouse?: boolean;
  /** `<session>@<n>`: a new session that starts as that one did before its reply n. */
  fork?: string;
  label?: string;
}

export interface RunSetup {
  config: ResolvedConfig;
  /** The server's base URL, when not the demo or OpenAI itself. */
  endpoint: string | null;
  /** The API the default endpoint speaks. */
  api: 'chat' | 'responses';
  /** The config's named endpoints that roles run on. */
  endpoints: Map<string, EndpointRuntime>;
  configPath: string | undefined;
  provider: Provider;
  /** One line for the user about which model runs, e.g. that the demo runs because no key is set. */
  providerNote: string;
  model: string;
  task: string;
  mode: Mode;
  headless: boolean;
  json: boolean;
  outDir: string;
  /** The role ids `--human` names. */
  humans: string[];
  /** The role ids `--approve` names, `all`, or none. */
  approve: string[] | 'all';
}

const DEFAULT_MODEL = 'gpt-4o-mini';

/** Applies the command line's overrides to a config, at start and again on every reload. */
export function applyOverrides(config: ResolvedConfig, flags: RunFlags): void {
  if (flags.maxTurns !== undefined) {
    config.maxTurns = flags.maxTurns;
    for (const conversation of config.workflow.conversations) conversation.maxTurns = flags.maxTurns;
  }
  if (flags.context) config.context = flags.context;
  if (flags.maxReplyChars !== undefined) config.maxReplyChars = flags.maxReplyChars;
}

export async function prepareRun(
  taskWords: string[],
  flags: RunFlags,
  io: { cwd: string; env: NodeJS.ProcessEnv; stdoutIsTTY: boolean; stdinIsTTY: boolean },
): Promise<RunSetup> {
  const view = chooseView(flags, io);
  loadDotenv(io.cwd, io.env);
  const { config, filepath, endpoints: defined } = await loadConfig({ configPath: flags.config, cwd: io.cwd });
  applyOverrides(config, flags);
  checkBreakpoints(flags, config);
  const humans = checkHumans(flags, config, view.headless);
  const approve = checkApprove(flags, config, view.headless);
  const chosen = await chooseProvider(flags, io.env, { configModel: config.model, context: config.context });
  // --demo runs every role on the demo model; a default endpoint that falls back to it (no key, no base URL) leaves
  // the named endpoints, which have keys of their own, as they are.
  const endpoints = await setUpEndpoints(config, defined, io.env, { demo: flags.demo ? chosen.provider : undefined });
  checkServerContext(config, chosen.api, endpoints);
  return {
    humans,
    approve,
    config,
    configPath: filepath,
    ...chosen,
    providerNote: chosen.providerNote + endpointsNote(config, endpoints),
    endpoints,
    ...view,
    task: taskWords.join(' ').trim() || config.task,
    outDir: path.resolve(io.cwd, flags.out ?? '.roleplay'),
  };
}

export interface ViewFlags {
  headless?: boolean | undefined;
  json?: boolean | undefined;
  auto?: boolean | undefined;
  step?: boolean | undefined;
}

/**
 * TUI or headless, auto or step, for runs, resumes and replays alike. Headless when asked, for --json, or when
 * stdout or stdin is not a terminal; headless always runs in auto mode; the TUI starts in step mode.
 */
export function chooseView(flags: ViewFlags, io: { stdoutIsTTY: boolean; stdinIsTTY: boolean }): { headless: boolean; json: boolean; mode: Mode } {
  if (flags.auto && flags.step) throw new UsageError('--auto and --step contradict each other: pass one of them');
  const headless = flags.headless === true || flags.json === true || !io.stdoutIsTTY || !io.stdinIsTTY;
  return { headless, json: flags.json === true, mode: headless || flags.auto ? 'auto' : 'step' };
}

export function checkBreakpoints(flags: RunFlags, config: ResolvedConfig): void {
  for (const spec of flags.break ?? []) {
    const parsed = parseBreakpoint(spec, config.workflow);
    if ('error' in parsed) throw new UsageError(`--break ${parsed.error}`);
  }
}

/** The roles `--human` names, as ids; a headless run has nobody to ask for a reply, so a seat there is an error. */
export function checkHumans(flags: RunFlags, config: ResolvedConfig, headless: boolean): string[] {
  const ids = (flags.human ?? []).map((ref) => {
    const role = findRole(config.workflow.roles, ref);
    if (!role) throw new UsageError(`--human: ${unknownRole(ref, config.workflow.roles)}`);
    return role.id;
  });
  if (headless && ids.length) {
    throw new UsageError('--human needs the TUI: a headless run (--headless, --json, or no terminal) has nobody to ask; drop --human');
  }
  if (headless && config.humans?.length) {
    throw new UsageError('the config gives roles to a person ("humans"), but a headless run (--headless, --json, or no terminal) has nobody to ask');
  }
  return [...new Set(ids)];
}

/** The roles `--approve` names, as ids, or `all`; like a seat, an approval needs a person at the terminal. */
export function checkApprove(flags: RunFlags, config: ResolvedConfig, headless: boolean): string[] | 'all' {
  const refs = flags.approve ?? [];
  if (headless && refs.length) {
    throw new UsageError('--approve needs the TUI: a headless run (--headless, --json, or no terminal) has nobody to approve; drop --approve');
  }
  if (refs.some((ref) => ref.trim().toLowerCase() === 'all')) return 'all';
  const ids = refs.map((ref) => {
    const role = findRole(config.workflow.roles, ref);
    if (!role) throw new UsageError(`--approve: ${unknownRole(ref, config.workflow.roles)}, or all`);
    return role.id;
  });
  return [...new Set(ids)];
}

interface ChosenProvider {
  provider: Provider;
  providerNote: string;
  model: string;
  endpoint: string | null;
  api: 'chat' | 'responses';
}

/** `server` context keeps the thread in stored responses: some endpoint must speak the Responses API. */
function checkServerContext(config: ResolvedConfig, api: 'chat' | 'responses', endpoints: ReadonlyMap<string, EndpointRuntime>): void {
  if (config.context !== 'server' || api === 'responses' || [...endpoints.values()].some((e) => e.api === 'responses')) return;
  throw new UsageError("context server keeps the thread on a Responses API server: add --api responses, or give an endpoint api: 'responses'");
}

/**
 * The demo when asked for, or when there is neither a key nor a base URL; otherwise OpenAI or the
 * OpenAI-compatible server at the base URL. A resumed session passes what it recorded.
 */
export async function chooseProvider(
  flags: RunFlags,
  env: NodeJS.ProcessEnv,
  recorded: {
    configModel?: string | undefined;
    provider?: string;
    model?: string;
    endpoint?: string | null;
    api?: 'chat' | 'responses' | undefined;
    context: ResolvedConfig['context'];
  },
): Promise<ChosenProvider> {
  const apiKey = env.OPENAI_API_KEY?.trim() || undefined;
  const baseURL = flags.baseUrl ?? (env.OPENAI_BASE_URL?.trim() || undefined) ?? recorded.endpoint ?? undefined;
  if (baseURL !== undefined) checkUrl(baseURL, flags.baseUrl !== undefined ? '--base-url' : 'OPENAI_BASE_URL');
  // The journal records a base URL without its credentials: a resume needs them given again.
  if (baseURL !== undefined && baseURL === recorded.endpoint && baseURL.includes(REDACTED)) {
    throw new UsageError(`the session's server ${baseURL} had credentials in its URL, which are never recorded: pass --base-url with them again`);
  }
  const envModel = env.OPENAI_MODEL?.trim() || env.OPENAI_API_MODEL?.trim() || undefined;
  const useDemo = flags.demo || (recorded.provider ? recorded.provider === 'demo' : !apiKey && !baseURL);
  if (useDemo) {
    if (!flags.demo && flags.model) {
      throw new UsageError(
        `OPENAI_API_KEY is not set, so model "${flags.model}" cannot run: set the key, use --base-url for a local server, or --demo for the offline model`,
      );
    }
    return {
      provider: new DemoProvider(flags.demoInstant ? { tokenDelayMs: 0, firstTokenDelayMs: 0 } : {}),
      model: 'demo',
      endpoint: null,
      api: 'chat',
      providerNote:
        flags.demo || recorded.provider
          ? 'Running the offline demo model.'
          : 'No OPENAI_API_KEY and no --base-url: running the offline demo model. Set OPENAI_API_KEY to use a real one.',
    };
  }
  if (!apiKey && !baseURL) {
    throw new UsageError('OPENAI_API_KEY is not set: set it, use --base-url for a local server, or --demo for the offline model');
  }
  const model = flags.model ?? recorded.model ?? envModel ?? recorded.configModel ?? DEFAULT_MODEL;
  const api = flags.api ?? recorded.api ?? 'chat';
  return {
    // Local servers (Ollama, vLLM, LM Studio) take any key; the SDK insists on one.
    provider: await endpointProvider(
      { name: DEFAULT_ENDPOINT, baseURL, apiKeyEnv: 'OPENAI_API_KEY', api, headers: {}, store: undefined },
      { OPENAI_API_KEY: apiKey ?? 'not-needed' },
      recorded.context,
    ),
    model,
    // Shown and written without the credentials a URL can carry (user:password, an api-key in the query).
    endpoint: baseURL === undefined ? null : redactUrl(baseURL),
    api,
    providerNote: `Model ${model} at ${baseURL === undefined ? 'api.openai.com' : redactUrl(baseURL)}${api === 'responses' ? ' (Responses API)' : ''}.`,
  };
}

/** Continues a journaled session with its own config, task and model; only the provider is chosen anew. */
export async function prepareResume(
  point: ResumePoint,
  taskWords: string[],
  flags: RunFlags,
  io: { cwd: string; env: NodeJS.ProcessEnv; stdoutIsTTY: boolean; stdinIsTTY: boolean },
): Promise<RunSetup> {
  const conflicting = (['config', 'maxTurns', 'context', 'maxReplyChars'] as const).filter((k) => flags[k] !== undefined);
  if (taskWords.length || conflicting.length) {
    const names = [...(taskWords.length ? ['a task'] : []), ...conflicting.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`)];
    throw new UsageError(`--resume continues the session with its own task and config: drop ${names.join(', ')}`);
  }
  if (point.model.finished?.status === 'completed') {
    throw new UsageError(`session ${point.started.sessionId} already completed: there is nothing to resume`);
  }
  const view = chooseView(flags, io);
  checkBreakpoints(flags, point.config);
  const humans = checkHumans(flags, point.config, view.headless);
  const approve = checkApprove(flags, point.config, view.headless);
  loadDotenv(io.cwd, io.env);
  const { started } = point;
  if (started.provider === 'demo' && flags.model && !flags.demo) {
    throw new UsageError(`session ${started.sessionId} ran on the demo model: --model cannot change that on a resume`);
  }
  const chosen = await chooseProvider(flags, io.env, {
    provider: started.provider,
    model: started.model,
    endpoint: started.endpoint,
    api: started.api,
    context: point.config.context,
  });
  // The endpoints' definitions are not in the journal (their headers may hold keys): the config file has them.
  let defined: Record<string, ResolvedEndpoint> = {};
  let configFile: string | undefined;
  if (endpointsInUse(point.config).size) ({ endpoints: defined, filepath: configFile } = await loadConfig({ cwd: io.cwd }));
  const endpoints = await setUpEndpoints(point.config, defined, io.env, {
    demo: flags.demo || started.provider === 'demo' ? chosen.provider : undefined,
    resumeOf: { sessionId: started.sessionId, configFile, cwd: io.cwd },
  });
  return {
    humans,
    approve,
    config: point.config,
    configPath: undefined,
    ...chosen,
    providerNote: chosen.providerNote + endpointsNote(point.config, endpoints),
    endpoints,
    ...view,
    task: started.task,
    outDir: path.resolve(io.cwd, flags.out ?? '.roleplay'),
  };
}

export function checkUrl(value: string, source: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${source}: "${redactUrl(value)}" is not a URL: give one like http://127.0.0.1:11434/v1`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${source}: "${redactUrl(value)}" must start with http:// or https://`);
  }
  // fetch refuses a URL with credentials in it: say so now, not as an unreachable server later.
  if (url.username || url.password) {
    throw new UsageError(
      `${source}: "${redactUrl(value)}" has a user name or password in it, which the HTTP client cannot send: drop it, and give the key in OPENAI_API_KEY`,
    );
  }
}
