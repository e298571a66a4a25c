import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDotenv } from '../../src/cli/environment.js';
import { tempDir } from '../support/cli.js';
import { UsageError } from '../../src/errors.js';

describe('.env and .env.local', () => {
  it('the shell wins over both; .env.local wins over .env', () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, '.env'), 'OPENAI_API_MODEL=from-env-file\nOPENAI_BASE_URL=http://env-file/v1\nONLY_IN_ENV_FILE=1\n');
    writeFileSync(path.join(cwd, '.env.local'), 'OPENAI_BASE_URL=http://local-file/v1\nONLY_IN_ENV_FILE=2\n');
    const env: NodeJS.ProcessEnv = { OPENAI_API_MODEL: 'from-shell', OPENAI_BASE_URL: 'http://shell/v1' };
    expect(loadDotenv(cwd, env)).toEqual(['.env', '.env.local']);
    expect(env).toEqual({ OPENAI_API_MODEL: 'from-shell', OPENAI_BASE_URL: 'http://shell/v1', ONLY_IN_ENV_FILE: '2' });
  });

  it('a .env that is a folder is one clear error', () => {
    const cwd = tempDir();
    mkdirSync(path.join(cwd, '.env'));
    expect(() => loadDotenv(cwd, {})).toThrow(new UsageError('.env: is not a file: remove it, or make it a file of KEY=value lines'));
  });

  it('no files, no change', () => {
    const env: NodeJS.ProcessEnv = { A: 'b' };
    expect(loadDotenv(tempDir(), env)).toEqual([]);
    expect(env).toEqual({ A: 'b' });
  });
});
