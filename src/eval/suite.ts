/**
 * An eval suite: tasks x variants x repeats, and the checks every run must pass. Written in YAML or JSON and
 * validated with zod; every mistake is one line that names the file and the field, e.g.
 * `suite.yaml: variants[1].config: file not found`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod';
import { parse as parseYaml } from 'yaml';
import { ConfigSchema } from '../config/schema.js';
import { formatPath } from '../config/resolve.js';
import { UsageError } from '../errors.js';

const nonEmpty = z.string().trim().min(1, 'must not be empty');
const name = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .regex(/^[^\s/\\][^/\\]*$/, 'must not hold a slash, nor start with a space');
const count = (most: number) => z.number().int('must be a whole number').min(1, 'must be at least 1').max(most, `must be at most ${most}`);

/** `contains` a text, or `matches` a regular expression (`"^# Manual"` or `"/manual/i"`), in one artifact. */
const ArtifactCheckSchema = z
  .strictObject({ artifact: nonEmpty, contains: z.string().min(1).optional(), matches: z.string().min(1).optional() })
  .refine((check) => (check.contains === undefined) !== (check.matches === undefined), 'give one of "contains" or "matches"');

const ChecksSchema = z.strictObject({
  /** Every conversation ended by END CONVERSATION (not its turn limit, a skip or a failure). */
  endConversation: z.boolean().optional(),
  /** At most this many replies in the whole run. */
  maxTurns: count(100_000).optional(),
  /** At most this much in USD; the run is also stopped there. */
  maxCostUsd: z.number().positive('must be above 0').optional(),
  artifacts: z.array(ArtifactCheckSchema).optional(),
  /** JavaScript or TypeScript files whose default export checks a run. */
  scripts: z.array(nonEmpty).optional(),
});

const TaskSchema = z.union([nonEmpty, z.strictObject({ name: name.optional(), task: nonEmpty, checks: ChecksSchema.optional() })]);

const VariantSchema = z.strictObject({
  name: name.optional(),
  /** A config file, relative to the suite (default: the built-in software company). */
  config: nonEmpty.optional(),
  /** Prompt templates that replace the config's. */
  prompts: ConfigSchema.shape.prompts,
  model: nonEmpty.optional(),
  baseUrl: nonEmpty.optional(),
  demo: z.boolean().optional(),
  maxTurns: count(1000).optional(),
  context: z.enum(['thread', 'scoped']).optional(),
});

const SuiteSchema = z.strictObject({
  name: name.optional(),
  repeats: count(1000).optional(),
  tasks: z.array(TaskSchema).min(1, 'a suite needs at least one task'),
  variants: z.array(VariantSchema).min(1, 'give at least one variant, or leave "variants" out').optional(),
  checks: ChecksSchema.optional(),
});

export type ChecksInput = z.output<typeof ChecksSchema>;
export type VariantInput = z.output<typeof VariantSchema>;

export interface ArtifactCheck {
  artifact: string;
  contains?: string | undefined;
  matches?: RegExp | undefined;
  /** As written, for the report. */
  text: string;
}

export interface Checks {
  endConversation: boolean;
  maxTurns: number | undefined;
  maxCostUsd: number | undefined;
  artifacts: ArtifactCheck[];
  /** Absolute paths, with the field that named each (for errors). */
  scripts: Array<{ file: string; field: string }>;
}

export interface SuiteTask {
  name: string;
  task: string;
  checks: Checks;
}

export interface SuiteVariant extends Omit<VariantInput, 'config'> {
  name: string;
  /** Absolute path of the config file. */
  config: string | undefined;
  /** Where it stands in the suite, for errors: `variants[1]`. */
  field: string;
}

export interface Suite {
  name: string;
  file: string;
  repeats: number;
  tasks: SuiteTask[];
  variants: SuiteVariant[];
  checks: Checks;
}

/** `/text/flags` as a regular expression with flags, anything else as the source of one. */
function regex(text: string, field: string, fail: (field: string, message: string) => never): RegExp {
  const slashed = /^\/(.*)\/([a-z]*)$/s.exec(text);
  try {
    return slashed ? new RegExp(slashed[1] ?? '', slashed[2]) : new RegExp(text);
  } catch (error) {
    return fail(
      field,
      `not a regular expression: ${error instanceof Error ? error.message.replace(/^Invalid regular expression: /, '') : String(error)}`,
    );
  }
}

function resolveChecks(input: ChecksInput | undefined, field: string, dir: string, fail: (field: string, message: string) => never): Checks {
  const artifacts = (input?.artifacts ?? []).map((check, i): ArtifactCheck => {
    const at = `${field}.artifacts[${i}]`;
    if (check.matches !== undefined) {
      return { artifact: check.artifact, matches: regex(check.matches, `${at}.matches`, fail), text: `matches ${check.matches}` };
    }
    return { artifact: check.artifact, contains: check.contains, text: `contains ${JSON.stringify(check.contains)}` };
  });
  const scripts = (input?.scripts ?? []).map((file, i) => {
    const at = `${field}.scripts[${i}]`;
    const absolute = path.resolve(dir, file);
    if (!existsSync(absolute)) fail(at, 'file not found');
    if (!/\.(m|c)?(j|t)s$/.test(absolute)) fail(at, 'must be a .js, .mjs, .ts or .mts file');
    return { file: absolute, field: at };
  });
  return { endConversation: input?.endConversation ?? false, maxTurns: input?.maxTurns, maxCostUsd: input?.maxCostUsd, artifacts, scripts };
}

/** The suite as data, from YAML or JSON text; `shown` names the file in errors. */
export function parseSuite(text: string, file: string, shown: string): Suite {
  const fail = (field: string, message: string): never => {
    throw new UsageError(`${shown}: ${field}: ${message}`);
  };
  let raw: unknown;
  try {
    raw = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text, { prettyErrors: true });
  } catch (error) {
    const message = ((error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'cannot be read').replace(/:$/, '');
    throw new UsageError(`${shown}: not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${message}`);
  }
  if (raw === null || raw === undefined) throw new UsageError(`${shown}: is empty: give "tasks" (and "variants", "checks")`);
  const parsed = SuiteSchema.safeParse(raw);
  if (!parsed.success) {
    let issue = parsed.error.issues[0];
    let prefix: PropertyKey[] = [];
    // A task is a text or an object: what is wrong with it is what is wrong with the object.
    while (issue?.code === 'invalid_union') {
      const branch = issue.errors.find((errors) => errors[0]?.code !== 'invalid_type') ?? issue.errors.at(-1);
      if (!branch?.[0]) break;
      prefix = [...prefix, ...issue.path];
      issue = branch[0];
    }
    const where = formatPath([...prefix, ...(issue?.path ?? [])], '(suite)');
    let message = issue?.message.replace(/^Invalid input: /, '') ?? 'is not valid';
    if (issue?.code === 'unrecognized_keys')
      message = `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    if (issue?.code === 'invalid_type' && /received undefined/.test(issue.message)) message = 'is missing';
    else if (issue?.code === 'invalid_type') message = message.replace(/^expected (\w+), received (\w+)$/, 'expected $1, got $2');
    return fail(where, message);
  }
  const dir = path.dirname(file);
  const data = parsed.data;
  const tasks = data.tasks.map((entry, i): SuiteTask => {
    const task = typeof entry === 'string' ? { task: entry } : entry;
    const taskName = ('name' in task && task.name) || `task-${i + 1}`;
    return { name: taskName, task: task.task, checks: resolveChecks('checks' in task ? task.checks : undefined, `tasks[${i}].checks`, dir, fail) };
  });
  unique(tasks, 'tasks', fail);
  const variants = (data.variants ?? [{}]).map((variant, i): SuiteVariant => {
    const field = `variants[${i}]`;
    let config: string | undefined;
    if (variant.config !== undefined) {
      config = path.resolve(dir, variant.config);
      if (!existsSync(config)) fail(`${field}.config`, 'file not found');
      if (statSync(config).isDirectory()) fail(`${field}.config`, 'is a folder; name a config file');
    }
    if (variant.baseUrl !== undefined && !/^https?:\/\/[^/]/.test(variant.baseUrl))
      fail(`${field}.baseUrl`, 'must be a URL starting with http:// or https://');
    if (variant.demo && (variant.baseUrl !== undefined || variant.model !== undefined))
      fail(`${field}.demo`, 'the demo model takes no "baseUrl" nor "model"');
    return { ...variant, name: variant.name ?? (data.variants ? `variant-${i + 1}` : 'default'), config, field };
  });
  unique(variants, 'variants', fail);
  return {
    name: data.name ?? path.basename(file).replace(/\.(ya?ml|json)$/i, ''),
    file,
    repeats: data.repeats ?? 1,
    tasks,
    variants,
    checks: resolveChecks(data.checks, 'checks', dir, fail),
  };
}

function unique(items: Array<{ name: string }>, field: string, fail: (field: string, message: string) => never): void {
  const seen = new Map<string, number>();
  for (const [i, item] of items.entries()) {
    const before = seen.get(item.name);
    if (before !== undefined) fail(`${field}[${i}].name`, `"${item.name}" is the name of ${field}[${before}] too: names must differ`);
    seen.set(item.name, i);
  }
}

/** Reads and checks a suite file. */
export function loadSuite(file: string, cwd = process.cwd()): Suite {
  const absolute = path.resolve(cwd, file);
  const shown = path.relative(cwd, absolute) || absolute;
  if (!/\.(ya?ml|json)$/i.test(absolute)) throw new UsageError(`${shown}: a suite is a .yaml, .yml or .json file`);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `${shown}: suite file not found` : `${shown}: cannot read the suite: ${code ?? String(error)}`);
  }
  return parseSuite(text, absolute, shown);
}
