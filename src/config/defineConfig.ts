import type { RoleplayConfig } from './schema.js';

/** Gives a `roleplay.config.ts` type checking and editor completion. Returns the config unchanged. */
export function defineConfig(config: RoleplayConfig): RoleplayConfig {
  return config;
}
