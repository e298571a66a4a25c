/** The thread: the messages that every later request of the run (or of the conversation, when scoped) carries. */
import { renderTemplate } from '../config/prompts.js';
import type { Conversation, ResolvedConfig } from '../config/resolve.js';

/** One message of the thread, tagged with what produced it so that it can be taken back. */
export interface ThreadEntry {
  role: 'user' | 'assistant';
  content: string;
  /** The conversation whose requests carry it when the context is scoped; null for the sanity check. */
  conversationId: string | null;
  /** The turn it belongs to: its prompt and reply, and the customer messages it heard. */
  turnId: string;
  /** Set for a customer message. */
  customerId?: string;
}

/** A customer message as the model reads it: the `customer` template filled in. */
export function customerContent(config: ResolvedConfig, text: string, conversation: Conversation | undefined): string {
  return renderTemplate(config.prompts.customer, { message: text, conversation: conversation?.name ?? '' });
}
