import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'dotenv';
import { UsageError } from '../errors.js';

/**
 * Loads `.env` then `.env.local` from the working directory. What the shell set wins over both; `.env.local` wins
 * over `.env`. A file that cannot be read (a folder, no permission) is a UsageError.
 */
export function loadDotenv(cwd: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const fromShell = new Set(Object.keys(env).filter((key) => env[key] !== undefined));
  const loaded: string[] = [];
  for (const file of ['.env', '.env.local']) {
    const full = path.join(cwd, file);
    if (!existsSync(full)) continue;
    if (!statSync(full).isFile()) throw new UsageError(`${file}: is not a file: remove it, or make it a file of KEY=value lines`);
    let text: Buffer;
    try {
      text = readFileSync(full);
    } catch (error) {
      throw new UsageError(`${file}: cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    for (const [key, value] of Object.entries(parse(text))) {
      if (!fromShell.has(key)) env[key] = value;
    }
    loaded.push(file);
  }
  return loaded;
}
