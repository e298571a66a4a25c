import type { z } from 'zod';
import type { ResolvedConfig } from '../config/resolve.js';
import type { ChatMessage } from '../providers/types.js';
import type {
  ConversationEndReasonSchema,
  EngineEventBodySchema,
  EventStampSchema,
  HoldSchema,
  ModeSchema,
  NextTurnSchema,
  ReplyFinishSchema,
  RequestDeltaSchema,
  RunStatusSchema,
  SideSchema,
  TurnKindSchema,
  TurnStatusSchema,
  UsageSchema,
  WorkflowOutlineSchema,
} from './eventSchema.js';

// Every type of an event comes from its zod schema in eventSchema.ts (see docs/journal.md for what each means).
// `import type` only: the engine emits events without loading zod; the journal reader validates with the schemas.

export type Mode = z.output<typeof ModeSchema>;
export type TurnKind = z.output<typeof TurnKindSchema>;
export type Side = z.output<typeof SideSchema>;
export type TurnStatus = z.output<typeof TurnStatusSchema>;
/** Why a reply is not whole though its stream ended well (see `turn.ended.finish`). */
export type ReplyFinish = z.output<typeof ReplyFinishSchema>;
export type ConversationEndReason = z.output<typeof ConversationEndReasonSchema>;
/** `budget`: stopped by `--max-cost` (headless); `quit`: stopped by the person (or a signal). */
export type RunStatus = z.output<typeof RunStatusSchema>;

export { JOURNAL_FORMAT, JOURNAL_VERSION } from './journalFormat.js';

/**
 * Why the run waits for the person before the next turn. Several can stand together (a breakpoint in step mode);
 * space lets the run go on past all of them.
 */
export type Hold = z.output<typeof HoldSchema>;

/**
 * A request as the journal stores it: the first `keep` messages of the request of turn `base` (the turn that
 * started just before, in journal order), then `add`. `add` is never empty: its last message is the turn's prompt.
 */
export type RequestDelta = z.output<typeof RequestDeltaSchema>;

export type WorkflowOutline = z.output<typeof WorkflowOutlineSchema>;
export type NextTurn = z.output<typeof NextTurnSchema>;
export type Usage = z.output<typeof UsageSchema>;

/** Every event the engine emits. The journal stores them; headless and the TUI render them. */
export type EngineEventBody = z.output<typeof EngineEventBodySchema>;

/** An event as emitted: the body plus its place in the session. */
export type EngineEvent = EngineEventBody & z.output<typeof EventStampSchema>;
export type EventOf<T extends EngineEvent['type']> = Extract<EngineEvent, { type: T }>;

/** The commands a view may send. Each is safe to send at any time. */
export interface EngineCommands {
  /** Send the next turn (START or SWITCH) when stepping, or resume when paused. */
  step(): void;
  setMode(mode: Mode): void;
  /** Speak as the customer. Goes into the thread before the next turn. */
  intervene(text: string): void;
  skipConversation(): void;
  skipPhase(): void;
  /** Stop the reply being generated; its partial text stays, marked interrupted, and the run pauses. */
  abort(): void;
  /**
   * Take back a step asked for (`step`) whose turn has not begun yet, as when x comes right after space in one
   * chunk of keys: the run waits where it was. False when there is none.
   */
  takeBackStep?(): boolean;
  /** Drop the last reply of the current conversation and generate it again. */
  regenerate(): void;
  /** Ends the run; `reason` says why (default: the person quit). */
  quit(reason?: string): void;
}

/** What a live run offers beyond a replay: taking turns back, editing, and reloading the config. */
export interface DebugCommands {
  /** Take back the replies of the current conversation from this turn on, and generate it again. */
  rewind(turnId: string | null): void;
  /** Replace the last reply's text before the run goes on; with `turnId`, a final reply and its artifact. */
  edit(text: string, turnId?: string): void;
  reloadConfig(config: ResolvedConfig): { ok: true; changed: string[] } | { ok: false; reason: string };
  /** The next turn is the person's, once (`h`). */
  takeNextTurn(): void;
  /** The model plays the next turn's role again. */
  handBackSeat(): void;
  /** The person's reply for the turn that waits for it. */
  reply(text: string): void;
  /** Accepts the draft that waits, or the person's edit of it. */
  approve(text?: string): void;
  /** The request a `request:` breakpoint holds, as it would be sent. */
  heldRequest(): ChatMessage[] | undefined;
  /** Sends the person's edit of the held request instead, for that turn only. */
  sendRequest(messages: ChatMessage[]): void;
}
