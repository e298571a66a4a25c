// `npm run pack-check`: what a user gets from `npm install -g`. Packs the package as `npm publish` would, installs
// the tarball globally into a temporary prefix (the registry is needed only for the dependencies), and runs the
// installed `roleplay`: --version, a headless demo run, a config that imports from 'roleplay', and the shipped
// example session. Everything lives in one temp folder, removed at the end. CI runs it after the tests.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const tmp = mkdtempSync(path.join(os.tmpdir(), 'roleplay-pack-'));
const started = Date.now();
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

// The installed CLI must not reach a real model, whatever this environment sets.
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^OPENAI_/.test(name)));
env.XDG_CACHE_HOME = path.join(tmp, 'cache');

function run(label, command, args, { cwd = tmp, expect = 0 } = {}) {
  const t0 = Date.now();
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Date.now() - t0;
  if (result.error || result.status !== expect) {
    console.error(`pack check: ${label}: exit ${result.status ?? result.error}, expected ${expect}`);
    console.error(result.stdout.slice(-4000), result.stderr.slice(-4000));
    process.exit(1);
  }
  console.log(`pack check: ${label} (${ms} ms)`);
  return result.stdout;
}

function expectIn(label, text, wanted) {
  if (!text.includes(wanted)) {
    console.error(`pack check: ${label}: expected ${JSON.stringify(wanted)} in:\n${text.slice(-2000)}`);
    process.exit(1);
  }
}

// `npm pack` runs `prepare` (patch-package, which prints what it applied before the JSON) and `prepack`, which builds dist/.
const packOutput = run('npm pack', 'npm', ['pack', '--json', '--pack-destination', tmp, root], { cwd: root });
const packed = JSON.parse(packOutput.slice(packOutput.search(/^\[/m)));
const tarball = path.join(tmp, packed[0].filename);
const files = packed[0].files.map((f) => f.path);
for (const wanted of ['dist/cli.js', 'dist/index.js', 'src/index.ts', 'examples/software-company/events.jsonl', 'README.md']) {
  if (!files.includes(wanted)) {
    console.error(`pack check: the tarball lacks ${wanted}`);
    process.exit(1);
  }
}
console.log(`pack check: ${packed[0].filename}: ${files.length} files, ${(packed[0].size / 1024).toFixed(0)} KB`);

const prefix = path.join(tmp, 'prefix');
run('npm install -g --prefix', 'npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', '--prefer-offline', tarball]);
const bin = path.join(prefix, 'bin', 'roleplay');
if (!existsSync(bin)) {
  console.error(`pack check: no ${bin} after the install`);
  process.exit(1);
}

const version = run('roleplay --version', bin, ['--version']).trim();
if (version !== pkg.version) {
  console.error(`pack check: roleplay --version printed ${JSON.stringify(version)}, expected ${pkg.version}`);
  process.exit(1);
}

// A folder with no node_modules, as a user's project would be.
const work = path.join(tmp, 'work');
mkdirSync(work);
const demo = run('headless demo run', bin, ['--demo', '--demo-instant', '--max-turns', '1', 'x'], { cwd: work });
expectIn('headless demo run', demo, 'Run completed');
const sessions = readdirSync(path.join(work, '.roleplay', 'sessions'));
if (sessions.length !== 1) {
  console.error(`pack check: the demo run wrote ${sessions.length} sessions, expected 1`);
  process.exit(1);
}

// `import { defineConfig } from 'roleplay'` resolves to the installed package itself, with no local node_modules.
writeFileSync(
  path.join(work, 'roleplay.config.ts'),
  "import { defineConfig } from 'roleplay';\nconst turns: number = 2;\nexport default defineConfig({ preset: 'software-company', maxTurns: turns });\n",
);
expectIn('roleplay validate with a TypeScript config', run('roleplay validate', bin, ['validate'], { cwd: work }), 'roleplay.config.ts');

const replay = run('roleplay replay example', bin, ['replay', 'example', '--headless', '--speed', '100000'], { cwd: work });
expectIn('roleplay replay example', replay, 'Design (Modalities)');

console.log(`pack check: ok in ${((Date.now() - started) / 1000).toFixed(1)} s`);
