/**
 * Requests as the journal stores them: what each adds to the request of the turn before. A thread-mode request
 * holds every earlier one, so storing each whole made a journal grow with the square of its turns.
 */
import type { ChatMessage } from '../providers/types.js';
import type { RequestDelta } from './events.js';

/** The delta from `previous` (the request of turn `base`) to `next`; `add` always ends with the prompt. */
export function requestDelta(base: { turnId: string; messages: readonly ChatMessage[] } | null, next: readonly ChatMessage[]): RequestDelta {
  const previous = base?.messages ?? [];
  const limit = Math.min(previous.length, next.length - 1);
  let keep = 0;
  while (keep < limit && previous[keep]?.role === next[keep]?.role && previous[keep]?.content === next[keep]?.content) keep++;
  return { base: keep > 0 && base ? base.turnId : null, keep, add: next.slice(keep) };
}

/**
 * Rebuilds the exact request of every turn from the deltas, in journal order. Requests share their message
 * objects, so keeping all of them costs an array of references per turn, not the text again.
 */
export class RequestResolver {
  private readonly requests = new Map<string, readonly ChatMessage[]>();

  add(turnId: string, delta: RequestDelta): readonly ChatMessage[] {
    const base = delta.base === null ? [] : (this.requests.get(delta.base) ?? []);
    const messages = delta.keep === 0 ? delta.add : [...base.slice(0, delta.keep), ...delta.add];
    this.requests.set(turnId, messages);
    return messages;
  }

  get(turnId: string): readonly ChatMessage[] | undefined {
    return this.requests.get(turnId);
  }
}
