import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

// Compiled configs are cached in the user's cache folder: the tests use their own, which test/support/globalSetup.ts
// removes when they end.
const cache = mkdtempSync(path.join(tmpdir(), 'roleplay-test-cache-'));
process.env.ROLEPLAY_TEST_CACHE = cache;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores here and in CI: keep the end-to-end tests from starving each other.
    maxWorkers: 2,
    env: { XDG_CACHE_HOME: cache },
    globalSetup: ['test/support/globalSetup.ts'],
    setupFiles: ['test/support/setup.ts'],
    // The usual report, plus a JSON one that .ci/run turns into a plain "N passed, N failed" line.
    reporters: ['default', ['json', { outputFile: 'test-results.json' }]],
  },
});
