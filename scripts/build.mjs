// Bundles the CLI and the library with esbuild: one file per entry plus shared chunks, so that
// `--help` and `--version` load only the small CLI chunk and the TUI starts from one bundle. Minified:
// less to parse makes the TUI's first frame come sooner.
import { build } from 'esbuild';
import { readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
rmSync(path.join(root, 'dist'), { recursive: true, force: true });
mkdirSync(path.join(root, 'dist'), { recursive: true });
const stub = path.join(root, 'scripts', 'empty-module.mjs');

// Ink's layout engine, yoga, is WebAssembly embedded as base64 in an Emscripten loader. Where a global
// `fetch` exists (Node >= 18) that loader decodes its own `data:` URL with fetch, and the first touch of
// `fetch` makes Node load undici: about 35 ms before the first frame, for a network stack the demo never
// uses. Shadowing `fetch` in that one module sends it down its other path (atob, then
// WebAssembly.instantiate), which is the same bytes without undici.
const yogaWithoutFetch = {
  name: 'yoga-without-fetch',
  setup(b) {
    b.onLoad({ filter: /yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/ }, async (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!/typeof fetch/.test(source)) throw new Error(`${args.path} no longer tests for fetch: review the yoga-without-fetch plugin`);
      return { contents: `const fetch = undefined;\n${source}`, loader: 'js' };
    });
  },
};

// Every `string-width` import (Ink's, cli-truncate's, wrap-ansi's own older copy) gets src/text/simpleWidth.ts
// in front of it. The copy each importer would have had stays behind it, loaded by `require` on its first
// question: esbuild evaluates a required module lazily, so its Intl.Segmenter and emoji expressions cost
// nothing until a string needs them.
const widthFastPath = {
  name: 'string-width-fast-path',
  setup(b) {
    const fastPath = path.join(root, 'src', 'text', 'simpleWidth.ts');
    b.onResolve({ filter: /^string-width$/ }, async (args) => {
      if (args.pluginData === 'behind the fast path') return undefined;
      const real = await b.resolve('string-width', { resolveDir: args.resolveDir, kind: args.kind, pluginData: 'behind the fast path' });
      if (real.errors.length > 0) return { errors: real.errors };
      return { path: real.path, namespace: 'string-width-fast-path' };
    });
    b.onLoad({ filter: /.*/, namespace: 'string-width-fast-path' }, (args) => ({
      resolveDir: path.dirname(args.path),
      loader: 'js',
      contents: `import { simpleWidth } from ${JSON.stringify(fastPath)};
let measure;
export default function stringWidth(text, options) {
  const width = simpleWidth(text, options);
  if (width !== undefined) return width;
  measure ??= require(${JSON.stringify(args.path)}).default;
  return measure(text, options);
}
`,
    }));
  },
};

const result = await build({
  absWorkingDir: root,
  // Which packages went into which file: the lazy-loading test reads it, since minified code names none.
  metafile: true,
  entryPoints: { cli: 'src/cli/bin.ts', index: 'src/index.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: false,
  minify: true,
  legalComments: 'none',
  chunkNames: 'chunks/[name]-[hash]',
  // jiti loads its own files at run time; typescript is only an optional loader of cosmiconfig's.
  external: ['jiti', 'typescript'],
  alias: { 'react-devtools-core': stub },
  plugins: [yogaWithoutFetch, widthFastPath],
  define: {
    __ROLEPLAY_VERSION__: JSON.stringify(pkg.version),
    'process.env.NODE_ENV': '"production"',
  },
  banner: {
    js: "import { createRequire as __roleplayRequire } from 'node:module'; const require = __roleplayRequire(import.meta.url);",
  },
  logLevel: 'warning',
});

writeFileSync(path.join(root, 'dist', 'meta.json'), JSON.stringify(result.metafile));

const cli = path.join(root, 'dist', 'cli.js');
writeFileSync(cli, `#!/usr/bin/env node\n${readFileSync(cli, 'utf8')}`, { mode: 0o755 });
