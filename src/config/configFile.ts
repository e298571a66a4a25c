/** Finding and reading a config file with cosmiconfig; TypeScript and JavaScript configs go through jiti. */
import { chmodSync, existsSync, lstatSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cosmiconfig, type Loader } from 'cosmiconfig';
import envPaths from 'env-paths';
import { MODULE, SEARCH_PLACES } from './searchPlaces.js';

/**
 * `import { defineConfig } from 'roleplay'` must work in a config anywhere on disk, also with a global
 * install and no local node_modules, so the loader aliases the package name to this very build.
 */
function selfModule(): string | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return ['../index.ts', './index.js', '../index.js'].map((p) => path.resolve(here, p)).find((p) => existsSync(p));
}

/**
 * Where jiti keeps the configs it has compiled, named by a hash of their source, so that a config that did not
 * change skips the TypeScript compiler: about 200 ms off every start. The folder is the user's own (0700), not a
 * shared temporary one where another user could plant a compiled file. `false` (compile each time) if it cannot
 * be made, or if it or its parent is not safe to load code from (see `ownPrivateFolder`).
 */
export function compiledConfigCache(): string | false {
  const dir = path.join(envPaths('roleplay', { suffix: '' }).cache, 'compiled-config');
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return ownPrivateFolder(path.dirname(dir)) && ownPrivateFolder(dir) ? dir : false;
  } catch {
    return false;
  }
}

/**
 * Whether code may be loaded from `dir`: a real folder (not a link) that belongs to this user, with no one
 * else allowed to write in it. A folder of ours that others could write to (made before, or by hand) is closed
 * to 0700 first. Where there are no user ids (Windows), only the first part applies.
 */
export function ownPrivateFolder(dir: string, uid: number | undefined = process.getuid?.()): boolean {
  const stat = lstatSync(dir);
  if (!stat.isDirectory()) return false;
  if (uid === undefined) return true;
  if (stat.uid !== uid) return false;
  if ((stat.mode & 0o022) !== 0) chmodSync(dir, 0o700);
  return true;
}

/** A JavaScript or TypeScript config that exports no default; `names` are the exports it has. */
export class NoDefaultExport extends Error {
  constructor(readonly names: string[]) {
    super('no default export');
  }
}

const loadTypeScript: Loader = async (filepath) => {
  const { createJiti } = await import('jiti');
  const self = selfModule();
  const jiti = createJiti(import.meta.url, {
    moduleCache: false,
    fsCache: compiledConfigCache(),
    interopDefault: true,
    // The package's own name too: a config written with editor types installed (`npm i -D roleplay-tui`).
    alias: self ? { roleplay: self, 'roleplay-tui': self } : {},
  });
  // jiti gives CommonJS's module.exports as the default export; an ES module without one has none.
  const mod = await jiti.import<Record<string, unknown>>(filepath);
  if (!('default' in mod)) throw new NoDefaultExport(Object.keys(mod).filter((name) => name !== '__esModule'));
  return mod.default;
};

export const explorer = () =>
  cosmiconfig(MODULE, {
    cache: false,
    searchStrategy: 'none',
    searchPlaces: SEARCH_PLACES,
    loaders: { '.ts': loadTypeScript, '.mts': loadTypeScript, '.cts': loadTypeScript, '.js': loadTypeScript, '.mjs': loadTypeScript },
  });
