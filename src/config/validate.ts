import { ConfigSchema } from './schema.js';
import { configIssues } from './issues.js';
import { resolveParsed, type ConfigIssue, type ResolvedConfig } from './resolve.js';

/** Validates raw config data against the schema, then resolves presets, defaults and references. */
export function resolveConfig(raw: unknown): { config: ResolvedConfig } | { issues: ConfigIssue[] } {
  const data = raw ?? {};
  const parsed = ConfigSchema.safeParse(data);
  if (!parsed.success) return { issues: configIssues(ConfigSchema, data, parsed.error) };
  return resolveParsed(parsed.data);
}
