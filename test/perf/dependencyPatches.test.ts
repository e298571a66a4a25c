/**
 * The dependency patches in patches/ (applied to node_modules by patch-package when npm installs): that they are
 * applied, so the tests run what the bundle ships, and that each does what it is there for without changing what
 * it should not. The string-width one is checked in test/text/stringWidth.test.ts.
 * (Needs `npm run build`; `npm test` does that.)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM build script, no types
import { pristinePlugin } from '../../scripts/pristine.mjs';
import { notInCi } from '../../src/cli/loadTui.js';

// Ink draws only the last frame when CI is set (the CI machine sets it); the TUI tells it otherwise, and so does
// this file, before any test here loads Ink.
notInCi();

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const patches = readdirSync(path.join(root, 'patches')).filter((file) => file.endsWith('.patch'));

interface Meta {
  outputs: Record<string, { entryPoint?: string }>;
}

function tuiChunk(): string {
  const file = path.join(root, 'dist', 'meta.json');
  if (!existsSync(file)) throw new Error('dist/meta.json is missing: run `npm run build` first');
  const chunk = Object.entries((JSON.parse(readFileSync(file, 'utf8')) as Meta).outputs).find(
    ([, output]) => output.entryPoint === 'src/ui/runTui.tsx',
  )?.[0];
  expect(chunk).toBeDefined();
  return path.join(root, String(chunk));
}

/** In a fresh node, with `fetch` counted: how many calls loading each module made. */
function fetchesWhileLoading(modules: string[]): number[] {
  const script = `
    let count = 0;
    const real = globalThis.fetch;
    globalThis.fetch = (...args) => { count++; return real(...args); };
    const counts = [];
    for (const file of ${JSON.stringify(modules.map((m) => pathToFileURL(m).href))}) {
      const before = count;
      await import(file);
      counts.push(count - before);
    }
    console.log(JSON.stringify(counts));
  `;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 30_000 });
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as number[];
}

/** What the test below uses of a yoga node. */
interface YogaNode {
  setHeight(height: number): void;
  insertChild(child: YogaNode, index: number): void;
  calculateLayout(width: number, height: undefined): void;
  getComputedHeight(): number;
  getComputedTop(): number;
  freeRecursive(): void;
}

/** In a fresh node: the memory, in MB, of each WebAssembly instance that loading each module made, when made. */
function wasmMemoryWhileLoading(modules: string[]): number[][] {
  const script = `
    let made = [];
    const real = WebAssembly.instantiate;
    WebAssembly.instantiate = async (...args) => {
      const result = await real(...args);
      // From bytes it gives the module and its instance; undici's own (llhttp, loaded by fetch) comes compiled.
      const memory = result.instance && Object.values(result.instance.exports).find((value) => value instanceof WebAssembly.Memory);
      if (memory) made.push(memory.buffer.byteLength / 2 ** 20);
      return result;
    };
    const sizes = [];
    for (const file of ${JSON.stringify(modules.map((m) => pathToFileURL(m).href))}) {
      made = [];
      await import(file);
      sizes.push(made);
    }
    console.log(JSON.stringify(sizes));
  `;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 30_000 });
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as number[][];
}

describe('the dependency patches', () => {
  it.each(patches)('%s is applied to node_modules', (file) => {
    // Taking it out again would work only if it is in: a dry run, nothing changes.
    expect(() => execFileSync('patch', ['-R', '--dry-run', '-p1', '-s', '-f', '-d', root, '-i', path.join(root, 'patches', file)])).not.toThrow();
  });

  it('yoga loads without calling fetch, in node_modules and in the bundle; as npm installs it, it would', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'roleplay-yoga-'));
    try {
      pristinePlugin(dir);
      const yoga = (modules: string) => path.join(modules, 'yoga-layout', 'dist', 'src', 'index.js');
      expect(fetchesWhileLoading([yoga(path.join(root, 'node_modules')), tuiChunk(), yoga(path.join(dir, 'node_modules'))])).toEqual([0, 0, 1]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("yoga's WebAssembly memory starts at 2 MB, in node_modules and in the bundle; as npm installs it, at 16 MB", () => {
    // 16 MB of memory at start count against V8's first heap limit: the whole heap was collected before the first frame.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'roleplay-yoga-'));
    try {
      pristinePlugin(dir);
      const yoga = (modules: string) => path.join(modules, 'yoga-layout', 'dist', 'src', 'index.js');
      expect(wasmMemoryWhileLoading([yoga(path.join(root, 'node_modules')), tuiChunk(), yoga(path.join(dir, 'node_modules'))])).toEqual([
        [2],
        [2],
        [16],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("yoga's memory grows as a layout needs it: 20,000 nodes, more than 2 MB holds, lay out as they should", async () => {
    // Ink's own yoga-layout, as node_modules holds it (roleplay does not depend on it itself).
    const yogaFile = pathToFileURL(path.join(root, 'node_modules', 'yoga-layout', 'dist', 'src', 'index.js')).href;
    const { default: Yoga } = (await import(yogaFile)) as { default: { Node: { create(): YogaNode } } };
    const parent = Yoga.Node.create();
    const children = Array.from({ length: 20_000 }, (_, index) => {
      const child = Yoga.Node.create();
      child.setHeight(1 + (index % 3));
      parent.insertChild(child, index);
      return child;
    });
    parent.calculateLayout(80, undefined);
    // Heights 1, 2, 3 repeating: 6,667 of each of the first two, 6,666 of the third.
    expect(parent.getComputedHeight()).toBe(6667 * 1 + 6667 * 2 + 6666 * 3);
    expect(children.at(-1)?.getComputedTop()).toBe(parent.getComputedHeight() - children.at(-1)!.getComputedHeight());
    parent.freeRecursive();
  });

  it('makes no Intl object while the TUI loads; Ink as npm installs it makes several', () => {
    // The first Intl object of a process costs it 20-30 ms of ICU set-up (the ansi-tokenize patch's graphemes.js).
    // The copy sits under node_modules, so that what it imports besides the patched packages resolves.
    mkdirSync(path.join(root, 'node_modules', '.cache'), { recursive: true });
    const dir = mkdtempSync(path.join(root, 'node_modules', '.cache', 'roleplay-pristine-'));
    try {
      pristinePlugin(dir);
      const script = `
        let count = 0;
        for (const name of ['Segmenter', 'NumberFormat', 'DateTimeFormat', 'Collator', 'PluralRules']) {
          Intl[name] = new Proxy(Intl[name], { construct(target, args) { count++; return Reflect.construct(target, args); } });
        }
        await import(${JSON.stringify(pathToFileURL(tuiChunk()).href)});
        const bundled = count;
        await import(${JSON.stringify(pathToFileURL(path.join(dir, 'node_modules', 'ink', 'build', 'index.js')).href)});
        console.log(JSON.stringify({ bundled, plain: count - bundled }));
      `;
      const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 30_000 });
      expect(result.stderr).toBe('');
      const { bundled, plain } = JSON.parse(result.stdout) as { bundled: number; plain: number };
      expect(bundled).toBe(0);
      expect(plain).toBeGreaterThan(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("Ink's incremental rendering goes back to the first line of a frame that ends in a newline (Ink 7's fix)", async () => {
    const { default: logUpdate } = (await import(pathToFileURL(path.join(root, 'node_modules', 'ink', 'build', 'log-update.js')).href)) as {
      default: { create(stream: { write(s: string): void }, options: { incremental: boolean }): (frame: string) => void };
    };
    const written: string[] = [];
    const log = logUpdate.create({ write: (s: string) => written.push(s) }, { incremental: true });
    log('one\ntwo\nthree\n');
    written.length = 0;
    log('one\n2\nthree\n');
    // Three lines and the cursor on the row below them: up three, the first kept, the second rewritten.
    const frame = written.join('');
    expect(frame.startsWith('\x1b[3A')).toBe(true);
    expect(frame).toContain('2');
    expect(frame).not.toContain('one');
  });

  it("after a resize, Ink's incremental rendering clears the screen and writes the frame whole, for the old size and the new", async () => {
    const React = await import('react');
    const { render, Box, Text } = await import('ink');
    const { EventEmitter } = await import('node:events');
    // A terminal as Ink sees one: a TTY stream with a size, a write and a resize event.
    const written: string[] = [];
    const stdout = Object.assign(new EventEmitter(), {
      isTTY: true,
      columns: 60,
      rows: 20,
      write: (chunk: string) => {
        written.push(chunk);
        return true;
      },
    });
    const lines = ['first line', 'second line', 'third line'];
    const Lines = ({ width }: { width: number }) =>
      React.createElement(Box, { flexDirection: 'column', width }, ...lines.map((line) => React.createElement(Text, { key: line }, line)));
    const app = render(React.createElement(Lines, { width: 40 }), {
      stdout: stdout as unknown as NodeJS.WriteStream,
      incrementalRendering: true,
      patchConsole: false,
      exitOnCtrlC: false,
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    written.length = 0;
    // Wider: Ink itself repaints whole only for a narrower terminal.
    stdout.columns = 61;
    stdout.emit('resize');
    app.rerender(React.createElement(Lines, { width: 41 }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const frames = written.join('').split('\x1b[2J');
    // One frame for the tree as it was, one for the app's own at the new size: each from a cleared screen, whole.
    expect(frames.length).toBe(3);
    for (const frame of frames.slice(1)) for (const line of lines) expect(frame).toContain(line);
    app.unmount();
  });

  it("Ink's output, patched, gives the very frames it gives as npm installs it, frame after frame (property)", async () => {
    interface Output {
      write(x: number, y: number, text: string, options: { transformers: unknown[] }): void;
      clip(clip: { x1?: number; x2?: number; y1?: number; y2?: number }): void;
      unclip(): void;
      get(): { output: string; height: number };
    }
    type OutputClass = new (size: { width: number; height: number }) => Output;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'roleplay-ink-output-'));
    try {
      const bundle = async (name: string, entry: string, plugins: unknown[]) => {
        const outfile = path.join(dir, `${name}.mjs`);
        // What the copy imports besides the patched packages comes from node_modules.
        const nodePaths = [path.join(root, 'node_modules')];
        await build({
          entryPoints: [entry],
          outfile,
          plugins: plugins as never,
          nodePaths,
          bundle: true,
          format: 'esm',
          platform: 'node',
          logLevel: 'error',
        });
        return ((await import(pathToFileURL(outfile).href)) as { default: OutputClass }).default;
      };
      // Ink's output.js and the ansi-tokenize it draws lines with, both patched, against copies without the patches.
      const pristine = pristinePlugin(path.join(dir, 'pristine')) as unknown;
      const Plain = await bundle('plain', path.join(dir, 'pristine', 'node_modules', 'ink', 'build', 'output.js'), [pristine]);
      const Shipped = await bundle('shipped', path.join(root, 'node_modules', 'ink', 'build', 'output.js'), []);
      const piece = fc.constantFrom(
        'a',
        'word',
        ' ',
        '   ',
        '│',
        '漢',
        '👍',
        'e\u0301',
        '\u200B',
        '\x1b[31mred\x1b[39m',
        '\x1b[41m  \x1b[49m',
        '\x1b[1m \x1b[22m',
        '\x1b[2mdim ',
        '\x1b[22m',
        '\n',
        // Escape codes that are not a closed pair: an unclosed bold, a reset, a line erase, a window title, a C1 CSI.
        '\x1b[1m',
        '\x1b[0m',
        '\x1b[2K',
        '\x1b]0;title\x07',
        '\x9b32m',
        '\x1b[1m\x1b[2mboth\x1b[22m',
        // Where the graphemes.js stand-in hands over to ICU: CR LF, a mark after an escape code, a link.
        'a\r\nb',
        '\r',
        '\x1b[31m\u0301',
        '\x1b]8;;https://x.example\x07link\x1b]8;;\x07',
      );
      // Text's transformers as Ink builds them from props: a colour (chalk re-opens it after each inner close), dim.
      const dim = (line: string) => `\x1b[2m${line.replaceAll('\x1b[22m', '\x1b[22m\x1b[2m')}\x1b[22m`;
      const green = (line: string) => `\x1b[32m${line.replaceAll('\x1b[39m', '\x1b[39m\x1b[32m')}\x1b[39m`;
      const transformers = fc.constantFrom<Array<(line: string) => string>>([], [dim], [green], [dim, green], [(line: string) => line.toUpperCase()]);
      const op = fc.oneof(
        fc.record({
          kind: fc.constant('write' as const),
          x: fc.nat(14),
          y: fc.nat(6),
          text: fc.array(piece, { maxLength: 6 }).map((p) => p.join('')),
          transformers,
        }),
        fc.record({
          kind: fc.constant('clip' as const),
          x1: fc.nat(6),
          x2: fc.integer({ min: 6, max: 16 }),
          y1: fc.nat(3),
          y2: fc.integer({ min: 3, max: 8 }),
        }),
        fc.record({ kind: fc.constant('unclip' as const) }),
      );
      // Frame after frame, each drawing what the one before drew and then more, since the patched output keeps a
      // line's cells, slices and rows from one frame to the next: every frame must still be the plain one's.
      const framesOf = fc
        .array(fc.array(op, { maxLength: 12 }), { minLength: 1, maxLength: 3 })
        .map((steps) => steps.map((_, k) => steps.slice(0, k + 1).flat()));
      const draw = (OutputOf: OutputClass, width: number, height: number, ops: Array<typeof op extends fc.Arbitrary<infer T> ? T : never>) => {
        const output = new OutputOf({ width, height });
        let clips = 0;
        for (const o of ops) {
          if (o.kind === 'write') output.write(o.x, o.y, o.text, { transformers: o.transformers });
          else if (o.kind === 'clip') {
            output.clip(o);
            clips++;
          } else if (clips > 0) {
            output.unclip();
            clips--;
          }
        }
        return output.get();
      };
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 8 }), framesOf, (width, height, frames) => {
          for (const ops of frames) expect(draw(Shipped, width, height, ops)).toEqual(draw(Plain, width, height, ops));
        }),
        { numRuns: 3000 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
