import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(ROOT, 'dist', 'cli.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface RunOptions {
  cwd: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** Runs the built CLI with pipes (so it is headless) in `cwd`, with a clean OpenAI environment. */
export function runCli(args: string[], options: RunOptions): Promise<CliResult> {
  return run(process.execPath, [CLI, ...args], args.join(' '), options);
}

const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

/**
 * Runs a command line that the CLI printed (`roleplay --resume ...`) through `sh`, as a person pasting it would, with
 * `roleplay` standing for the built CLI and `more` appended (already quoted for the shell).
 */
export function runPrinted(command: string, more: string, options: RunOptions): Promise<CliResult> {
  if (!command.startsWith('roleplay ')) throw new Error(`not a roleplay command: ${command}`);
  const line = `${quote(process.execPath)} ${quote(CLI)} ${command.slice('roleplay '.length)} ${more}`;
  return run('sh', ['-c', line], line, options);
}

function run(file: string, args: string[], what: string, options: RunOptions): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OPENAI_MODEL', 'OPENAI_API_MODEL']) delete env[key];
  Object.assign(env, options.env);
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`roleplay ${what} timed out\nstdout: ${stdout.slice(-2000)}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 20_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export function tempDir(prefix = 'roleplay-e2e-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** The one session directory a run wrote under `<cwd>/.roleplay/sessions`. */
export function sessionDir(cwd: string, out = '.roleplay'): string {
  const root = path.join(cwd, out, 'sessions');
  const [id, ...more] = readdirSync(root);
  if (!id || more.length) throw new Error(`expected one session in ${root}, found ${readdirSync(root).join(', ')}`);
  return path.join(root, id);
}
