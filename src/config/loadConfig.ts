import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cosmiconfig, type Loader } from 'cosmiconfig';
import { resolveConfig, type ConfigIssue, type ResolvedConfig } from './resolve.js';

/** A mistake in the user's config. Its message is one line that names the file and the field. */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly issues: ConfigIssue[] = [],
    readonly filepath?: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface LoadedConfig {
  config: ResolvedConfig;
  /** Undefined when no config file was found and the built-in preset is used. */
  filepath: string | undefined;
}

/**
 * `import { defineConfig } from 'roleplay'` must work in a config anywhere on disk, also with a global
 * install and no local node_modules, so the loader aliases the package name to this very build.
 */
function selfModule(): string | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return ['../index.ts', './index.js', '../index.js'].map((p) => path.resolve(here, p)).find((p) => existsSync(p));
}

const loadTypeScript: Loader = async (filepath) => {
  const { createJiti } = await import('jiti');
  const self = selfModule();
  const jiti = createJiti(import.meta.url, {
    moduleCache: false,
    fsCache: false,
    interopDefault: true,
    alias: self ? { roleplay: self } : {},
  });
  return jiti.import(filepath, { default: true });
};

const MODULE = 'roleplay';
const SEARCH_PLACES = [
  'package.json',
  `.${MODULE}rc`,
  `.${MODULE}rc.json`,
  `.${MODULE}rc.yaml`,
  `.${MODULE}rc.yml`,
  `${MODULE}.config.ts`,
  `${MODULE}.config.mts`,
  `${MODULE}.config.js`,
  `${MODULE}.config.mjs`,
  `${MODULE}.config.cjs`,
  `${MODULE}.config.json`,
  `${MODULE}.config.yaml`,
  `${MODULE}.config.yml`,
];
const explorer = () =>
  cosmiconfig(MODULE, {
    cache: false,
    searchStrategy: 'none',
    searchPlaces: SEARCH_PLACES,
    loaders: { '.ts': loadTypeScript, '.mts': loadTypeScript, '.cts': loadTypeScript, '.js': loadTypeScript, '.mjs': loadTypeScript },
  });

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text.split('\n').find((line) => line.trim()) ?? 'unknown error').trim();
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
  try {
    found = wanted ? await explorer().load(wanted) : await explorer().search(cwd);
  } catch (error) {
    // cosmiconfig does not say which file failed while searching: it is the first place that exists.
    const file = wanted ?? SEARCH_PLACES.map((p) => path.join(cwd, p)).find((p) => !p.endsWith('package.json') && existsSync(p)) ?? path.join(cwd, 'package.json');
    throw new ConfigError(`${path.relative(cwd, file) || file}: cannot load the config: ${firstLine(error)}`, [], wanted);
  }
  const filepath = found?.filepath;
  const shown = filepath ? path.relative(cwd, filepath) || filepath : 'built-in preset';
  const result = resolveConfig(found?.config);
  if ('issues' in result) {
    const [first, ...rest] = result.issues;
    const more = rest.length ? ` (+${rest.length} more: run "roleplay validate" to list them)` : '';
    throw new ConfigError(`${shown}: ${first?.path}: ${first?.message}${more}`, result.issues, filepath);
  }
  return { config: result.config, filepath };
}
