/**
 * `--help`, `--version`, `validate` and `init` must start fast: they may load neither Ink, React nor openai.
 * Each command runs the built CLI under a loader hook that records every module file it loads; the test fails if
 * one of them holds code bundled from those packages. (Needs `npm run build`; `npm test` does that.)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'dist', 'cli.js');
/** esbuild leaves a `// node_modules/<package>/...` comment before each bundled file. */
const FORBIDDEN = ['ink', 'react', 'react-reconciler', 'yoga-layout', 'openai'];
const marker = (name: string) => new RegExp(`^// node_modules/${name}/`, 'm');

let dir: string;
let hook: string;

beforeAll(() => {
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first');
  dir = mkdtempSync(path.join(os.tmpdir(), 'roleplay-lazy-'));
  // Records each file: URL the process loads (import or require) into $LOADED, one per line.
  writeFileSync(
    path.join(dir, 'hooks.mjs'),
    `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(process.env.LOADED, url + '\\n');
  return next(url, context);
}
`,
  );
  hook = path.join(dir, 'register.mjs');
  writeFileSync(
    hook,
    `import { register } from 'node:module';
register(${JSON.stringify(pathToFileURL(path.join(dir, 'hooks.mjs')).href)});
`,
  );
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function loadedBy(args: string[], cwd: string): { files: string[]; status: number | null; stdout: string } {
  const loaded = path.join(dir, `loaded-${args.join('-')}.txt`);
  const result = spawnSync(process.execPath, ['--import', hook, cli, ...args], {
    cwd,
    env: { ...process.env, LOADED: loaded, OPENAI_API_KEY: '', OPENAI_BASE_URL: '' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  const files = existsSync(loaded)
    ? [...new Set(readFileSync(loaded, 'utf8').trim().split('\n').filter(Boolean))].map((url) => fileURLToPath(url))
    : [];
  return { files, status: result.status, stdout: result.stdout };
}

describe('lazy loading: the quick commands load no UI and no HTTP client', () => {
  const cases: Array<[string, string[]]> = [
    ['--help', ['--help']],
    ['--version', ['--version']],
    ['validate', ['validate']],
    ['init', ['init']],
  ];
  it.each(cases)('%s loads neither ink, react nor openai', (_name, args) => {
    const cwd = mkdtempSync(path.join(dir, 'cwd-'));
    const { files, status } = loadedBy(args, cwd);
    expect(status).toBe(0);
    expect(files).toContain(cli);
    const offenders: string[] = [];
    for (const file of files) {
      if (file.includes(`${path.sep}node_modules${path.sep}`)) {
        if (FORBIDDEN.some((name) => file.includes(`${path.sep}node_modules${path.sep}${name}${path.sep}`))) offenders.push(file);
        continue;
      }
      const text = readFileSync(file, 'utf8');
      for (const name of FORBIDDEN) if (marker(name).test(text)) offenders.push(`${path.relative(root, file)} (${name})`);
    }
    expect(offenders).toEqual([]);
  });

  it('the markers it looks for are there in the chunks that do load them', () => {
    const chunks = path.join(root, 'dist', 'chunks');
    const chunk = (prefix: string) => readFileSync(path.join(chunks, String(readdirSync(chunks).find((f) => f.startsWith(prefix)))), 'utf8');
    const tui = chunk('runTui-');
    expect(marker('ink').test(tui)).toBe(true);
    expect(marker('react').test(tui)).toBe(true);
    expect(marker('openai').test(chunk('openaiProvider-'))).toBe(true);
  });
});
