/**
 * The session journal's events (format 2, docs/journal.md) as zod schemas. events.ts derives every event type from
 * them with `import type`, so the engine never loads zod; the journal reader validates each line with them.
 */
import * as z from 'zod';
import { orUndefined, ResolvedConfigSchema } from '../config/resolvedSchema.js';
import { ChatMessageSchema } from '../providers/messageSchema.js';
import { JOURNAL_FORMAT } from './journalFormat.js';

export const ModeSchema = z.enum(['auto', 'step']);
export const TurnKindSchema = z.enum(['sanity', 'start', 'switch']);
export const SideSchema = z.enum(['lead', 'assistant']);
export const ReplyFinishSchema = z.enum(['length', 'content_filter', 'refusal', 'size-limit']);
export const TurnStatusSchema = z.enum(['complete', 'interrupted', 'failed']);
export const ConversationEndReasonSchema = z.enum(['end-marker', 'turn-limit', 'skipped', 'phase-skipped', 'quit', 'budget', 'failed']);
/** `budget`: stopped by `--max-cost` (headless); `quit`: stopped by the person (or a signal). */
export const RunStatusSchema = z.enum(['completed', 'quit', 'budget', 'failed']);

const id = z.string().min(1);
const count = z.number().int().min(0);
const ms = z.number().min(0);
const usd = z.number().min(0);

/**
 * Why the run waits for the person before the next turn. Several can stand together (a breakpoint in step mode);
 * space lets the run go on past all of them.
 */
export const HoldSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('step') }),
  z.strictObject({ kind: z.literal('breakpoint'), spec: z.string(), message: z.string() }),
  z.strictObject({ kind: z.literal('budget'), spentUsd: usd, maxUsd: usd }),
  z.strictObject({ kind: z.literal('failure'), message: z.string() }),
  z.strictObject({ kind: z.literal('stopped'), message: z.string() }),
  /** The turn is a person's (`--human`, the config's `humans`, or `h`): the run waits for their reply. */
  z.strictObject({ kind: z.literal('person'), role: z.string(), name: z.string() }),
  /** A `request:` breakpoint: the request waits for the person to edit it (or space sends it as it is). */
  z.strictObject({ kind: z.literal('request'), spec: z.string(), name: z.string() }),
  /** A draft (`--approve`) waits for the person: accept it, edit it, or regenerate it, before it counts. */
  z.strictObject({ kind: z.literal('approval'), turnId: id, name: z.string() }),
]);

/**
 * A request as the journal stores it: the first `keep` messages of the request of turn `base` (the turn that
 * started just before, in journal order), then `add`. `add` is never empty: its last message is the turn's prompt.
 */
export const RequestDeltaSchema = z.strictObject({
  base: id.nullable(),
  keep: count,
  add: z.array(ChatMessageSchema).min(1, 'must hold at least the prompt'),
});

const named = z.strictObject({ id, name: z.string() });

export const WorkflowOutlineSchema = z.strictObject({
  description: z.string(),
  roles: z.array(named),
  artifacts: z.array(named),
  phases: z.array(
    z.strictObject({
      id,
      name: z.string(),
      conversations: z.array(
        z.strictObject({
          id,
          name: z.string(),
          lead: z.string(),
          assistant: z.string(),
          input: z.string(),
          output: z.string(),
          maxTurns: z.number().int().min(1),
        }),
      ),
    }),
  ),
});

export const NextTurnSchema = z.strictObject({
  conversationId: id.nullable(),
  kind: TurnKindSchema,
  role: z.string().nullable(),
  side: SideSchema.nullable(),
});

export const UsageSchema = z.strictObject({
  promptTokens: count,
  completionTokens: count,
  /** True when the server sent no usage and the numbers are estimated from the text. */
  estimated: z.boolean(),
});

const version = z.number().int().min(1);

/** Every event body, by type: the journal stores them; headless and the TUI render them. */
export const EVENT_BODY_SCHEMAS = {
  'run.started': z.strictObject({
    type: z.literal('run.started'),
    sessionId: z.string(),
    task: z.string(),
    provider: z.string(),
    model: z.string(),
    mode: ModeSchema,
    context: z.enum(['thread', 'scoped', 'server']),
    format: z.literal(JOURNAL_FORMAT),
    version,
    workflow: WorkflowOutlineSchema,
    /** The whole resolved config, so a session can be resumed from its journal alone. */
    config: ResolvedConfigSchema,
    /** The base URL of an OpenAI-compatible server, when one was used. Never a key. */
    endpoint: z.string().nullable(),
    /** The API that endpoint speaks, when not Chat Completions (`--api responses`). */
    api: z.literal('responses').optional(),
  }),
  'run.resumed': z.strictObject({
    type: z.literal('run.resumed'),
    version,
    sessionId: z.string(),
    fromSeq: count,
    provider: z.string(),
    model: z.string(),
    mode: ModeSchema,
  }),
  /**
   * A fork (`--fork <parent>@<reply>`): the events before it are the parent's up to the start of its reply number
   * `reply`; from here on the session runs on its own, with this config and model.
   */
  'run.forked': z.strictObject({
    type: z.literal('run.forked'),
    version,
    sessionId: z.string(),
    parent: z.string(),
    reply: z.number().int().min(1),
    fromSeq: count,
    provider: z.string(),
    model: z.string(),
    mode: ModeSchema,
    config: ResolvedConfigSchema,
    endpoint: z.string().nullable(),
  }),
  'phase.started': z.strictObject({ type: z.literal('phase.started'), phaseId: id, index: count }),
  'phase.ended': z.strictObject({ type: z.literal('phase.ended'), phaseId: id, skipped: z.boolean() }),
  'conversation.started': z.strictObject({ type: z.literal('conversation.started'), conversationId: id, phaseId: id }),
  'conversation.ended': z.strictObject({
    type: z.literal('conversation.ended'),
    conversationId: id,
    reason: ConversationEndReasonSchema,
    turns: count,
    artifact: z.strictObject({ id, text: z.string(), incomplete: z.boolean() }).nullable(),
  }),
  'turn.started': z.strictObject({
    type: z.literal('turn.started'),
    turnId: id,
    conversationId: id.nullable(),
    kind: TurnKindSchema,
    role: z.string().nullable(),
    side: SideSchema.nullable(),
    index: count,
    attempt: z.number().int().min(1),
    model: z.string(),
    /** The name of the endpoint that served the turn (`default`: the CLI's); absent in older journals. */
    endpoint: z.string().optional(),
    temperature: orUndefined(z.number()),
    /** The exact messages sent for this turn, as what they add to the request before. */
    request: RequestDeltaSchema,
    /** The customer messages this request delivers for the first time (they were waiting for a turn). */
    heard: z.array(id),
    /** `person`: a person wrote the reply (the request is what they answered; nothing was sent). Absent: the model. */
    author: z.literal('person').optional(),
    /**
     * The request as the run built it, when the person edited it before it was sent (a `request:` breakpoint);
     * `request` is then what was sent. A delta against the same base. Later turns are built from the session, so
     * the edit holds for this turn only.
     */
    original: RequestDeltaSchema.optional(),
  }),
  token: z.strictObject({ type: z.literal('token'), turnId: id, text: z.string() }),
  /** The model's thinking, streamed apart from the reply (reasoning deltas, `<think>` blocks); never sent back. */
  reasoning: z.strictObject({ type: z.literal('reasoning'), turnId: id, text: z.string() }),
  usage: z.strictObject({ type: z.literal('usage'), turnId: id, usage: UsageSchema }),
  retrying: z.strictObject({
    type: z.literal('retrying'),
    turnId: id,
    attempt: z.number().int().min(1),
    maxAttempts: z.number().int().min(0),
    delayMs: ms,
    reason: z.string(),
  }),
  'turn.ended': z.strictObject({
    type: z.literal('turn.ended'),
    turnId: id,
    status: TurnStatusSchema,
    text: z.string(),
    speaker: z.string().nullable(),
    endsConversation: z.boolean(),
    durationMs: ms,
    firstTokenMs: ms.nullable(),
    /** Set when the reply is not whole: cut at the server's token limit, filtered, refused, or cut at our size limit. */
    finish: ReplyFinishSchema.optional(),
    /** The model's thinking, when it sent any: the `reasoning` events' text, joined. */
    reasoning: z.string().optional(),
    /** A draft (`--approve`): it enters the thread only once the person accepts it (`turn.approved`). */
    draft: z.literal(true).optional(),
  }),
  /** The person accepted a draft: `text` (the draft, or their edit of it) enters the thread. */
  'turn.approved': z.strictObject({
    type: z.literal('turn.approved'),
    turnId: id,
    text: z.string(),
    edited: z.boolean(),
    endsConversation: z.boolean(),
  }),
  /** `rejected`: a draft dropped unaccepted, when its conversation or phase was skipped or rewound. */
  'turn.discarded': z.strictObject({
    type: z.literal('turn.discarded'),
    turnId: id,
    reason: z.enum(['regenerate', 'rewind', 'quit', 'rejected']),
  }),
  'turn.edited': z.strictObject({
    type: z.literal('turn.edited'),
    turnId: id,
    text: z.string(),
    previous: z.string(),
    endsConversation: z.boolean(),
    /** The final reply of a conversation that ended was edited: its artifact follows, as the new text makes it. */
    artifact: z.strictObject({ id, text: z.string(), incomplete: z.boolean() }).optional(),
  }),
  'conversation.rewound': z.strictObject({ type: z.literal('conversation.rewound'), conversationId: id, toIndex: count, discarded: z.array(id) }),
  'config.reloaded': z.strictObject({ type: z.literal('config.reloaded'), config: ResolvedConfigSchema, changed: z.array(z.string()) }),
  breakpoint: z.strictObject({ type: z.literal('breakpoint'), spec: z.string(), message: z.string() }),
  'budget.reached': z.strictObject({ type: z.literal('budget.reached'), spentUsd: usd, maxUsd: usd }),
  /** The person spoke as the customer; the message waits for the next turn, which hears it (`turn.started.heard`). */
  'customer.message': z.strictObject({ type: z.literal('customer.message'), customerId: id, conversationId: id.nullable(), text: z.string() }),
  /**
   * Customer messages no turn will hear: sent after the turn a rewind went back to (`rewind`), or still waiting
   * when the run had no turn left (`no-turn-left`).
   */
  'customer.withdrawn': z.strictObject({
    type: z.literal('customer.withdrawn'),
    customerIds: z.array(id).min(1),
    reason: z.enum(['rewind', 'no-turn-left']),
  }),
  'mode.changed': z.strictObject({ type: z.literal('mode.changed'), mode: ModeSchema }),
  waiting: z.strictObject({ type: z.literal('waiting'), holds: z.array(HoldSchema), next: NextTurnSchema }),
  resumed: z.strictObject({ type: z.literal('resumed') }),
  warning: z.strictObject({ type: z.literal('warning'), code: z.string(), message: z.string(), turnId: id.optional() }),
  error: z.strictObject({ type: z.literal('error'), message: z.string(), fatal: z.boolean(), turnId: id.optional() }),
  'run.finished': z.strictObject({ type: z.literal('run.finished'), status: RunStatusSchema, reason: z.string().nullable() }),
} as const;

export type EventType = keyof typeof EVENT_BODY_SCHEMAS;

type BodySchema = (typeof EVENT_BODY_SCHEMAS)[EventType];
export const EngineEventBodySchema = z.discriminatedUnion('type', Object.values(EVENT_BODY_SCHEMAS) as unknown as [BodySchema, ...BodySchema[]]);

/** What every line adds to its body: its place in the session. */
export const EventStampSchema = z.strictObject({
  /** Strictly increasing within a file. */
  seq: z.number().int().min(1),
  /** Milliseconds since the run started. */
  t: z.number().min(0),
});

/** Each type's whole line (body plus stamp), to validate a journal line once its type is known. */
export const EVENT_SCHEMAS = Object.fromEntries(
  Object.entries(EVENT_BODY_SCHEMAS).map(([type, schema]) => [type, schema.extend(EventStampSchema.shape)]),
) as unknown as { [K in EventType]: z.ZodType<z.output<(typeof EVENT_BODY_SCHEMAS)[K]> & z.output<typeof EventStampSchema>> };

export function isEventType(type: unknown): type is EventType {
  return typeof type === 'string' && Object.hasOwn(EVENT_BODY_SCHEMAS, type);
}
