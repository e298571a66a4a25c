// The esbuild plugins the shipped bundle is built with. The bench builds its render harness with them too, so
// that it measures what ships.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const fastPath = path.join(root, 'src', 'text', 'simpleWidth.ts');
// The names of the plugins below that have edited a file in the build under way.
const fired = new Set();

// Ink's layout engine, yoga, is WebAssembly embedded as base64 in an Emscripten loader. Where a global
// `fetch` exists (Node >= 18) that loader decodes its own `data:` URL with fetch, and the first touch of
// `fetch` makes Node load undici: about 35 ms before the first frame, for a network stack the demo never
// uses. Shadowing `fetch` in that one module sends it down its other path (atob, then
// WebAssembly.instantiate), which is the same bytes without undici.
export const yogaWithoutFetch = {
  name: 'yoga-without-fetch',
  setup(b) {
    b.onLoad({ filter: /yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/ }, async (args) => {
      fired.add(yogaWithoutFetch.name);
      const source = readFileSync(args.path, 'utf8');
      if (!/typeof fetch/.test(source)) throw new Error(`${args.path} no longer tests for fetch: review the yoga-without-fetch plugin`);
      return { contents: `const fetch = undefined;\n${source}`, loader: 'js' };
    });
  },
};

// Every `string-width` import (Ink's, cli-truncate's, wrap-ansi's own older copy) gets a function of
// src/text/simpleWidth.ts in front of it, the one checked against that copy's major version: the versions do not
// agree on every character (7 counts © and ⚠ as two columns, 8 as one). The copy each importer would have had stays
// behind it, loaded by `require` on its first question: esbuild evaluates a required module lazily, so its
// Intl.Segmenter and emoji expressions cost nothing until a string needs them. A copy of a major version with no
// checked function stops the build.
export const WIDTH_FAST_PATHS = { 7: 'simpleWidthV7', 8: 'simpleWidth' };

/** The package.json of the string-width copy a resolved file belongs to. */
function widthPackage(file) {
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) return { manifest, ...JSON.parse(readFileSync(manifest, 'utf8')) };
  }
  throw new Error(`${file}: no package.json above it`);
}

/** The name of the simpleWidth.ts function checked against this string-width version, or undefined. */
export function widthFastPathFor(version) {
  return WIDTH_FAST_PATHS[String(version).split('.')[0]];
}

export const widthFastPath = {
  name: 'string-width-fast-path',
  setup(b) {
    b.onResolve({ filter: /^string-width$/ }, async (args) => {
      if (args.pluginData === 'behind the fast path') return undefined;
      const real = await b.resolve('string-width', { resolveDir: args.resolveDir, kind: args.kind, pluginData: 'behind the fast path' });
      if (real.errors.length > 0) return { errors: real.errors };
      const { manifest, version } = widthPackage(real.path);
      const fast = widthFastPathFor(version);
      if (fast === undefined) {
        return {
          errors: [
            {
              text: `string-width ${version} (${manifest}) has no checked fast path: add its major version to WIDTH_FAST_PATHS in scripts/bundlePlugins.mjs, with a function test/text/simpleWidth.test.ts checks`,
            },
          ],
        };
      }
      return { path: real.path, namespace: 'string-width-fast-path', pluginData: fast };
    });
    b.onLoad({ filter: /.*/, namespace: 'string-width-fast-path' }, (args) => {
      fired.add(widthFastPath.name);
      return {
        resolveDir: path.dirname(args.path),
        loader: 'js',
        contents: `import { ${args.pluginData} as fastWidth } from ${JSON.stringify(fastPath)};
let measure;
export default function stringWidth(text, options) {
  const width = fastWidth(text, options);
  if (width !== undefined) return width;
  measure ??= require(${JSON.stringify(args.path)}).default;
  return measure(text, options);
}
`,
      };
    });
  },
};

// Three shortcuts in Ink's Output.get(), which gives the same frames with them (test/perf/startupShortcuts.test.ts):
// - It fills the screen with a new blank cell object (and a new styles array) for each of its width x height
//   cells before writing anything. Cells are only ever replaced, never changed, so one shared blank will do.
// - It turns every row of the screen, cell by cell, into a string and then trims its end. In a full-screen layout
//   most rows end in blank cells, so the unstyled spaces at the end of a row are dropped before that conversion.
// - Inside a box with `overflow: hidden` it cuts every line to the box with slice-ansi, also a line that fits whole.
//   A line that fits, has no escape codes and is made of one-column characters only (src/text/simpleWidth.ts) is
//   kept as it is. One with escape codes still goes through slice-ansi, which rewrites them (it drops an OSC
//   title, for one), and so does one with zero-width or wide characters, which it drops or pads at the edges.
const INK_OUTPUT_EDITS = [
  [
    `const output = [];
        for (let y = 0; y < this.height; y++) {
            const row = [];
            for (let x = 0; x < this.width; x++) {
                row.push({
                    type: 'char',
                    value: ' ',
                    fullWidth: false,
                    styles: [],
                });
            }`,
    `const output = [];
        const blank = Object.freeze({ type: 'char', value: ' ', fullWidth: false, styles: Object.freeze([]) });
        for (let y = 0; y < this.height; y++) {
            const row = new Array(this.width).fill(blank);`,
  ],
  [
    `const lineWithoutEmptyItems = line.filter(item => item !== undefined);
            return styledCharsToString(lineWithoutEmptyItems).trimEnd();`,
    `const lineWithoutEmptyItems = line.filter(item => item !== undefined);
            let end = lineWithoutEmptyItems.length;
            while (end > 0 && lineWithoutEmptyItems[end - 1].value === ' ' && lineWithoutEmptyItems[end - 1].styles.length === 0) end--;
            lineWithoutEmptyItems.length = end;
            return styledCharsToString(lineWithoutEmptyItems).trimEnd();`,
  ],
  [
    'return sliceAnsi(line, from, to);',
    'return from === 0 && to === width && !/[\\x1b\\x9b]/.test(line) && simpleWidth(line) === width ? line : sliceAnsi(line, from, to);',
  ],
];
export const inkOutputShortcuts = {
  name: 'ink-output-shortcuts',
  setup(b) {
    b.onLoad({ filter: /[\\/]ink[\\/]build[\\/]output\.js$/ }, (args) => {
      fired.add(inkOutputShortcuts.name);
      let source = readFileSync(args.path, 'utf8');
      for (const [from, to] of INK_OUTPUT_EDITS) {
        if (source.split(from).length !== 2) throw new Error(`${args.path} changed: review the ink-output-shortcuts plugin`);
        source = source.replace(from, to);
      }
      return { loader: 'js', contents: `import { simpleWidth } from ${JSON.stringify(fastPath)};\n${source}` };
    });
  },
};

// Ink's output compares the styles of each cell with the one before it (@alcalzone/ansi-tokenize's
// diffAnsiCodes), building three Sets and two arrays every time, though neighbouring cells nearly always share
// their styles. Equal style lists have nothing to undo and nothing to add: that case returns at once.
const DIFF_START = 'export function diffAnsiCodes(from, to) {';
export const ansiDiffShortcut = {
  name: 'ansi-diff-shortcut',
  setup(b) {
    b.onLoad({ filter: /[\\/]@alcalzone[\\/]ansi-tokenize[\\/]build[\\/]diff\.js$/ }, (args) => {
      fired.add(ansiDiffShortcut.name);
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes(DIFF_START)) throw new Error(`${args.path} changed: review the ansi-diff-shortcut plugin`);
      return {
        loader: 'js',
        contents: source.replace(
          DIFF_START,
          `${DIFF_START}
    if (from.length === to.length && from.every((code, i) => code.code === to[i].code)) return [];`,
        ),
      };
    });
  },
};

// Ink draws every line through @alcalzone/ansi-tokenize, and a line with escape codes in a clipped box through
// slice-ansi too. Each makes an Intl.Segmenter when it loads, and the first Intl object of a process costs 20-30 ms
// of ICU set-up before the first frame. Each gets src/text/graphemes.ts instead: the same segments, worked out in
// JavaScript for strings whose every character is a cluster of its own, and from a real Intl.Segmenter, made when
// first needed, for any other.
const graphemes = path.join(root, 'src', 'text', 'graphemes.ts');
function segmenterShim(name, filter, segmenter) {
  return {
    name,
    setup(b) {
      b.onLoad({ filter }, (args) => {
        fired.add(name);
        const source = readFileSync(args.path, 'utf8');
        if (source.split(segmenter).length !== 2 || source.split('Intl.').length !== 2) {
          throw new Error(`${args.path} changed: review the ${name} plugin`);
        }
        return {
          loader: 'js',
          contents: `import { graphemeSegmenter } from ${JSON.stringify(graphemes)};\n${source.replace(segmenter, 'graphemeSegmenter()')}`,
        };
      });
    },
  };
}
export const tokenizeSegmenter = segmenterShim(
  'ansi-tokenize-segmenter',
  /[\\/]@alcalzone[\\/]ansi-tokenize[\\/]build[\\/]tokenize\.js$/,
  'new Intl.Segmenter(undefined, { granularity: "grapheme" })',
);
export const sliceAnsiSegmenter = segmenterShim(
  'slice-ansi-segmenter',
  /[\\/]slice-ansi[\\/]tokenize-ansi\.js$/,
  "new Intl.Segmenter(undefined, {granularity: 'grapheme'})",
);

export const bundlePlugins = [yogaWithoutFetch, widthFastPath, inkOutputShortcuts, ansiDiffShortcut, tokenizeSegmenter, sliceAnsiSegmenter];

// Each plugin above finds the files it edits by their path in node_modules. If a dependency moves a file, the
// plugin would quietly stop matching and the bundle would lose its shortcut. The shipped build adds this check,
// which fails the build when a plugin edited nothing. (The bench and the tests build parts of the bundle with the
// plugins too; there some of them have nothing to edit, so they leave the check out.)
export const everyPluginFired = {
  name: 'every-plugin-fired',
  setup(b) {
    b.onStart(() => {
      fired.clear();
    });
    b.onEnd((result) => {
      if (result.errors.length > 0) return undefined;
      const idle = bundlePlugins.filter((plugin) => !fired.has(plugin.name));
      return {
        errors: idle.map((plugin) => ({
          text: `the ${plugin.name} plugin edited no file: the files it looks for are no longer where it looks; review scripts/bundlePlugins.mjs`,
        })),
      };
    });
  },
};
