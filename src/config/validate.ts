import { ConfigSchema } from './schema.js';
import { configIssues } from './issues.js';
import { resolveParsed, type ConfigIssue } from './resolve.js';

/** Validates raw config data against the schema, then resolves presets, defaults and references. */
export function resolveConfig(raw: unknown): ReturnType<typeof resolveParsed> | { issues: ConfigIssue[] } {
  const data = raw ?? {};
  const parsed = ConfigSchema.safeParse(data);
  if (!parsed.success) return { issues: configIssues(ConfigSchema, data, parsed.error) };
  return resolveParsed(parsed.data);
}
