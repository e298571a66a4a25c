/**
 * The shape of a resolved config: every default filled in and every reference turned into an id. The engine runs
 * on it and `run.started` records it whole, so the journal reader validates it with this schema. The types in
 * resolve.ts are derived from it; only the reader loads it at run time (a run without a config file loads no zod).
 */
import * as z from 'zod';

/** A key JSON may leave out (it has no undefined) whose type is `T | undefined` all the same, not an optional key. */
export function orUndefined<T extends z.ZodType>(schema: T) {
  return schema.optional().pipe(z.custom<z.output<T> | undefined>());
}

const ResolvedRoleSchema = z.strictObject({
  name: z.string(),
  description: z.string(),
  model: z.string().optional(),
  temperature: z.number().optional(),
  /** The endpoint the role runs on, by name; none: the default one. */
  endpoint: z.string().optional(),
  id: z.string(),
});

const ResolvedArtifactSchema = z.strictObject({
  name: z.string(),
  description: z.string(),
  id: z.string(),
});

export const ResolvedConversationSchema = z.strictObject({
  name: z.string(),
  description: z.string(),
  lead: z.string(),
  assistant: z.string(),
  input: z.string(),
  output: z.string(),
  maxTurns: z.number().int().min(1),
  id: z.string(),
});

export const ResolvedPhaseSchema = z.strictObject({
  name: z.string(),
  description: z.string(),
  conversations: z.array(z.string()),
  id: z.string(),
});

export const ResolvedWorkflowSchema = z.strictObject({
  description: z.string(),
  roles: z.array(ResolvedRoleSchema),
  artifacts: z.array(ResolvedArtifactSchema),
  conversations: z.array(ResolvedConversationSchema),
  phases: z.array(ResolvedPhaseSchema),
});

export const RetryPolicySchema = z.strictObject({
  attempts: z.number().int().min(0),
  baseDelayMs: z.number().min(0),
  maxDelayMs: z.number().min(0),
  firstTokenTimeoutMs: z.number().min(0),
  idleTimeoutMs: z.number().min(0),
});

/** Every template filled in; the keys are those of PROMPT_VARIABLES (prompts.ts). */
const ResolvedPromptsSchema = z.strictObject({
  system: z.string(),
  initial: z.string(),
  sanity: z.string(),
  start: z.string(),
  switch: z.string(),
  customer: z.string(),
  artifacts: z.string(),
});

const PriceSchema = z.strictObject({ input: z.number().min(0), output: z.number().min(0) });

export const ResolvedConfigSchema = z.strictObject({
  workflow: ResolvedWorkflowSchema,
  prompts: ResolvedPromptsSchema,
  task: z.string(),
  model: orUndefined(z.string()),
  temperature: orUndefined(z.number()),
  maxTurns: z.number().int().min(1),
  sanityCheck: z.boolean(),
  context: z.enum(['thread', 'scoped', 'server']),
  /** Absent in sessions recorded before the limit existed: they run with the default. */
  maxReplyChars: z.number().int().min(1).optional(),
  retry: RetryPolicySchema,
  preset: orUndefined(z.string()),
  breakpoints: z.array(z.string()),
  /** Role ids a person plays (absent: none). */
  humans: z.array(z.string()).optional(),
  /** USD per 1M tokens, by model id. */
  prices: z.record(z.string(), PriceSchema),
});
