import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDotenv } from '../../src/cli/environment.js';
import { tempDir } from '../support/cli.js';

describe('.env and .env.local, as the seed loaded them', () => {
  it('.env fills what the environment lacks; .env.local overrides both', () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, '.env'), 'OPENAI_API_MODEL=from-env-file\nOPENAI_BASE_URL=http://env-file/v1\nONLY_IN_ENV_FILE=1\n');
    writeFileSync(path.join(cwd, '.env.local'), 'OPENAI_BASE_URL=http://local-file/v1\n');
    const env: NodeJS.ProcessEnv = { OPENAI_API_MODEL: 'from-shell', OPENAI_BASE_URL: 'http://shell/v1' };
    expect(loadDotenv(cwd, env)).toEqual(['.env', '.env.local']);
    expect(env).toEqual({ OPENAI_API_MODEL: 'from-shell', OPENAI_BASE_URL: 'http://local-file/v1', ONLY_IN_ENV_FILE: '1' });
  });

  it('no files, no change', () => {
    const env: NodeJS.ProcessEnv = { A: 'b' };
    expect(loadDotenv(tempDir(), env)).toEqual([]);
    expect(env).toEqual({ A: 'b' });
  });
});
