/**
 * The two shortcuts scripts/build.mjs takes so that the TUI's first frame comes sooner: Ink's layout engine loads
 * without `fetch` (which would pull in undici), and every `string-width` sits behind src/text/simpleWidth.ts with
 * the real one loaded only when a string needs it. (Needs `npm run build`; `npm test` does that.)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

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

describe('start-up shortcuts in the bundle', () => {
  it('loads yoga without calling fetch; yoga on its own would', () => {
    const chunk = Object.entries(meta().outputs).find(([, output]) => output.entryPoint === 'src/ui/runTui.tsx')?.[0];
    expect(chunk).toBeDefined();
    const script = `
      const real = globalThis.fetch;
      let calls = 0;
      globalThis.fetch = (...args) => { calls++; return real(...args); };
      await import(${JSON.stringify(pathToFileURL(path.join(root, String(chunk))).href)});
      const bundled = calls;
      await import('yoga-layout');
      console.log(JSON.stringify({ bundled, plain: calls - bundled }));
    `;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 30_000 });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ bundled: 0, plain: 1 });
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
    for (const [front, { imports }] of fronts) expect(imports.map((i) => i.path), front).toContain('src/text/simpleWidth.ts');
  });
});
