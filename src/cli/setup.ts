/** Turns flags, environment and config into what a run needs: config, provider, model, mode, paths. */
import path from 'node:path';
import { loadConfig } from '../config/loadConfig.js';
import { findRole, unknownRole, type ResolvedConfig } from '../config/resolve.js';
import type { Mode } from '../engine/events.js';
import type { ResumePoint } from '../engine/resume.js';
import { parseBreakpoint } from '../config/breakpointSpec.js';
import { DemoProvider } from '../providers/demoProvider.js';
import type { Provider } from '../providers/types.js';
import { loadDotenv } from './environment.js';
import { UsageError } from '../errors.js';

export interface RunFlags {
  config?: string;
  model?: string;
  baseUrl?: string;
  demo?: boolean;
  demoInstant?: boolean;
  headless?: boolean;
  json?: boolean;
  auto?: boolean;
  step?: boolean;
  maxTurns?: number;
  context?: 'thread' | 'scoped';
  out?: string;
  resume?: string;
  break?: string[];
  /** Roles the person plays (`--human`), by name or id. */
  human?: string[];
  /** Roles whose replies the person approves first (`--approve`), or `all`. */
  approve?: string[];
  maxCost?: number;
  /** False with --no-mouse: the terminal keeps the mouse. */
  mouse?: boolean;
}

export interface RunSetup {
  config: ResolvedConfig;
  /** The server's base URL, when not the demo or OpenAI itself. */
  endpoint: string | null;
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
}

export async function prepareRun(
  taskWords: string[],
  flags: RunFlags,
  io: { cwd: string; env: NodeJS.ProcessEnv; stdoutIsTTY: boolean; stdinIsTTY: boolean },
): Promise<RunSetup> {
  const view = chooseView(flags, io);
  loadDotenv(io.cwd, io.env);
  const { config, filepath } = await loadConfig({ configPath: flags.config, cwd: io.cwd });
  applyOverrides(config, flags);
  checkBreakpoints(flags, config);
  const humans = checkHumans(flags, config, view.headless);
  const approve = checkApprove(flags, config, view.headless);
  const chosen = await chooseProvider(flags, io.env, { configModel: config.model });
  return {
    humans,
    approve,
    config,
    configPath: filepath,
    ...chosen,
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

function checkBreakpoints(flags: RunFlags, config: ResolvedConfig): void {
  for (const spec of flags.break ?? []) {
    const parsed = parseBreakpoint(spec, config.workflow);
    if ('error' in parsed) throw new UsageError(`--break ${parsed.error}`);
  }
}

/** The roles `--human` names, as ids; a headless run has nobody to ask for a reply, so a seat there is an error. */
function checkHumans(flags: RunFlags, config: ResolvedConfig, headless: boolean): string[] {
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
function checkApprove(flags: RunFlags, config: ResolvedConfig, headless: boolean): string[] | 'all' {
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
}

/**
 * The demo when asked for, or when there is neither a key nor a base URL; otherwise OpenAI or the
 * OpenAI-compatible server at the base URL. A resumed session passes what it recorded.
 */
async function chooseProvider(
  flags: RunFlags,
  env: NodeJS.ProcessEnv,
  recorded: { configModel?: string | undefined; provider?: string; model?: string; endpoint?: string | null },
): Promise<ChosenProvider> {
  const apiKey = env.OPENAI_API_KEY?.trim() || undefined;
  const baseURL = flags.baseUrl ?? (env.OPENAI_BASE_URL?.trim() || undefined) ?? recorded.endpoint ?? undefined;
  if (baseURL !== undefined) checkUrl(baseURL, flags.baseUrl !== undefined ? '--base-url' : 'OPENAI_BASE_URL');
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
      providerNote:
        flags.demo || recorded.provider
          ? 'Running the offline demo model.'
          : 'No OPENAI_API_KEY and no --base-url: running the offline demo model. Set OPENAI_API_KEY to use a real one.',
    };
  }
  if (!apiKey && !baseURL) {
    throw new UsageError('OPENAI_API_KEY is not set: set it, use --base-url for a local server, or --demo for the offline model');
  }
  const { OpenAIProvider } = await import('../providers/openaiProvider.js');
  const model = flags.model ?? recorded.model ?? envModel ?? recorded.configModel ?? DEFAULT_MODEL;
  return {
    // Local servers (Ollama, vLLM, LM Studio) take any key; the SDK insists on one.
    provider: new OpenAIProvider({ apiKey: apiKey ?? 'not-needed', baseURL }),
    model,
    endpoint: baseURL ?? null,
    providerNote: `Model ${model} at ${baseURL ?? 'api.openai.com'}.`,
  };
}

/** Continues a journaled session with its own config, task and model; only the provider is chosen anew. */
export async function prepareResume(
  point: ResumePoint,
  taskWords: string[],
  flags: RunFlags,
  io: { cwd: string; env: NodeJS.ProcessEnv; stdoutIsTTY: boolean; stdinIsTTY: boolean },
): Promise<RunSetup> {
  const conflicting = (['config', 'maxTurns', 'context'] as const).filter((k) => flags[k] !== undefined);
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
  const chosen = await chooseProvider(flags, io.env, { provider: started.provider, model: started.model, endpoint: started.endpoint });
  return {
    humans,
    approve,
    config: point.config,
    configPath: undefined,
    ...chosen,
    ...view,
    task: started.task,
    outDir: path.resolve(io.cwd, flags.out ?? '.roleplay'),
  };
}

function checkUrl(value: string, source: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${source}: "${value}" is not a URL: give one like http://127.0.0.1:11434/v1`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${source}: "${value}" must start with http:// or https://`);
  }
}
