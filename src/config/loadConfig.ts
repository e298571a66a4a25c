import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { MODULE, SEARCH_PLACES } from './searchPlaces.js';
import { sanitize } from '../text/sanitize.js';
import { ConfigError } from '../errors.js';
import { resolveParsed, type ResolvedConfig, type ResolvedEndpoint } from './resolve.js';

export { ConfigError } from '../errors.js';

export interface LoadedConfig {
  config: ResolvedConfig;
  /** The config's named endpoints (never recorded: their headers may hold keys). */
  endpoints: Record<string, ResolvedEndpoint>;
  /** Undefined when no config file was found and the built-in preset is used. */
  filepath: string | undefined;
}

/**
 * The config files in `cwd`, in search order: every search place that exists, package.json only when it has a
 * "roleplay" key (or cannot be read, so that the loader says what is wrong with it). Most runs have none, and then
 * nothing needs to parse one.
 */
export function configFilesIn(cwd: string): string[] {
  return SEARCH_PLACES.filter((place) => {
    const file = path.join(cwd, place);
    if (!existsSync(file)) return false;
    if (place !== 'package.json') return true;
    try {
      const pkg: unknown = JSON.parse(readFileSync(file, 'utf8'));
      return typeof pkg === 'object' && pkg !== null && MODULE in pkg;
    } catch {
      return true;
    }
  }).map((place) => path.join(cwd, place));
}

/** How long a config may take to load (a TypeScript config runs code: a top-level await may never settle). */
const LOAD_TIMEOUT_MS = 5000;

/**
 * The gist of a loader's error on one line. cosmiconfig's "JSON Error in <file>:" header comes with a code
 * frame ("> 1 | ...", "| ^"); the reason is the first line that is neither.
 */
function firstLine(error: unknown): string {
  // The code frame is coloured when the terminal (or CI) supports it: read it without the colours.
  const text = sanitize(error instanceof Error ? error.message : String(error));
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const [head = 'unknown error'] = lines;
  // jiti puts where a TypeScript config fails on its own line, "/path/roleplay.config.ts:1:29", with the
  // column counted from 0 as Babel does; editors count from 1.
  const where = lines
    .slice(1)
    .map((line) => /:(\d+):(\d+)$/.exec(line))
    .find(Boolean);
  if (where) return `${head.replace(/\s+$/, '')} at line ${where[1]}, column ${Number(where[2]) + 1}`;
  if (!head.endsWith(':')) return head;
  const reason = lines.slice(1).find((line) => !/^(>?\s*\d+\s*\||\|)/.test(line));
  const shortReason = reason?.replace(/ while parsing .*$/, '');
  return `${head.replace(/ in \S+:$/, ':')} ${shortReason ?? ''}`.trim();
}

/**
 * Loads `--config <path>`, or the one config in `cwd`, or falls back to the built-in preset.
 * Throws ConfigError for every user mistake.
 */
export async function loadConfig(options: { configPath?: string | undefined; cwd?: string; timeoutMs?: number }): Promise<LoadedConfig> {
  const cwd = options.cwd ?? process.cwd();
  const relative = (file: string) => path.relative(cwd, file) || file;
  if (options.configPath !== undefined && options.configPath.trim() === '') throw new ConfigError('--config: the path is empty: name a config file');
  const wanted = options.configPath !== undefined ? path.resolve(cwd, options.configPath) : undefined;
  if (wanted && !existsSync(wanted)) throw new ConfigError(`${options.configPath}: config file not found`);
  if (wanted && statSync(wanted).isDirectory()) throw new ConfigError(`${options.configPath}: is a folder; name a config file`);
  let file = wanted;
  if (!file) {
    const files = configFilesIn(cwd);
    // Which one would win is an accident of the search order: the user meant one of them, and should say which.
    if (files.length > 1) {
      throw new ConfigError(`${files.length} config files: ${files.map(relative).join(', ')}; keep one, or choose one with --config <file>`);
    }
    file = files[0];
  }
  if (!file) return { config: resolvedPreset(), endpoints: {}, filepath: undefined };
  const shown = relative(file);
  // cosmiconfig, its YAML parser and jiti load only when there is a file to read.
  const { explorer, NoDefaultExport } = await import('./configFile.js');
  let found: { config: unknown; filepath: string; isEmpty?: boolean } | null;
  try {
    found = await withTimeout(explorer().load(file), options.timeoutMs ?? LOAD_TIMEOUT_MS, shown);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    if (error instanceof NoDefaultExport) {
      const names = error.names.length ? ` (it exports ${error.names.join(', ')})` : '';
      throw new ConfigError(`${shown}: has no default export${names}: write "export default defineConfig({ ... })"`, [], file);
    }
    throw new ConfigError(`${shown}: cannot load the config: ${firstLine(error)}`, [], file);
  }
  if (!found || found.isEmpty || found.config === undefined) {
    throw new ConfigError(`${shown}: is empty: write a config in it, or delete it to use the built-in preset`, [], file);
  }
  let result: ReturnType<typeof resolveParsed>;
  try {
    // The built-in preset is known to be valid; only a user's file goes through the schema (and loads zod).
    result = (await import('./validate.js')).resolveConfig(found.config);
  } catch (error) {
    // A getter or a proxy in a JavaScript config can throw while it is read.
    throw new ConfigError(`${shown}: cannot read the config: ${firstLine(error)}`, [], file);
  }
  if ('issues' in result) {
    const [first, ...rest] = result.issues;
    const more = rest.length ? ` (+${rest.length} more: run "roleplay validate" to list them)` : '';
    throw new ConfigError(`${shown}: ${first?.path}: ${first?.message}${more}`, result.issues, file);
  }
  return { config: result.config, endpoints: result.endpoints, filepath: found.filepath };
}

function resolvedPreset(): ResolvedConfig {
  const result = resolveParsed({});
  if ('issues' in result) throw new Error(`the built-in preset is invalid: ${result.issues.map((i) => i.message).join('; ')}`);
  return result.config;
}

/** `promise`, or a ConfigError once `ms` have passed. The timer holds the process open: a config that never settles may hold nothing. */
async function withTimeout<T>(promise: Promise<T>, ms: number, shown: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ConfigError(`${shown}: the config did not finish loading within ${ms / 1000} s (a top-level await that never settles?)`)),
      ms,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
