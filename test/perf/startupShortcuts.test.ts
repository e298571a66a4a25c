/**
 * The shortcuts scripts/bundlePlugins.mjs takes so that the TUI's frames come sooner: Ink's layout engine loads
 * without `fetch` (which would pull in undici), every `string-width` sits behind src/text/simpleWidth.ts with the
 * real one loaded only when a string needs it, the modules Ink draws lines through segment them without ICU (which
 * costs 20-30 ms to set up) unless a string needs it, and Ink's output skips work that cannot change a frame.
 * (Needs `npm run build`; `npm test` does that.)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM build script, no types
import { bundlePlugins } from '../../scripts/bundlePlugins.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Meta {
  inputs: Record<string, { imports: Array<{ path: string; kind: string }> }>;
  outputs: Record<string, { entryPoint?: string }>;
}

function meta(): Meta {
  const file = path.join(root, 'dist', 'meta.json');
  if (!existsSync(file)) throw new Error('dist/meta.json is missing: run `npm run build` first');
  return JSON.parse(readFileSync(file, 'utf8')) as Meta;
}

/**
 * In a fresh node: `setup`, which counts something in `count`, then the shipped TUI chunk loads, then `plainPackage`
 * as node_modules has it. What each of the two loads added to the count.
 */
function countWhileLoading(setup: string, plainPackage: string): { bundled: number; plain: number } {
  const chunk = Object.entries(meta().outputs).find(([, output]) => output.entryPoint === 'src/ui/runTui.tsx')?.[0];
  expect(chunk).toBeDefined();
  const script = `
    let count = 0;
    ${setup}
    await import(${JSON.stringify(pathToFileURL(path.join(root, String(chunk))).href)});
    const bundled = count;
    await import(${JSON.stringify(plainPackage)});
    console.log(JSON.stringify({ bundled, plain: count - bundled }));
  `;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 30_000 });
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as { bundled: number; plain: number };
}

describe('start-up shortcuts in the bundle', () => {
  it('loads yoga without calling fetch; yoga on its own would', () => {
    const setup = `
      const real = globalThis.fetch;
      globalThis.fetch = (...args) => { count++; return real(...args); };
    `;
    expect(countWhileLoading(setup, 'yoga-layout')).toEqual({ bundled: 0, plain: 1 });
  });

  it('makes no Intl object while the TUI loads; Ink on its own makes several', () => {
    // The first Intl object of a process costs it 20-30 ms of ICU set-up (src/text/graphemes.ts).
    const setup = `
      for (const name of ['Segmenter', 'NumberFormat', 'DateTimeFormat', 'Collator', 'PluralRules']) {
        Intl[name] = new Proxy(Intl[name], { construct(target, args) { count++; return Reflect.construct(target, args); } });
      }
    `;
    const { bundled, plain } = countWhileLoading(setup, 'ink');
    expect(bundled).toBe(0);
    expect(plain).toBeGreaterThan(1);
  });

  it('puts the fast path in front of every string-width, and reaches the real one only by a lazy require', () => {
    const { inputs } = meta();
    // The real copies: files under node_modules, not the fronts the plugin puts before them.
    const copies = Object.keys(inputs).filter((input) => /^node_modules\/(.*\/)?string-width\/index\.js$/.test(input));
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) {
      const importers = Object.entries(inputs).flatMap(([input, { imports }]) =>
        imports.filter((i) => i.path === copy).map((i) => ({ input, kind: i.kind })),
      );
      expect(importers.length, copy).toBeGreaterThan(0);
      for (const { input, kind } of importers) {
        expect(input.startsWith('string-width-fast-path:'), `${copy} is imported by ${input}`).toBe(true);
        expect(kind).toBe('require-call');
      }
    }
    const fronts = Object.entries(inputs).filter(([input]) => input.startsWith('string-width-fast-path:'));
    for (const [front, { imports }] of fronts)
      expect(
        imports.map((i) => i.path),
        front,
      ).toContain('src/text/simpleWidth.ts');
  });

  it("gives the very frames Ink's own output gives, with its shortcuts (property)", async () => {
    interface Output {
      write(x: number, y: number, text: string, options: { transformers: unknown[] }): void;
      clip(clip: { x1?: number; x2?: number; y1?: number; y2?: number }): void;
      unclip(): void;
      get(): { output: string; height: number };
    }
    type OutputClass = new (size: { width: number; height: number }) => Output;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'roleplay-ink-output-'));
    try {
      const entry = path.join(root, 'node_modules', 'ink', 'build', 'output.js');
      const bundle = async (name: string, plugins: unknown[]) => {
        const outfile = path.join(dir, `${name}.mjs`);
        await build({ entryPoints: [entry], outfile, bundle: true, format: 'esm', platform: 'node', plugins: plugins as never, logLevel: 'error' });
        return ((await import(pathToFileURL(outfile).href)) as { default: OutputClass }).default;
      };
      const Plain = await bundle('plain', []);
      const Shipped = await bundle('shipped', bundlePlugins);
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
        // Where graphemes.ts hands over to ICU: CR LF, a mark after an escape code, a link.
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
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 8 }), fc.array(op, { maxLength: 12 }), (width, height, ops) => {
          const frames = [Plain, Shipped].map((OutputOf) => {
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
          });
          expect(frames[1]).toEqual(frames[0]);
        }),
        { numRuns: 3000 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
