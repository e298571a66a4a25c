import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'dotenv';

/**
 * Loads `.env` then `.env.local` from the working directory, as the seed notebook did: `.env` does not
 * override the environment, `.env.local` does.
 */
export function loadDotenv(cwd: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const loaded: string[] = [];
  for (const [file, override] of [
    ['.env', false],
    ['.env.local', true],
  ] as const) {
    const full = path.join(cwd, file);
    if (!existsSync(full)) continue;
    const values = parse(readFileSync(full));
    for (const [key, value] of Object.entries(values)) {
      if (override || env[key] === undefined) env[key] = value;
    }
    loaded.push(file);
  }
  return loaded;
}
