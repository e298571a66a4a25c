/** What a model provider sees and yields. No engine or UI concepts beyond the request's metadata. */
import type { z } from 'zod';
import type { ChatMessageSchema } from './messageSchema.js';

export type ChatMessage = z.output<typeof ChatMessageSchema>;

/** Facts about the turn that the offline demo model writes its replies from. Never sent over the network. */
export interface TurnMeta {
  kind: 'sanity' | 'start' | 'switch';
  task: string;
  workflowDescription: string;
  speaker?: { name: string; description: string; side: 'lead' | 'assistant' };
  partner?: { name: string; side: 'lead' | 'assistant' };
  conversation?: { name: string; description: string; turnIndex: number };
  input?: { name: string; description: string; text: string | undefined };
  output?: { name: string; description: string };
  /** Customer messages sent since the previous reply. */
  customer: string[];
}

export interface ModelRequest {
  model: string;
  temperature: number | undefined;
  messages: ChatMessage[];
  meta: TurnMeta;
}

/** How the server said a reply ended, when not plainly: cut at its token limit, or stopped by its content filter. */
export type FinishMark = 'length' | 'content_filter';

export type StreamChunk =
  | { type: 'delta'; text: string }
  | { type: 'usage'; promptTokens: number; completionTokens: number }
  /** The model's thinking (`reasoning_content`, `reasoning`): kept apart from the reply, never sent back. */
  | { type: 'reasoning'; text: string }
  /** The model refused (`delta.refusal`): the refusal's text, shown as such and not retried. */
  | { type: 'refusal'; text: string }
  /** The server ended the reply with a finish reason; `mark` is set when the reply is not whole. */
  | { type: 'finish'; mark: FinishMark | null };

export interface Provider {
  /** Shown to the user: "demo", or the model host. */
  readonly label: string;
  stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<StreamChunk>;
}

/**
 * Failures that are the user's to fix rather than the network's: a server that is not there at all, a key it
 * refuses, a model it does not know (404) or the key may not use (403), an account out of quota, a request longer
 * than the model's context. They are not retried, and a run exits 2 for them.
 */
export type SetupFault = 'unreachable' | 'auth' | 'model' | 'access' | 'quota' | 'context';

/** A provider failure, classified so the engine can decide to retry. */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
    readonly status?: number,
    readonly setupFault?: SetupFault,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}
