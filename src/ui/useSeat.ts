/**
 * The person in a seat, as the TUI sees it: when the run waits for their reply (a role they play, or the turn `h`
 * took), the reply's input opens by itself; `h` takes the next turn once, and on their turn hands the seat back.
 */
import { useEffect, useRef } from 'react';
import type { DebugCommands, Hold } from '../engine/events.js';
import { sanitize } from '../text/sanitize.js';
import { nameOf, type RunState } from '../views/runState.js';

export type PersonHold = Extract<Hold, { kind: 'person' }>;
export type ApprovalHold = Extract<Hold, { kind: 'approval' }>;

/** The hold of a draft that waits for the person's approval (`--approve`), if the run waits at one. */
export function approvalHoldOf(state: RunState): ApprovalHold | undefined {
  return state.waiting?.holds.find((h): h is ApprovalHold => h.kind === 'approval');
}

/** The hold of a turn that waits for the person's reply, if the run waits at one. */
function personHoldOf(state: RunState): PersonHold | undefined {
  return state.waiting?.holds.find((h): h is PersonHold => h.kind === 'person');
}

export type RequestHold = Extract<Hold, { kind: 'request' }>;

/** The hold of a request that waits at a `request:` breakpoint, if the run waits at one. */
export function requestHoldOf(state: RunState): RequestHold | undefined {
  return state.waiting?.holds.find((h): h is RequestHold => h.kind === 'request');
}

/** The 1-based place of the turn the run waits at, in its conversation. */
export function nextIndex(state: RunState): number {
  const next = state.waiting?.next;
  const conversation = next?.conversationId ? state.conversations.get(next.conversationId) : undefined;
  return (conversation?.turns ?? 0) + 1;
}

/** "CTO, turn 3 of Design (Language)": whose reply the person writes. */
export function seatTitle(state: RunState): string {
  const hold = personHoldOf(state);
  const next = state.waiting?.next;
  if (!hold || !next) return '';
  const conversation = next.conversationId ? state.conversations.get(next.conversationId) : undefined;
  const index = conversation ? conversation.turns + 1 : 1;
  return sanitize(`${hold.name}, turn ${index}${conversation ? ` of ${conversation.name}` : ''}`);
}

export function useSeat(options: {
  state: RunState;
  engine: Partial<Pick<DebugCommands, 'takeNextTurn' | 'handBackSeat'>>;
  /** Whether an input is open now (a customer message, a search): the seat's waits for it to close. */
  inputOpen: () => boolean;
  /** Opens the input for the person's reply. */
  open: () => void;
  /** Closes it, when the seat goes back to the model. */
  close: () => void;
  /** Opens the request a `request:` breakpoint holds, for editing. */
  openRequest: () => void;
  notify: (text: string) => void;
}) {
  const { state, engine, notify } = options;
  /** `h` was pressed and the turn it took has not come yet. */
  const pending = useRef(false);
  /** The wait the reply's input last opened for: it opens once for each, not again after esc. */
  const openedFor = useRef<RunState['waiting']>(null);
  useEffect(() => {
    const waiting = state.waiting;
    if (requestHoldOf(state) && waiting !== openedFor.current) {
      openedFor.current = waiting;
      if (!options.inputOpen()) options.openRequest();
      return;
    }
    if (!personHoldOf(state) || waiting === openedFor.current) return;
    pending.current = false;
    openedFor.current = waiting;
    if (!options.inputOpen()) options.open();
  });

  /** `h`: take the next turn, or (on the person's turn, or before the turn taken comes) give it back. */
  const toggle = () => {
    if (!engine.takeNextTurn || !engine.handBackSeat) return notify('a replay has no seat to take');
    if (state.finished) return notify('The run is over: no turn is left to take');
    const hold = personHoldOf(state);
    if (hold || pending.current) {
      engine.handBackSeat();
      pending.current = false;
      options.close();
      const role = hold?.name ?? nameOf(state, 'roles', state.waiting?.next.role ?? null);
      return notify(`${sanitize(role || 'The next turn')} goes back to the model`);
    }
    engine.takeNextTurn();
    pending.current = true;
    notify(
      state.activeTurnId
        ? 'The next turn is yours: once this reply ends, the run waits for yours (h again gives it back)'
        : 'The next turn is yours: write the reply (h again gives it back)',
    );
  };

  return { toggle, yours: () => personHoldOf(state) !== undefined };
}
