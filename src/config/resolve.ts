import type { z } from 'zod';
import type { ConfigSchema } from './schema.js';
import type {
  ResolvedConfigSchema,
  ResolvedConversationSchema,
  ResolvedPhaseSchema,
  ResolvedWorkflowSchema,
  RetryPolicySchema,
} from './resolvedSchema.js';
import { DEFAULT_PROMPTS, type Prompts } from './prompts.js';
import { softwareCompany } from './presets/softwareCompany.js';
import { parseBreakpoint } from './breakpointSpec.js';
import { didYouMean } from '../text/suggest.js';

// The shapes come from the schemas in resolvedSchema.ts (the journal reader validates recorded configs with them);
// `import type` keeps zod out of a run that has no config file.
/** A conversation whose references are resolved to ids. */
export type Conversation = z.output<typeof ResolvedConversationSchema>;
export type Phase = z.output<typeof ResolvedPhaseSchema>;
export type Workflow = z.output<typeof ResolvedWorkflowSchema>;
export type RetryPolicy = z.output<typeof RetryPolicySchema>;
export type ResolvedConfig = z.output<typeof ResolvedConfigSchema>;

type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : never) : never;
// The resolved prompts are the templates of prompts.ts, no more and no fewer.
true satisfies SameKeys<Prompts, ResolvedConfig['prompts']>;

/** A named endpoint with its defaults filled in. Never recorded in a journal: its headers may hold keys. */
export interface ResolvedEndpoint {
  name: string;
  /** Undefined: OpenAI itself. */
  baseURL: string | undefined;
  apiKeyEnv: string;
  api: 'chat' | 'responses';
  headers: Record<string, string>;
  model: string | undefined;
  store: boolean | undefined;
}

/** The endpoint of the CLI's flags and environment: what roles that name no endpoint run on. */
export const DEFAULT_ENDPOINT = 'default';

export interface ConfigIssue {
  /** Field path in the user's config, e.g. `workflow.conversations[2].lead`. */
  path: string;
  message: string;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 5,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  firstTokenTimeoutMs: 60_000,
  idleTimeoutMs: 60_000,
};

const PRESETS = { 'software-company': softwareCompany } as const;

/** `workflow.conversations[2].lead`; `empty` names the whole thing, for a path with no parts. */
export function formatPath(path: readonly PropertyKey[], empty = '(root)'): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || empty;
}

function slugify(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'item'
  );
}

export type ParsedConfig = z.output<typeof ConfigSchema>;

/**
 * Resolves presets, defaults and references of config data the schema has already accepted. It needs no zod:
 * a run without a config file resolves the built-in preset without loading the schema at all.
 */
export function resolveParsed(
  input: ParsedConfig,
): { config: ResolvedConfig; endpoints: Record<string, ResolvedEndpoint> } | { issues: ConfigIssue[] } {
  const preset = input.preset ?? (input.workflow ? undefined : 'software-company');
  const base = preset ? PRESETS[preset] : undefined;
  const workflowInput = input.workflow ?? base?.workflow;
  if (!workflowInput) return { issues: [{ path: 'workflow', message: 'is missing: set "workflow" or "preset"' }] };

  const issues: ConfigIssue[] = [];
  const workflow = resolveWorkflow(workflowInput, input.maxTurns ?? 10, issues);
  if (issues.length) return { issues };
  for (const [i, spec] of (input.breakpoints ?? []).entries()) {
    const parsed = parseBreakpoint(spec, workflow);
    if ('error' in parsed) issues.push({ path: `breakpoints[${i}]`, message: parsed.error });
  }
  const endpoints = resolveEndpoints(input, workflow, issues);
  const humans: string[] = [];
  for (const [i, ref] of (input.humans ?? []).entries()) {
    const role = findRole(workflow.roles, ref);
    if (role) humans.push(role.id);
    else issues.push({ path: `humans[${i}]`, message: unknownRole(ref, workflow.roles) });
  }
  if (issues.length) return { issues };

  return {
    endpoints,
    config: {
      workflow,
      prompts: { ...DEFAULT_PROMPTS, ...stripUndefined(input.prompts ?? {}) },
      task: input.task ?? base?.task ?? softwareCompany.task,
      model: input.model,
      temperature: input.temperature,
      maxTurns: input.maxTurns ?? 10,
      sanityCheck: input.sanityCheck ?? true,
      context: input.context ?? 'thread',
      maxReplyChars: input.maxReplyChars,
      retry: { ...DEFAULT_RETRY, ...stripUndefined(input.retry ?? {}) },
      preset,
      breakpoints: input.breakpoints ?? [],
      prices: input.prices ?? {},
      ...(humans.length ? { humans: [...new Set(humans)] } : {}),
    },
  };
}

function resolveEndpoints(input: ParsedConfig, workflow: Workflow, issues: ConfigIssue[]): Record<string, ResolvedEndpoint> {
  const endpoints: Record<string, ResolvedEndpoint> = {};
  for (const [name, e] of Object.entries(input.endpoints ?? {})) {
    if (name === DEFAULT_ENDPOINT) {
      issues.push({
        path: `endpoints.${name}`,
        message: `"${DEFAULT_ENDPOINT}" is the endpoint of --base-url and OPENAI_API_KEY: give this one another name`,
      });
      continue;
    }
    const api = e.api ?? 'chat';
    if (e.store !== undefined && api !== 'responses') {
      issues.push({ path: `endpoints.${name}.store`, message: `only the Responses API stores responses: set api: 'responses' or drop "store"` });
    }
    if (input.context === 'server' && api === 'responses' && e.store === false) {
      issues.push({
        path: `endpoints.${name}.store`,
        message: `context "server" keeps the thread in stored responses: drop store: false or choose another context`,
      });
    }
    endpoints[name] = {
      name,
      baseURL: e.baseURL,
      apiKeyEnv: e.apiKeyEnv ?? 'OPENAI_API_KEY',
      api,
      headers: e.headers ?? {},
      model: e.model,
      store: e.store,
    };
  }
  // Where each role's endpoint was set, to name the field of an unknown one.
  const setAt = new Map<string, string>();
  for (const [ref, settings] of Object.entries(input.roles ?? {})) {
    const id = lookup(workflow.roles, ref, 'role', `roles.${ref}`, issues);
    const role = workflow.roles.find((r) => r.id === id);
    if (!role) continue;
    Object.assign(role, stripUndefined(settings));
    if (settings.endpoint !== undefined) setAt.set(role.id, `roles.${ref}.endpoint`);
  }
  const known = Object.keys(endpoints);
  for (const [i, role] of workflow.roles.entries()) {
    const at = setAt.get(role.id) ?? `workflow.roles[${i}].endpoint`;
    if (role.endpoint === DEFAULT_ENDPOINT) delete role.endpoint;
    if (role.endpoint === undefined || endpoints[role.endpoint]) continue;
    const hint = known.length ? didYouMean(role.endpoint, known) || ` (known: ${known.join(', ')})` : ': add it under "endpoints"';
    issues.push({ path: at, message: `unknown endpoint "${role.endpoint}"${hint}` });
  }
  return endpoints;
}

/** A role by its id or its name, whatever the case. */
export function findRole<T extends { id: string; name: string }>(roles: readonly T[], ref: string): T | undefined {
  const wanted = ref.trim().toLowerCase();
  return roles.find((role) => role.id === wanted || role.name.toLowerCase() === wanted);
}

export function unknownRole(ref: string, roles: ReadonlyArray<{ name: string }>): string {
  const names = roles.map((role) => role.name);
  return `unknown role "${ref}"${didYouMean(ref, names) || ` (known: ${names.join(', ')})`}`;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

type WithId<T> = Omit<T, 'id'> & { id: string };

interface Named {
  name: string;
  id?: string | undefined;
}

/** Gives every entry an id and reports duplicate names or ids. */
function index<T extends Named>(items: T[], section: string, issues: ConfigIssue[]): Array<WithId<T>> {
  const seenNames = new Map<string, number>();
  const seenIds = new Map<string, number>();
  return items.map((item, i) => {
    const id = item.id ?? slugify(item.name);
    const lower = item.name.toLowerCase();
    const path = `workflow.${section}[${i}]`;
    if (seenNames.has(lower)) {
      issues.push({ path: `${path}.name`, message: `duplicate name "${item.name}" (also at ${section}[${seenNames.get(lower)}])` });
    } else if (seenIds.has(id)) {
      issues.push({ path: `${path}.id`, message: `duplicate id "${id}" (also at ${section}[${seenIds.get(id)}])` });
    }
    seenNames.set(lower, i);
    seenIds.set(id, i);
    return { ...item, id };
  });
}

function lookup(items: ReadonlyArray<{ id: string; name: string }>, ref: string, kind: string, path: string, issues: ConfigIssue[]): string {
  const found = items.find((item) => item.id === ref || item.name === ref) ?? items.find((item) => item.name.toLowerCase() === ref.toLowerCase());
  if (found) return found.id;
  const names = items.map((item) => item.name);
  const hint = didYouMean(ref, names) || ` (known: ${names.join(', ')})`;
  issues.push({ path, message: `unknown ${kind} "${ref}"${hint}` });
  return ref;
}

function resolveWorkflow(input: z.output<typeof ConfigSchema>['workflow'] & object, defaultMaxTurns: number, issues: ConfigIssue[]): Workflow {
  const roles = index(input.roles, 'roles', issues);
  const artifacts = index(input.artifacts, 'artifacts', issues);
  const conversations = index(input.conversations, 'conversations', issues).map((conv, i) => {
    const at = `workflow.conversations[${i}]`;
    const lead = lookup(roles, conv.lead, 'role', `${at}.lead`, issues);
    const assistant = lookup(roles, conv.assistant, 'role', `${at}.assistant`, issues);
    if (lead === assistant) {
      issues.push({ path: `${at}.assistant`, message: `is the same role as the lead ("${conv.lead}"): a conversation needs two roles` });
    }
    const inputArtifact = lookup(artifacts, conv.input, 'artifact', `${at}.input`, issues);
    const output = lookup(artifacts, conv.output, 'artifact', `${at}.output`, issues);
    if (inputArtifact === output) {
      issues.push({ path: `${at}.output`, message: `is the same artifact as the input ("${conv.input}")` });
    }
    return { ...conv, lead, assistant, input: inputArtifact, output, maxTurns: conv.maxTurns ?? defaultMaxTurns };
  });
  const placed = new Map<string, string>();
  const phases = index(input.phases, 'phases', issues).map((phase, p) => ({
    ...phase,
    conversations: phase.conversations.map((ref, c) => {
      const path = `workflow.phases[${p}].conversations[${c}]`;
      const id = lookup(conversations, ref, 'conversation', path, issues);
      const other = placed.get(id);
      if (other !== undefined) issues.push({ path, message: `conversation "${ref}" is already in phase "${other}"` });
      placed.set(id, phase.name);
      return id;
    }),
  }));
  const producers = new Map<string, string>();
  for (const [i, conv] of conversations.entries()) {
    const other = producers.get(conv.output);
    if (other !== undefined) {
      issues.push({
        path: `workflow.conversations[${i}].output`,
        message: `artifact "${conv.output}" is already the output of "${other}"`,
      });
    }
    producers.set(conv.output, conv.name);
  }
  checkRunOrder(conversations, artifacts, phases, issues);
  return { description: input.description, roles, artifacts, conversations, phases };
}

/**
 * A conversation in no phase would never run, and an input that only a later conversation produces would be
 * replaced by the task when its turn comes: both are mistakes, named with the conversations involved.
 */
function checkRunOrder(
  conversations: ReadonlyArray<{ id: string; name: string; input: string; output: string }>,
  artifacts: ReadonlyArray<{ id: string; name: string }>,
  phases: ReadonlyArray<{ name: string; conversations: string[] }>,
  issues: ConfigIssue[],
): void {
  const order = new Map<string, { at: number; phase: string }>();
  for (const phase of phases) for (const id of phase.conversations) if (!order.has(id)) order.set(id, { at: order.size, phase: phase.name });
  const artifactName = (id: string) => artifacts.find((a) => a.id === id)?.name ?? id;
  for (const [i, conv] of conversations.entries()) {
    if (!order.has(conv.id)) {
      issues.push({
        path: `workflow.conversations[${i}]`,
        message: `conversation "${conv.name}" is in no phase, so it would never run: add it to a phase's conversations`,
      });
    }
  }
  for (const [i, conv] of conversations.entries()) {
    const mine = order.get(conv.id);
    const producer = conversations.find((other) => other.output === conv.input);
    const theirs = producer && order.get(producer.id);
    if (!mine || !producer || !theirs || theirs.at < mine.at) continue;
    issues.push({
      path: `workflow.conversations[${i}].input`,
      message: `conversation "${conv.name}" takes artifact "${artifactName(conv.input)}" as input, but only "${producer.name}" (phase "${theirs.phase}") produces it, and that runs later: move "${producer.name}" earlier or take another input`,
    });
  }
}
