import type { ResolvedConfig } from '../config/resolve.js';
import type { ChatMessage } from '../providers/types.js';

/** What the person (or the run's own limits) asked of the run, in the order asked, until the run acts on it. */
export type Intent =
  | { kind: 'skip'; scope: 'conversation' | 'phase' }
  /** Take back the last reply and ask again (or retry a turn that failed). */
  | { kind: 'regenerate' }
  /** Take back the replies of the current conversation from this one on. */
  | { kind: 'rewind'; turnId: string }
  /** `turnId`: the final reply of a conversation that ended (its artifact follows); else the last reply. */
  | { kind: 'edit'; text: string; turnId?: string }
  /** The person's reply for the turn that waits for it (a seat they play). */
  | { kind: 'reply'; text: string }
  /** Send this request for the turn the gate holds (the person edited it at a `request:` breakpoint). */
  | { kind: 'request'; messages: ChatMessage[] }
  /** Accept the draft that waits (`--approve`), as it is or as the person edited it. */
  | { kind: 'approve'; text: string | null }
  /** `changed`: what differs from the config before it, as the reload told the person. */
  | { kind: 'reload'; config: ResolvedConfig; changed: string[] }
  /** End the run: quit by the person, stopped by the budget, or failed (retries ran out, the session cannot be saved). */
  | { kind: 'stop'; status: 'quit' | 'budget' | 'failed'; reason: string };

export type StopIntent = Extract<Intent, { kind: 'stop' }>;

/** One queue of intents. A stop outranks everything queued before it, and the first stop asked for is the one kept. */
export class IntentQueue {
  private items: Intent[] = [];

  push(intent: Intent): void {
    this.items.push(intent);
  }

  /** The next intent that is not a stop (a stop stays until the run ends on it). */
  next(): Exclude<Intent, StopIntent> | undefined {
    const at = this.items.findIndex((i) => i.kind !== 'stop');
    if (at < 0) return undefined;
    return this.items.splice(at, 1)[0] as Exclude<Intent, StopIntent>;
  }

  get stop(): StopIntent | undefined {
    return this.items.find((i): i is StopIntent => i.kind === 'stop');
  }

  has(kind: Intent['kind']): boolean {
    return this.items.some((i) => i.kind === kind);
  }
}
