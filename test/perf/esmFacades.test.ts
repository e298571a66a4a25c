/**
 * scripts/esmFacades.mjs: the bundle binds React through one ES module with named exports, not through a getter
 * copy of React's exports in every module that imports it (what esbuild does for a CommonJS package).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM build script, no types
import { esmFacades } from '../../scripts/esmFacades.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Three modules that import React (one of them the JSX runtime too), bundled; the code and what running it prints. */
async function bundle(plugins: Plugin[]): Promise<{ code: string; printed: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'roleplay-facades-'));
  try {
    writeFileSync(path.join(dir, 'a.mjs'), `import { useState } from 'react';\nexport const a = useState;\n`);
    writeFileSync(path.join(dir, 'b.mjs'), `import React from 'react';\nexport const b = React.useState;\n`);
    writeFileSync(
      path.join(dir, 'entry.mjs'),
      [
        `import * as R from 'react';`,
        `import { jsx } from 'react/jsx-runtime';`,
        `import { a } from './a.mjs';`,
        `import { b } from './b.mjs';`,
        `const element = jsx('x', { id: 1 });`,
        `console.log(JSON.stringify([a === b, a === R.useState, R.default.useState === a, element.type, element.props.id, typeof R.version]));`,
      ].join('\n'),
    );
    const result = await build({
      entryPoints: [path.join(dir, 'entry.mjs')],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      nodePaths: [path.join(root, 'node_modules')],
      define: { 'process.env.NODE_ENV': '"production"' },
      plugins,
      logLevel: 'error',
    });
    const code = result.outputFiles[0]!.text;
    const file = path.join(dir, 'out.mjs');
    writeFileSync(file, code);
    const run = spawnSync(process.execPath, [file], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    return { code, printed: run.stdout.trim() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const reactCopies = (code: string): number => code.match(/__toESM\(require_react\(\)/g)?.length ?? 0;

describe('esmFacades', () => {
  it('binds every importer of React to one module of named exports, and they are React’s own', async () => {
    const facaded = await bundle([esmFacades(root)]);
    expect(reactCopies(facaded.code)).toBe(1);
    expect(JSON.parse(facaded.printed)).toEqual([true, true, true, 'x', 1, 'string']);
    // Without it, each importing module gets its own copy (the entry, a and b).
    const plain = await bundle([]);
    expect(reactCopies(plain.code)).toBe(3);
    expect(JSON.parse(plain.printed)).toEqual([true, true, true, 'x', 1, 'string']);
  });
});
