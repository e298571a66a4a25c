import * as z from 'zod';
import { PROMPT_VARIABLES, type PromptName } from './prompts.js';

const nonEmpty = z.string().trim().min(1, 'must not be empty');
const idString = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes, e.g. "design-modalities"');
const description = z.string();
/** A reference to another entry of the workflow, by its name or its id. */
const reference = nonEmpty;
const temperature = z.number().min(0, 'must be at least 0').max(2, 'must be at most 2');
const turns = z.number().int('must be a whole number').min(1, 'must be at least 1').max(1000, 'must be at most 1000');

const RoleSchema = z.strictObject({
  name: nonEmpty,
  id: idString.optional(),
  description,
  model: nonEmpty.optional(),
  temperature: temperature.optional(),
  /** The name of an entry of `endpoints`; a role that names none runs on the default endpoint (the CLI's). */
  endpoint: nonEmpty.optional(),
});

const ArtifactSchema = z.strictObject({
  name: nonEmpty,
  id: idString.optional(),
  description,
});

const ConversationSchema = z.strictObject({
  name: nonEmpty,
  id: idString.optional(),
  description,
  lead: reference,
  assistant: reference,
  input: reference,
  output: reference,
  maxTurns: turns.optional(),
});

const PhaseSchema = z.strictObject({
  name: nonEmpty,
  id: idString.optional(),
  description,
  conversations: z.array(reference).min(1, 'a phase needs at least one conversation'),
});

const WorkflowSchema = z.strictObject({
  description,
  roles: z.array(RoleSchema).min(2, 'a workflow needs at least two roles'),
  artifacts: z.array(ArtifactSchema).min(1, 'a workflow needs at least one artifact'),
  conversations: z.array(ConversationSchema).min(1, 'a workflow needs at least one conversation'),
  phases: z.array(PhaseSchema).min(1, 'a workflow needs at least one phase'),
});

function template(name: PromptName) {
  const allowed = PROMPT_VARIABLES[name];
  return z.string().superRefine((text, ctx) => {
    for (const match of text.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) {
      const variable = match[1] ?? '';
      if (!(allowed as readonly string[]).includes(variable)) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown placeholder {{${variable}}} (this template knows ${
            allowed.length ? allowed.map((v) => `{{${v}}}`).join(', ') : 'no placeholders'
          })`,
        });
      }
    }
  });
}

const PromptsSchema = z.strictObject({
  system: template('system').optional(),
  initial: template('initial').optional(),
  sanity: template('sanity').optional(),
  start: template('start').optional(),
  switch: template('switch').optional(),
  customer: template('customer').optional(),
  artifacts: template('artifacts').optional(),
});

const RetrySchema = z.strictObject({
  attempts: z.number().int().min(0).max(20).optional(),
  baseDelayMs: z.number().int().min(0).max(600_000).optional(),
  maxDelayMs: z.number().int().min(0).max(600_000).optional(),
  firstTokenTimeoutMs: z.number().int().min(100).max(3_600_000).optional(),
  idleTimeoutMs: z.number().int().min(100).max(3_600_000).optional(),
});

/** A server a role can run on: where it is, which variable holds its key, and which API it speaks. */
const EndpointSchema = z.strictObject({
  /** e.g. http://127.0.0.1:11434/v1; default https://api.openai.com/v1. */
  baseURL: z
    .string()
    .trim()
    .refine(
      (value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol),
      'must be an http:// or https:// URL, e.g. http://127.0.0.1:11434/v1',
    )
    // fetch refuses a URL with credentials in it: say so now, not as an unreachable server later.
    .refine(
      (value) => !URL.canParse(value) || (!new URL(value).username && !new URL(value).password),
      'has a user name or password in it, which the HTTP client cannot send: drop it, and give the key in the variable apiKeyEnv names',
    )
    .optional(),
  /** The environment variable that holds the endpoint's key; default OPENAI_API_KEY. */
  apiKeyEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the name of an environment variable, e.g. "GROQ_API_KEY"')
    .optional(),
  api: z.enum(['chat', 'responses']).optional(),
  /** Sent with every request, e.g. an `api-key` header or an OpenRouter `HTTP-Referer`. */
  headers: z.record(nonEmpty, z.string()).optional(),
  /** The model for the roles on this endpoint that name none. */
  model: nonEmpty.optional(),
  /** Responses API only: keep the responses on the server (`store: true`); default false. */
  store: z.boolean().optional(),
});

const PRESET_NAMES = ['software-company'] as const;

export const ConfigSchema = z.strictObject({
  preset: z.enum(PRESET_NAMES).optional(),
  workflow: WorkflowSchema.optional(),
  task: nonEmpty.optional(),
  prompts: PromptsSchema.optional(),
  model: nonEmpty.optional(),
  temperature: temperature.optional(),
  maxTurns: turns.optional(),
  sanityCheck: z.boolean().optional(),
  context: z.enum(['thread', 'scoped', 'server']).optional(),
  /** Per role (by name or id), its endpoint and model: also for the roles of a preset. */
  roles: z
    .record(nonEmpty, z.strictObject({ endpoint: nonEmpty.optional(), model: nonEmpty.optional(), temperature: temperature.optional() }))
    .optional(),
  /** Named endpoints, for the roles that name one; `default` is the CLI's (--base-url, OPENAI_API_KEY). */
  endpoints: z.record(idString, EndpointSchema).optional(),
  /** The most characters one reply (its thinking included) may have: past it the reply is cut, marked, and the run goes on. */
  maxReplyChars: z.number().int('must be a whole number').min(100, 'must be at least 100').max(100_000_000, 'must be at most 100000000').optional(),
  retry: RetrySchema.optional(),
  /** `conversation:<name>`, `phase:<name>`, `role:<name>`, `match:<text or /regex/flags>` or `request:<role or *>`. */
  breakpoints: z.array(nonEmpty).optional(),
  /** Roles a person plays, by name or id: the TUI asks them for those replies instead of the model. */
  humans: z.array(nonEmpty).optional(),
  /** USD per 1M tokens, by model id or `<endpoint>/<model>`; adds to and overrides the built-in price table. */
  prices: z.record(nonEmpty, z.strictObject({ input: z.number().min(0), output: z.number().min(0) })).optional(),
});

/** What a user writes: every field optional, a preset or a workflow. */
export type RoleplayConfig = z.input<typeof ConfigSchema>;
export type WorkflowInput = z.input<typeof WorkflowSchema>;
export type ContextStrategy = 'thread' | 'scoped' | 'server';
