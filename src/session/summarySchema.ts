/**
 * `summary.json`, written next to `events.jsonl` when a session's journal closes: what `roleplay sessions` lists,
 * plus the size and modification time of the journal it summarises, so a listing trusts it only while they match.
 */
import * as z from 'zod';
import { RunStatusSchema } from '../engine/eventSchema.js';

const count = z.number().int().min(0);

export const StoredSummarySchema = z.strictObject({
  /** When the run started, ISO 8601: from the session id's UTC stamp, else the journal's modification time. */
  startedAt: z.iso.datetime().nullable(),
  task: z.string(),
  provider: z.string(),
  model: z.string(),
  /** `interrupted` when the journal has no run.finished (a listing tells a live run apart by its lock). */
  status: z.union([RunStatusSchema, z.literal('interrupted')]),
  reason: z.string().nullable(),
  /** Replies that did not fail, as the run state counts them. */
  turns: count,
  conversations: z.strictObject({ ended: count, total: count }),
  promptTokens: count,
  completionTokens: count,
  estimated: z.boolean(),
  /** The last event's time: how long the recording lasts. */
  durationMs: z.number().min(0),
  events: count,
  torn: z.boolean(),
  /** A fork's parent session and the reply it was forked before (absent in summaries written before forks). */
  fork: z
    .strictObject({ parent: z.string(), reply: z.number().int().min(1) })
    .nullable()
    .optional(),
});

const SUMMARY_FORMAT = 'roleplay-summary';

export const SummarySidecarSchema = z.strictObject({
  format: z.literal(SUMMARY_FORMAT),
  version: z.literal(1),
  journal: z.strictObject({ size: count, mtimeMs: z.number() }),
  summary: StoredSummarySchema,
});
