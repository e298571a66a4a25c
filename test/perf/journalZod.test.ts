/**
 * The journal reader validates with zod; a run without a config file must still load no zod (start-up time).
 * Runs the built CLI under a loader hook that records the files it loads, and looks each up in the build's
 * metafile. (Needs `npm run build`; `npm test` does that.)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'dist', 'cli.js');

/** The built files that hold zod's code. */
function zodFiles(): string[] {
  const meta = JSON.parse(readFileSync(path.join(root, 'dist', 'meta.json'), 'utf8')) as {
    outputs: Record<string, { inputs: Record<string, unknown> }>;
  };
  return Object.entries(meta.outputs)
    .filter(([, output]) => Object.keys(output.inputs).some((input) => /node_modules\/zod\//.test(input)))
    .map(([file]) => path.join(root, file));
}

function loadedBy(args: string[], cwd: string): string[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'roleplay-zod-'));
  writeFileSync(
    path.join(dir, 'hooks.mjs'),
    `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(process.env.LOADED, url + '\\n');
  return next(url, context);
}
`,
  );
  writeFileSync(
    path.join(dir, 'register.mjs'),
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(path.join(dir, 'hooks.mjs')).href)});\n`,
  );
  const loaded = path.join(dir, 'loaded.txt');
  const result = spawnSync(process.execPath, ['--import', path.join(dir, 'register.mjs'), cli, ...args], {
    cwd,
    env: { ...process.env, LOADED: loaded, OPENAI_API_KEY: '', OPENAI_BASE_URL: '' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(result.status, result.stderr).toBe(0);
  return existsSync(loaded)
    ? readFileSync(loaded, 'utf8')
        .trim()
        .split('\n')
        .map((url) => fileURLToPath(url))
    : [];
}

describe('zod stays out of a run', () => {
  it('a demo run without a config file loads no zod; listing its session does', () => {
    if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first');
    const zod = zodFiles();
    expect(zod.length).toBeGreaterThan(0);
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'roleplay-zod-run-'));
    const run = loadedBy(['--demo-instant', '--max-turns', '1', 'a task'], cwd);
    expect(run.filter((file) => zod.includes(file))).toEqual([]);
    expect(loadedBy(['sessions'], cwd).some((file) => zod.includes(file))).toBe(true);
  });
});
