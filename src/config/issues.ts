/** zod's issues as config issues: the field path, "is missing" for an absent field, "did you mean" for a near miss. */
import * as z from 'zod';
import { didYouMean } from '../text/suggest.js';
import { formatPath, type ConfigIssue } from './resolve.js';

/** The schema that describes the value at `path`, as far as the path can be followed. */
function schemaAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let current: z.ZodType | undefined = schema;
  for (const part of [...path, undefined]) {
    while (current instanceof z.ZodOptional) current = current.unwrap() as z.ZodType;
    if (part === undefined || current === undefined) return current;
    if (current instanceof z.ZodObject) current = (current.shape as Record<string, z.ZodType>)[String(part)];
    else if (current instanceof z.ZodArray) current = current.element as z.ZodType;
    else if (current instanceof z.ZodRecord) current = current.valueType as z.ZodType;
    else return undefined;
  }
  return current;
}

/** Whether `path` names a key that the user's data does not have at all. */
function isAbsent(data: unknown, path: readonly PropertyKey[]): boolean {
  let parent: unknown = data;
  for (const part of path.slice(0, -1)) {
    if (typeof parent !== 'object' || parent === null) return false;
    parent = (parent as Record<PropertyKey, unknown>)[part];
  }
  const last = path[path.length - 1];
  return last !== undefined && typeof parent === 'object' && parent !== null && !(last in parent);
}

export function configIssues(schema: z.ZodType, data: unknown, error: z.ZodError): ConfigIssue[] {
  return error.issues.flatMap((issue): ConfigIssue[] => {
    if (issue.code === 'unrecognized_keys') {
      const object = schemaAt(schema, issue.path);
      const known = object instanceof z.ZodObject ? Object.keys(object.shape) : [];
      return issue.keys.map((key) => ({
        path: formatPath([...issue.path, key]),
        message: `unknown key "${key}"${didYouMean(key, known) || (known.length ? ` (known: ${known.join(', ')})` : '')}`,
      }));
    }
    if (issue.code === 'invalid_type' && isAbsent(data, issue.path)) {
      return [{ path: formatPath(issue.path), message: `is missing (expected ${issue.expected})` }];
    }
    if (issue.code === 'invalid_value' && issue.values.every((v) => typeof v === 'string')) {
      const values = issue.values;
      const given = getAt(data, issue.path);
      const hint = typeof given === 'string' ? didYouMean(given, values) : '';
      return [{ path: formatPath(issue.path), message: `must be one of ${values.map((v) => `"${v}"`).join(', ')}${hint}` }];
    }
    return [{ path: formatPath(issue.path), message: issue.message.replace(/^Invalid input: /, '') }];
  });
}

function getAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let value = data;
  for (const part of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}
