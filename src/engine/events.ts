import type { ResolvedConfig } from '../config/resolve.js';
import type { ChatMessage } from '../providers/types.js';

export type Mode = 'auto' | 'step';
export type TurnKind = 'sanity' | 'start' | 'switch';
export type Side = 'lead' | 'assistant';
export type TurnStatus = 'complete' | 'interrupted' | 'failed';
export type ConversationEndReason = 'end-marker' | 'turn-limit' | 'skipped' | 'phase-skipped' | 'quit' | 'budget' | 'failed';
/** `budget`: stopped by `--max-cost` (headless); `quit`: stopped by the person (or a signal). */
export type RunStatus = 'completed' | 'quit' | 'budget' | 'failed';

/** The journal format this build writes: `run.started` and `run.resumed` carry it. Older journals are migrated. */
export const JOURNAL_FORMAT = 'roleplay-journal';
export const JOURNAL_VERSION = 2;

/**
 * Why the run waits for the person before the next turn. Several can stand together (a breakpoint in step mode);
 * space lets the run go on past all of them.
 */
export type Hold =
  | { kind: 'step' }
  | { kind: 'breakpoint'; spec: string; message: string }
  | { kind: 'budget'; spentUsd: number; maxUsd: number }
  | { kind: 'failure'; message: string }
  | { kind: 'stopped'; message: string };

/**
 * A request as the journal stores it: the first `keep` messages of the request of turn `base` (the turn that
 * started just before, in journal order), then `add`. `add` is never empty: its last message is the turn's prompt.
 */
export interface RequestDelta {
  base: string | null;
  keep: number;
  add: ChatMessage[];
}

export interface WorkflowOutline {
  description: string;
  roles: Array<{ id: string; name: string }>;
  artifacts: Array<{ id: string; name: string }>;
  phases: Array<{
    id: string;
    name: string;
    conversations: Array<{
      id: string;
      name: string;
      lead: string;
      assistant: string;
      input: string;
      output: string;
      maxTurns: number;
    }>;
  }>;
}

export interface NextTurn {
  conversationId: string | null;
  kind: TurnKind;
  role: string | null;
  side: Side | null;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  /** True when the server sent no usage and the numbers are estimated from the text. */
  estimated: boolean;
}

/** Every event the engine emits. The journal stores them; headless and the TUI render them. */
export type EngineEventBody =
  | {
      type: 'run.started';
      sessionId: string;
      task: string;
      provider: string;
      model: string;
      mode: Mode;
      context: 'thread' | 'scoped';
      format: typeof JOURNAL_FORMAT;
      version: number;
      workflow: WorkflowOutline;
      /** The whole resolved config, so a session can be resumed from its journal alone. */
      config: ResolvedConfig;
      /** The base URL of an OpenAI-compatible server, when one was used. Never a key. */
      endpoint: string | null;
    }
  | { type: 'run.resumed'; version: number; sessionId: string; fromSeq: number; provider: string; model: string; mode: Mode }
  | { type: 'phase.started'; phaseId: string; index: number }
  | { type: 'phase.ended'; phaseId: string; skipped: boolean }
  | { type: 'conversation.started'; conversationId: string; phaseId: string }
  | {
      type: 'conversation.ended';
      conversationId: string;
      reason: ConversationEndReason;
      turns: number;
      artifact: { id: string; text: string; incomplete: boolean } | null;
    }
  | {
      type: 'turn.started';
      turnId: string;
      conversationId: string | null;
      kind: TurnKind;
      role: string | null;
      side: Side | null;
      index: number;
      attempt: number;
      model: string;
      temperature: number | undefined;
      /** The exact messages sent for this turn, as what they add to the request before. */
      request: RequestDelta;
      /** The customer messages this request delivers for the first time (they were waiting for a turn). */
      heard: string[];
    }
  | { type: 'token'; turnId: string; text: string }
  | { type: 'usage'; turnId: string; usage: Usage }
  | { type: 'retrying'; turnId: string; attempt: number; maxAttempts: number; delayMs: number; reason: string }
  | {
      type: 'turn.ended';
      turnId: string;
      status: TurnStatus;
      text: string;
      speaker: string | null;
      endsConversation: boolean;
      durationMs: number;
      firstTokenMs: number | null;
    }
  | { type: 'turn.discarded'; turnId: string; reason: 'regenerate' | 'rewind' | 'quit' }
  | { type: 'turn.edited'; turnId: string; text: string; previous: string; endsConversation: boolean }
  | { type: 'conversation.rewound'; conversationId: string; toIndex: number; discarded: string[] }
  | { type: 'config.reloaded'; config: ResolvedConfig; changed: string[] }
  | { type: 'breakpoint'; spec: string; message: string }
  | { type: 'budget.reached'; spentUsd: number; maxUsd: number }
  /** The person spoke as the customer; the message waits for the next turn, which hears it (`turn.started.heard`). */
  | { type: 'customer.message'; customerId: string; conversationId: string | null; text: string }
  /**
   * Customer messages no turn will hear: sent after the turn a rewind went back to (`rewind`), or still waiting
   * when the run had no turn left (`no-turn-left`).
   */
  | { type: 'customer.withdrawn'; customerIds: string[]; reason: 'rewind' | 'no-turn-left' }
  | { type: 'mode.changed'; mode: Mode }
  | { type: 'waiting'; holds: Hold[]; next: NextTurn }
  | { type: 'resumed' }
  | { type: 'warning'; code: string; message: string; turnId?: string }
  | { type: 'error'; message: string; fatal: boolean; turnId?: string }
  | { type: 'run.finished'; status: RunStatus; reason: string | null };

/** An event as emitted: the body plus its place in the session. */
export type EngineEvent = EngineEventBody & { seq: number; t: number };
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
  /** Drop the last reply of the current conversation and generate it again. */
  regenerate(): void;
  quit(): void;
}

/** What a live run offers beyond a replay: taking turns back, editing, and reloading the config. */
export interface DebugCommands {
  /** Take back the replies of the current conversation from this turn on, and generate it again. */
  rewind(turnId: string | null): void;
  /** Replace the last reply's text before the run goes on. */
  edit(text: string): void;
  reloadConfig(config: ResolvedConfig): { ok: true; changed: string[] } | { ok: false; reason: string };
}
