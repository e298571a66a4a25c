/**
 * Requests as the journal stores them (format 2): each turn's `request` is a delta on the request of the turn that
 * started before it. The writer makes deltas with `requestDelta`; readers resolve them with a `RequestBook`.
 */
import type { EventOf, RequestDelta } from './events.js';
import type { ChatMessage } from '../providers/types.js';

/**
 * The whole request of every turn it was fed, in journal order. A turn's request shares its message objects with
 * the request it was built on: keeping every turn's request costs an array of pointers per turn, not the text again.
 */
export class RequestBook {
  private readonly requests = new Map<string, readonly ChatMessage[]>();

  /** Resolves a turn's request from the turns fed before it, keeps it, and returns it. */
  add(event: Pick<EventOf<'turn.started'>, 'turnId' | 'request'>): readonly ChatMessage[] {
    const { base, keep, add } = event.request;
    let messages: readonly ChatMessage[];
    if (base === null || keep === 0) {
      messages = add;
    } else {
      const before = this.requests.get(base);
      if (!before) throw new Error(`the request of turn ${event.turnId} builds on turn ${base}, which is not in the book`);
      if (keep > before.length) throw new Error(`the request of turn ${event.turnId} keeps ${keep} messages of ${before.length}`);
      messages = before.slice(0, keep).concat(add);
    }
    this.requests.set(event.turnId, messages);
    return messages;
  }

  /** The full request of a turn, or undefined for a turn not fed. */
  get(turnId: string): readonly ChatMessage[] | undefined {
    return this.requests.get(turnId);
  }

  get size(): number {
    return this.requests.size;
  }
}

function same(a: ChatMessage, b: ChatMessage): boolean {
  // Identical string objects compare in O(1); a thread's messages are the same objects turn after turn.
  return a === b || (a.role === b.role && a.content === b.content);
}

/**
 * The delta that stores `next` after the request `previous` of turn `previousTurnId`: their longest common prefix,
 * kept, and the rest added. At most `next.length - 1` messages are kept, so `add` always ends with the prompt.
 */
export function requestDelta(previous: readonly ChatMessage[] | null, previousTurnId: string | null, next: readonly ChatMessage[]): RequestDelta {
  let keep = 0;
  if (previous && previousTurnId !== null) {
    const most = Math.min(previous.length, next.length - 1);
    while (keep < most && same(previous[keep] as ChatMessage, next[keep] as ChatMessage)) keep++;
  }
  return keep === 0 ? { base: null, keep: 0, add: next.slice() } : { base: previousTurnId, keep, add: next.slice(keep) };
}
