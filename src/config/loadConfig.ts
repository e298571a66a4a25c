import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { MODULE, SEARCH_PLACES } from './searchPlaces.js';
import { sanitize } from '../text/sanitize.js';
import { ConfigError } from '../errors.js';
import { resolveParsed, type ResolvedConfig } from './resolve.js';

export { ConfigError } from '../errors.js';

export interface LoadedConfig {
  config: ResolvedConfig;
  /** Undefined when no config file was found and the built-in preset is used. */
  filepath: string | undefined;
}

/** Whether `cwd` may hold a config; most runs have none, and then nothing needs to parse one. */
function mayHoldConfig(cwd: string): boolean {
  return SEARCH_PLACES.some((place) => {
    const file = path.join(cwd, place);
    if (!existsSync(file)) return false;
    if (place !== 'package.json') return true;
    try {
      const pkg: unknown = JSON.parse(readFileSync(file, 'utf8'));
      return typeof pkg === 'object' && pkg !== null && MODULE in pkg;
    } catch {
      return true; // cosmiconfig says what is wrong with it
    }
  });
}

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
 * Loads `--config <path>`, or finds a config in `cwd`, or falls back to the built-in preset.
 * Throws ConfigError for every user mistake.
 */
export async function loadConfig(options: { configPath?: string | undefined; cwd?: string }): Promise<LoadedConfig> {
  const cwd = options.cwd ?? process.cwd();
  let found: { config: unknown; filepath: string } | null;
  const wanted = options.configPath ? path.resolve(cwd, options.configPath) : undefined;
  if (wanted && !existsSync(wanted)) throw new ConfigError(`${options.configPath}: config file not found`);
  if (wanted && statSync(wanted).isDirectory()) throw new ConfigError(`${options.configPath}: is a folder; name a config file`);
  try {
    if (wanted || mayHoldConfig(cwd)) {
      // cosmiconfig, its YAML parser and jiti load only when there is a file to read.
      const { explorer } = await import('./configFile.js');
      found = wanted ? await explorer().load(wanted) : await explorer().search(cwd);
    } else {
      found = null;
    }
  } catch (error) {
    // cosmiconfig does not say which file failed while searching: it is the first place that exists.
    const file =
      wanted ??
      SEARCH_PLACES.map((p) => path.join(cwd, p)).find((p) => !p.endsWith('package.json') && existsSync(p)) ??
      path.join(cwd, 'package.json');
    throw new ConfigError(`${path.relative(cwd, file) || file}: cannot load the config: ${firstLine(error)}`, [], wanted);
  }
  const filepath = found?.filepath;
  const shown = filepath ? path.relative(cwd, filepath) || filepath : 'built-in preset';
  // The built-in preset is known to be valid; only a user's file goes through the schema (and loads zod).
  const result = found ? (await import('./validate.js')).resolveConfig(found.config) : resolveParsed({});
  if ('issues' in result) {
    const [first, ...rest] = result.issues;
    const more = rest.length ? ` (+${rest.length} more: run "roleplay validate" to list them)` : '';
    throw new ConfigError(`${shown}: ${first?.path}: ${first?.message}${more}`, result.issues, filepath);
  }
  return { config: result.config, filepath };
}
