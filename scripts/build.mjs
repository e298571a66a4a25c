// Bundles the CLI and the library with esbuild: one file per entry plus shared chunks, so that
// `--help` and `--version` load only the small CLI chunk and the TUI starts from one bundle. Minified:
// less to parse makes the TUI's first frame come sooner.
import { build } from 'esbuild';
import { esmFacades } from './esmFacades.mjs';
import { lazyModules, sharedRunPath } from './sharedRunPath.mjs';
import { readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
rmSync(path.join(root, 'dist'), { recursive: true, force: true });
mkdirSync(path.join(root, 'dist'), { recursive: true });
const stub = path.join(root, 'scripts', 'empty-module.mjs');

const options = {
  plugins: [esmFacades(root)],
  absWorkingDir: root,
  // Which packages went into which file: the lazy-loading test reads it, since minified code names none.
  metafile: true,
  entryPoints: { cli: 'src/cli/bin.ts', index: 'src/index.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  // As tsconfig.json says; set here too, since sharedRunPath hands esbuild the source of some modules itself.
  jsx: 'automatic',
  platform: 'node',
  target: 'node20',
  sourcemap: false,
  minify: true,
  legalComments: 'none',
  chunkNames: 'chunks/[name]-[hash]',
  // jiti loads its own files at run time; typescript is only an optional loader of cosmiconfig's.
  external: ['jiti', 'typescript'],
  alias: { 'react-devtools-core': stub },
  define: {
    __ROLEPLAY_VERSION__: JSON.stringify(pkg.version),
    'process.env.NODE_ENV': '"production"',
  },
  banner: {
    js: "import { createRequire as __roleplayRequire } from 'node:module'; const require = __roleplayRequire(import.meta.url);",
  },
  logLevel: 'warning',
};
const result = await build({ ...options, plugins: [...options.plugins, sharedRunPath(root, await lazyModules(options))] });

writeFileSync(path.join(root, 'dist', 'meta.json'), JSON.stringify(result.metafile));
// The chunks are ES modules wherever dist/ is copied. And with DEV=true, Ink reads its version from the
// package.json next to its build folder, which in the bundle is this one: without it, the TUI stopped with ENOENT.
writeFileSync(path.join(root, 'dist', 'package.json'), `${JSON.stringify({ type: 'module' })}\n`);

const cli = path.join(root, 'dist', 'cli.js');
writeFileSync(cli, `#!/usr/bin/env node\n${readFileSync(cli, 'utf8')}`, { mode: 0o755 });
