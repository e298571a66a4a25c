import { ConfigSchema } from './schema.js';
import { formatPath, resolveParsed, type ConfigIssue, type ResolvedConfig } from './resolve.js';

/** Validates raw config data against the schema, then resolves presets, defaults and references. */
export function resolveConfig(raw: unknown): { config: ResolvedConfig } | { issues: ConfigIssue[] } {
  const parsed = ConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    return { issues: parsed.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })) };
  }
  return resolveParsed(parsed.data);
}
