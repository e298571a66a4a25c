/**
 * The TUI's one external store. Engine events are folded into a RunState as they come (O(1) per token), but
 * React hears about them at most once per flush interval, so a fast stream costs 12.5 redraws a second,
 * not one per token.
 */
import type { EngineEvent } from '../engine/events.js';
import { applyEvent, createRunState, type RunState } from '../views/runState.js';
import { RequestBook } from '../engine/requestDelta.js';

export interface EventSource {
  subscribe(listener: (event: EngineEvent) => void): () => void;
  /** Events that happened before this view (a resumed session's journal), folded first. */
  readonly history?: readonly EngineEvent[];
}

// 12.5 redraws a second while a reply streams, the pace of the activity spinner: smooth to read, and a fifth less
// CPU than 20 (docs/rendering.md). A key press does not wait for it: Ink draws it at once (at most 60 frames a
// second). Also the frame interval of `replay --cast`.
export const FLUSH_MS = 80;

export class EngineStore {
  readonly state: RunState = createRunState();
  /** The exact messages sent for each turn, rebuilt from the journal's deltas, for the prompt inspector. */
  readonly requests = new RequestBook();
  /** When the reply in progress started here and when text last came for it: what the activity clock counts from. */
  pulse: { turnId: string | null; startedAt: number; lastTextAt: number } = { turnId: null, startedAt: 0, lastTextAt: 0 };
  /** How many times React was told about changes; tests use it to check the batching. */
  flushes = 0;
  private snapshot = 0;
  private readonly listeners = new Set<() => void>();
  private timer: NodeJS.Timeout | null = null;
  private readonly unsubscribe: () => void;

  constructor(
    source: EventSource,
    private readonly flushMs = FLUSH_MS,
    /** The view's clock: the wall clock, or the virtual one a recording is drawn on (`replay --cast`). */
    readonly now: () => number = Date.now,
  ) {
    for (const event of source.history ?? []) this.fold(event);
    this.unsubscribe = source.subscribe((event) => this.receive(event));
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Changes once per flush; the state itself is read from `state`. */
  getSnapshot = (): number => this.snapshot;

  /** Tells subscribers now, e.g. before the process exits, instead of at the next tick. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.snapshot === this.state.version) return;
    this.snapshot = this.state.version;
    this.flushes++;
    for (const listener of this.listeners) listener();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.unsubscribe();
  }

  private fold(event: EngineEvent): void {
    if (event.type === 'turn.started') this.requests.add(event);
    applyEvent(this.state, event);
  }

  private receive(event: EngineEvent): void {
    // The view's clock, not the events' times: a replay's events carry the recording's clock.
    if (event.type === 'turn.started') this.pulse = { turnId: event.turnId, startedAt: this.now(), lastTextAt: this.now() };
    else if ((event.type === 'token' || event.type === 'reasoning' || event.type === 'retrying') && event.turnId === this.pulse.turnId)
      this.pulse.lastTextAt = this.now();
    this.fold(event);
    this.timer ??= setTimeout(() => this.flush(), this.flushMs);
  }
}
