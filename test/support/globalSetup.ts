import { rmSync } from 'node:fs';

/** Removes the cache folder vitest.config.ts made for the run's compiled configs, once every test has ended. */
export default function setup(): () => void {
  return () => {
    const cache = process.env.ROLEPLAY_TEST_CACHE;
    if (cache) rmSync(cache, { recursive: true, force: true });
  };
}
