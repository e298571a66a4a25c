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
const FORBIDDEN = ['ink', 'react', 'react-reconciler', 'yoga-layout', 'openai'];

/** The packages bundled into a built file, from the build's metafile (minified code names none). */
function packagesIn(file: string): Set<string> {
  const meta = JSON.parse(readFileSync(path.join(root, 'dist', 'meta.json'), 'utf8')) as {
    outputs: Record<string, { inputs: Record<string, unknown> }>;
  };
  const output = meta.outputs[path.relative(root, file).split(path.sep).join('/')];
  const names = Object.keys(output?.inputs ?? {}).flatMap((input) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1] ?? []);
  return new Set(names);
}

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
      const bundled = packagesIn(file);
      for (const name of FORBIDDEN) if (bundled.has(name)) offenders.push(`${path.relative(root, file)} (${name})`);
    }
    expect(offenders).toEqual([]);
  });

  it('--version on its own loads no package at all, not even the command parser', () => {
    const cwd = mkdtempSync(path.join(dir, 'cwd-'));
    const { files, status, stdout } = loadedBy(['--version'], cwd);
    expect(status).toBe(0);
    expect(stdout).toMatch(/^\d+\.\d+\.\d+/);
    expect(files.filter((file) => file.includes(`${path.sep}node_modules${path.sep}`))).toEqual([]);
    expect(files.flatMap((file) => [...packagesIn(file)])).toEqual([]);
    // --help needs the parser: the same check would see commander there.
    expect(loadedBy(['--help'], cwd).files.flatMap((file) => [...packagesIn(file)])).toContain('commander');
  });

  it('the packages it looks for are there in the chunks that do load them', () => {
    const chunks = path.join(root, 'dist', 'chunks');
    const chunk = (prefix: string) => path.join(chunks, String(readdirSync(chunks).find((f) => f.startsWith(prefix))));
    // The TUI's chunk shares Ink and React with the cast's (replay --cast): they sit in a chunk both import.
    const meta = JSON.parse(readFileSync(path.join(root, 'dist', 'meta.json'), 'utf8')) as {
      outputs: Record<string, { imports: Array<{ path: string; kind: string }>; inputs: Record<string, unknown> }>;
    };
    const withImports = (file: string, seen = new Set<string>()): Set<string> => {
      const key = path.relative(root, file).split(path.sep).join('/');
      if (seen.has(key)) return new Set();
      seen.add(key);
      const names = new Set(packagesIn(file));
      for (const imported of meta.outputs[key]?.imports ?? []) {
        if (imported.kind === 'import-statement' && imported.path.startsWith('dist/')) {
          for (const name of withImports(path.join(root, imported.path), seen)) names.add(name);
        }
      }
      return names;
    };
    const tui = withImports(chunk('runTui-'));
    expect(withImports(chunk('asciicast-')).has('ink')).toBe(true);
    expect(tui.has('ink')).toBe(true);
    expect(tui.has('react')).toBe(true);
    // The openai package is shared by the providers and the doctor: it sits in a chunk they all import.
    for (const user of ['openaiProvider-', 'responsesProvider-', 'doctorCommand-']) expect(withImports(chunk(user)).has('openai')).toBe(true);
    // What the TUI loads before its first frame (the run's chunk and the TUI's, with what they import) holds no
    // Markdown renderer, no syntax colours and no zod: the renderer loads after the first frame, zod with a resume
    // or the branch list. Their chunks still have them.
    const holding = (source: string) => {
      const output = Object.entries(meta.outputs).find(([, o]) => source in o.inputs);
      return path.join(root, String(output?.[0]));
    };
    const beforeFirstFrame = new Set([...withImports(holding('src/cli/runCommand.ts')), ...tui]);
    expect(beforeFirstFrame.has('ink')).toBe(true);
    for (const name of ['marked', 'highlight.js', 'zod']) expect(beforeFirstFrame.has(name)).toBe(false);
    expect(withImports(holding('src/ui/markdownRender.ts')).has('marked')).toBe(true);
    expect(withImports(holding('src/ui/markdownRender.ts')).has('highlight.js')).toBe(true);
    expect(withImports(holding('src/ui/branchFamily.ts')).has('zod')).toBe(true);
  });

  it("loads the TUI's chunk with DEV=true, Ink's switch for React DevTools, which the bundle does not ship", () => {
    const meta = JSON.parse(readFileSync(path.join(root, 'dist', 'meta.json'), 'utf8')) as {
      outputs: Record<string, { entryPoint?: string }>;
    };
    const tui = Object.entries(meta.outputs).find(([, output]) => output.entryPoint === 'src/ui/runTui.tsx')?.[0];
    expect(tui).toBeDefined();
    const script = `await import(${JSON.stringify(pathToFileURL(path.join(root, String(tui))).href)}); console.log('loaded');`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, DEV: 'true' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    // It stopped with "ENOENT: ... dist/package.json" (Ink reads its version there), then "initialize is not a function".
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('loaded');
  });

  it('the TUI comes up from few files: the modules of the run path share a chunk (scripts/sharedRunPath.mjs)', () => {
    // Node's ESM loader resolves, reads, links and evaluates each file on its own: 42 files before the TUI's first
    // frame made it 10-12 ms later than 16 do.
    const meta = JSON.parse(readFileSync(path.join(root, 'dist', 'meta.json'), 'utf8')) as {
      outputs: Record<string, { imports: Array<{ path: string; kind: string }>; entryPoint?: string }>;
    };
    const entry = (source: string) => String(Object.entries(meta.outputs).find(([, output]) => output.entryPoint === source)?.[0]);
    const files = new Set<string>();
    const visit = (file: string) => {
      if (files.has(file) || !meta.outputs[file]) return;
      files.add(file);
      for (const imported of meta.outputs[file].imports) if (imported.kind === 'import-statement') visit(imported.path);
    };
    // The entry, main (loaded by import()), the run command (import() from main), the TUI (import() from the run).
    for (const file of ['dist/cli.js', entry('src/cli/main.ts'), entry('src/cli/commands.ts'), entry('src/ui/runTui.tsx')]) visit(file);
    expect(files.size).toBeGreaterThan(3);
    expect(files.size).toBeLessThanOrEqual(18);
  });
});
