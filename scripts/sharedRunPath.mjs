// An esbuild plugin for the bundle: every module of src/ that is loaded lazily (the target of an `import()`) imports
// the run command's module (src/cli/commands.ts) first.
//
// esbuild puts each module in the chunk of the set of entry points that reach it, and each `import()` target is an
// entry point of its own. It cannot know that the lazy modules load after the run command's: the engine, session
// and config modules that the run, `sessions`, `eval`, `check`, `doctor`, the TUI and the rest each reach were cut
// into one small chunk per combination of them, 40 files and 124 imports between them before the TUI's first frame,
// each of which Node's ESM loader resolves, reads, links and evaluates on its own. Reached by every lazy module
// alike, they share a chunk: 15 files, and the first frame 14 ms sooner (docs/performance.md). main.ts, which
// `--help` loads, does not import the run command's module, so `--help` loads no more than before.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';

const SHARED = 'src/cli/commands.ts';
// Lazy modules that load before the run command's and must not pull it in.
const BEFORE = ['src/cli/main.ts'];

/**
 * The modules of src/ that are the target of an `import()`, and that the shared module does not import statically
 * (those are in its chunk already, and importing it back would make a cycle), from a build of `options` that writes
 * nothing: the plugin needs the whole set before the real build loads its first module.
 * @param {import('esbuild').BuildOptions} options
 * @returns {Promise<Set<string>>} paths relative to absWorkingDir, as the metafile has them
 */
export async function lazyModules(options) {
  const { metafile } = await build({ ...options, write: false, metafile: true, logLevel: 'silent' });
  const targets = new Set();
  for (const input of Object.values(metafile.inputs)) {
    for (const imported of input.imports) if (imported.kind === 'dynamic-import' && imported.path.startsWith('src/')) targets.add(imported.path);
  }
  const statically = new Set();
  const stack = [SHARED];
  while (stack.length) {
    const file = stack.pop();
    if (statically.has(file)) continue;
    statically.add(file);
    for (const imported of metafile.inputs[file]?.imports ?? []) if (imported.kind === 'import-statement') stack.push(imported.path);
  }
  for (const file of [...statically, ...BEFORE]) targets.delete(file);
  return targets;
}

/**
 * @param {string} root the repository (the build's absWorkingDir)
 * @param {Set<string>} lazy what lazyModules() found
 */
export function sharedRunPath(root, lazy) {
  const files = new Set([...lazy].map((file) => path.join(root, file)));
  const shared = path.join(root, SHARED);
  return {
    name: 'shared-run-path',
    setup(builder) {
      builder.onLoad({ filter: /[\\/]src[\\/].*\.tsx?$/ }, async (args) => {
        if (!files.has(args.path)) return undefined;
        const source = await readFile(args.path, 'utf8');
        let specifier = path.relative(path.dirname(args.path), shared).split(path.sep).join('/').replace(/\.ts$/, '.js');
        if (!specifier.startsWith('.')) specifier = `./${specifier}`;
        return { contents: `import '${specifier}';\n${source}`, loader: args.path.endsWith('.tsx') ? 'tsx' : 'ts' };
      });
    },
  };
}
