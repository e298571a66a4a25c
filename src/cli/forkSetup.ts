/** What a fork (`--fork <session>@<n>`) runs with: the parent's config, task and model unless the flags change them. */
import path from 'node:path';
import { loadConfig } from '../config/loadConfig.js';
import type { ResolvedConfig, ResolvedEndpoint } from '../config/resolve.js';
import { structuralChange } from '../engine/outline.js';
import type { ResumePoint } from '../engine/resume.js';
import type { EngineEvent } from '../engine/events.js';
import { UsageError } from '../errors.js';
import { endpointsInUse, endpointsNote, setUpEndpoints } from './endpoints.js';
import { loadDotenv } from './environment.js';
import { applyOverrides, checkApprove, checkBreakpoints, checkHumans, chooseProvider, chooseView, type RunFlags, type RunSetup } from './setup.js';

/** The provider, model and endpoint the parent ran on last (a resume or a fork may have changed them). */
function lastRun(history: readonly EngineEvent[]): { provider: string; model: string; endpoint: string | null } {
  let last = { provider: '', model: '', endpoint: null as string | null };
  for (const event of history) {
    if (event.type === 'run.started' || event.type === 'run.forked')
      last = { provider: event.provider, model: event.model, endpoint: event.endpoint };
    else if (event.type === 'run.resumed') last = { ...last, provider: event.provider, model: event.model };
  }
  return last;
}

export async function prepareFork(
  point: ResumePoint,
  taskWords: string[],
  flags: RunFlags,
  io: { cwd: string; env: NodeJS.ProcessEnv; stdoutIsTTY: boolean; stdinIsTTY: boolean },
): Promise<RunSetup> {
  if (taskWords.length) throw new UsageError("--fork goes on with the parent's task: drop the task (change prompts with -c/--config)");
  const view = chooseView(flags, io);
  loadDotenv(io.cwd, io.env);
  let config: ResolvedConfig = structuredClone(point.config);
  let configPath: string | undefined;
  let defined: Record<string, ResolvedEndpoint> = {};
  if (flags.config !== undefined) {
    const loaded = await loadConfig({ configPath: flags.config, cwd: io.cwd });
    const structural = structuralChange(point.config.workflow, loaded.config.workflow);
    if (structural) throw new UsageError(`--config ${flags.config}: ${structural} from the parent's; a fork keeps the parent's workflow`);
    config = loaded.config;
    configPath = loaded.filepath;
    defined = loaded.endpoints;
  }
  applyOverrides(config, flags);
  checkBreakpoints(flags, config);
  const last = lastRun(point.history);
  // A new model or server is the point of many forks: the parent's provider holds only when neither is named.
  const keepProvider = flags.model === undefined && flags.baseUrl === undefined && !flags.demo;
  const chosen = await chooseProvider(flags, io.env, {
    configModel: config.model,
    ...(keepProvider ? { provider: last.provider } : {}),
    ...(last.provider === 'demo' ? {} : { model: last.model }),
    endpoint: last.endpoint,
    api: point.started.api,
    context: config.context,
  });
  // The named endpoints' definitions are in a config file, not in the journal (their headers may hold keys): -c's, or
  // the one in this folder, as a resume finds them.
  let configFile = configPath;
  if (flags.config === undefined && endpointsInUse(config).size) ({ endpoints: defined, filepath: configFile } = await loadConfig({ cwd: io.cwd }));
  const endpoints = await setUpEndpoints(config, defined, io.env, {
    demo: flags.demo || (keepProvider && last.provider === 'demo') ? chosen.provider : undefined,
    resumeOf: { sessionId: point.started.sessionId, configFile, cwd: io.cwd },
  });
  return {
    humans: checkHumans(flags, config, view.headless),
    approve: checkApprove(flags, config, view.headless),
    config,
    configPath,
    ...chosen,
    providerNote: chosen.providerNote + endpointsNote(config, endpoints),
    endpoints,
    ...view,
    task: point.started.task,
    outDir: path.resolve(io.cwd, flags.out ?? '.roleplay'),
  };
}
