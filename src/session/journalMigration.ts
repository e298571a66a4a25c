/**
 * Journal format 1 → format 2 (docs/journal.md), one event at a time, as the reader streams the file. The events
 * after a `run.started` or `run.resumed` are in that event's `version` (absent: 1); version-1 events are rewritten
 * here and nowhere else, so everything past the reader sees version 2 only. No zod here: the reader validates the
 * result.
 */
import { JOURNAL_FORMAT, JOURNAL_VERSION, type Hold } from '../engine/events.js';
import { hasEndMarker } from '../engine/protocol.js';

/** A line the reader cannot take; the reader adds the file and line. */
export class JournalProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JournalProblem';
  }
}

type Raw = Record<string, unknown>;

/** What migrating one event needs to know of the events before it. */
export interface MigrationState {
  /** The version of the events being read: that of the last run.started or run.resumed. */
  version: number;
  /** The highest `c<n>` customer id seen, so version-1 messages are numbered on from it. */
  customerNumber: number;
  /** Customer messages sent and not heard by a reply that stands (the engine's `customerSinceReply`). */
  waiting: string[];
  heardBy: Map<string, string[]>;
  turns: Map<string, { kind: unknown; status: unknown }>;
  /** The type of the event migrated last: a take-back emits its turn.discarded events in one run. */
  previousType: unknown;
  /** Version-1 conversations ended `quit` since the run (re)started: a budget stop says so only at run.finished. */
  quitEnds: Raw[];
}

export function createMigrationState(): MigrationState {
  return { version: 1, customerNumber: 0, waiting: [], heardBy: new Map(), turns: new Map(), previousType: null, quitEnds: [] };
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * Migrates one parsed line to format 2, in place, and returns it. It never throws on a wrong shape (the schema
 * check after it names what is wrong); it throws a JournalProblem for a journal newer than this build.
 */
export function migrateEvent(raw: Raw, state: MigrationState): Raw {
  const type = raw.type;
  if (type === 'run.started' || type === 'run.resumed' || type === 'run.forked') {
    const version = raw.version === undefined ? 1 : raw.version;
    if (typeof version === 'number' && version > JOURNAL_VERSION) {
      throw new JournalProblem(`written by a newer roleplay (journal version ${version}); update roleplay to read it`);
    }
    state.version = typeof version === 'number' ? version : JOURNAL_VERSION;
    state.quitEnds = [];
  }
  if (state.version === 1) migrateV1(raw, state);
  follow(raw, state);
  state.previousType = type;
  return raw;
}

function migrateV1(raw: Raw, state: MigrationState): void {
  switch (raw.type) {
    case 'run.started':
      raw.format ??= JOURNAL_FORMAT;
      raw.version = JOURNAL_VERSION;
      defaultConfig(raw.config);
      break;
    case 'run.resumed':
      raw.version = JOURNAL_VERSION;
      break;
    case 'config.reloaded':
      defaultConfig(raw.config);
      break;
    case 'turn.started':
      if (Array.isArray(raw.request)) raw.request = { base: null, keep: 0, add: raw.request };
      // The engine delivered every message sent since the last reply that stands; the sanity check hears none.
      raw.heard ??= raw.kind === 'sanity' ? [] : [...state.waiting];
      break;
    case 'customer.message':
      raw.customerId ??= `c${state.customerNumber + 1}`;
      break;
    case 'turn.edited': {
      const turn = typeof raw.turnId === 'string' ? state.turns.get(raw.turnId) : undefined;
      const text = str(raw.text);
      raw.endsConversation ??= turn?.status === 'complete' && turn.kind !== 'sanity' && text !== undefined && hasEndMarker(text);
      break;
    }
    case 'waiting': {
      if (!('holds' in raw) && (raw.reason === 'step' || raw.reason === 'paused')) {
        const holds = raw.reason === 'step' ? [{ kind: 'step' }] : holdsFromMessage(str(raw.message) ?? '');
        delete raw.reason;
        delete raw.message;
        raw.holds = holds;
      }
      break;
    }
    case 'conversation.ended':
      if (raw.reason === 'quit') state.quitEnds.push(raw);
      break;
    case 'run.finished':
      // A headless run stopped by --max-cost said `quit`, with a reason naming the budget.
      if (raw.status === 'quit' && /\bbudget\b/i.test(str(raw.reason) ?? '')) {
        raw.status = 'budget';
        for (const ended of state.quitEnds) ended.reason = 'budget';
      }
      state.quitEnds = [];
      break;
  }
}

/** Version 1 had no breakpoints or prices in its config; the schema wants both. */
function defaultConfig(config: unknown): void {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return;
  const c = config as Raw;
  c.breakpoints ??= [];
  c.prices ??= {};
}

/** Reads the kind of a version-1 pause from the message the engine showed (see engine.ts of format 1). */
export function holdsFromMessage(message: string): Hold[] {
  if (message.startsWith('Breakpoint ')) {
    // Several breakpoints were joined with "; ", each "Breakpoint <spec>: <message>".
    return message.split(/; (?=Breakpoint )/).map((part) => {
      const text = part.slice('Breakpoint '.length);
      const colon = text.indexOf(': ');
      return colon === -1
        ? { kind: 'breakpoint', spec: text, message: '' }
        : { kind: 'breakpoint', spec: text.slice(0, colon), message: text.slice(colon + 2) };
    });
  }
  if (message.startsWith('Budget of')) {
    // "Budget of $0.50 reached ($0.52 spent): space goes on anyway"
    const amounts = /^Budget of \$([\d.]+) reached \(\$([\d.]+) spent\)/.exec(message);
    const number = (text: string | undefined) => (text !== undefined && Number.isFinite(Number(text)) ? Number(text) : 0);
    return [{ kind: 'budget', maxUsd: number(amounts?.[1]), spentUsd: number(amounts?.[2]) }];
  }
  if (message.startsWith('Stopped by you')) return [{ kind: 'stopped', message }];
  return [{ kind: 'failure', message }];
}

/** Keeps track, in every version, of what the version-1 rules above need. */
function follow(raw: Raw, state: MigrationState): void {
  const turnId = str(raw.turnId);
  switch (raw.type) {
    case 'customer.message': {
      const id = str(raw.customerId);
      const n = id ? /^c(\d+)$/.exec(id) : null;
      if (n) state.customerNumber = Math.max(state.customerNumber, Number(n[1]));
      if (id) state.waiting.push(id);
      break;
    }
    case 'customer.withdrawn':
      if (Array.isArray(raw.customerIds)) state.waiting = state.waiting.filter((id) => !(raw.customerIds as unknown[]).includes(id));
      break;
    case 'turn.started':
      if (!turnId) break;
      state.turns.set(turnId, { kind: raw.kind, status: undefined });
      state.heardBy.set(turnId, Array.isArray(raw.heard) ? raw.heard.filter((id): id is string => typeof id === 'string') : []);
      if (state.version !== 1) state.waiting = state.waiting.filter((id) => !state.heardBy.get(turnId)?.includes(id));
      break;
    case 'turn.ended': {
      const turn = turnId ? state.turns.get(turnId) : undefined;
      if (turn) turn.status = raw.status;
      // A reply with text that did not fail stands: what it heard is no longer waiting. (Version 1 kept it.)
      const heard = turnId ? state.heardBy.get(turnId) : undefined;
      if (state.version === 1 && heard && raw.status !== 'failed' && str(raw.text)) {
        state.waiting = state.waiting.filter((id) => !heard.includes(id));
      }
      break;
    }
    case 'turn.discarded':
      // Version 1 took replies back by cutting its thread before the first of them: what that one had heard
      // waits again, and what came after it (heard by later replies, or not yet) was gone.
      if (state.version === 1 && state.previousType !== 'turn.discarded' && turnId) state.waiting = [...(state.heardBy.get(turnId) ?? [])];
      break;
  }
}
