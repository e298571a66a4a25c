import type { EngineEvent, EngineEventBody } from './events.js';

/**
 * Stamps events with their place in the session (`seq`, `t`) and hands them to every listener. A listener that
 * throws (a view with a bug) does not stop the others from hearing the event, and never reaches the code that
 * emitted it: a turn cannot fail as a model error because a view failed. It is told once, as a warning.
 */
export class EventHub {
  private readonly listeners = new Set<(event: EngineEvent) => void>();
  private readonly failed = new Set<(event: EngineEvent) => void>();
  private seq: number;
  private t0: number;

  constructor(
    private readonly now: () => number,
    from: { seq: number; t: number } = { seq: 0, t: -1 },
    /** Told, after the event has reached everyone, that a listener failed; the emitter reports it as it reports anything. */
    private readonly onListenerError: (message: string) => void = () => {},
  ) {
    this.seq = from.seq;
    this.t0 = now() - (from.t + 1);
  }

  /** Counts `t` from now on (a replay's clock starts when it starts playing). */
  startClock(): void {
    this.t0 = this.now();
  }

  subscribe(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stamp(body: EngineEventBody): EngineEvent {
    const seq = ++this.seq;
    const t = Math.round(this.now() - this.t0);
    // A token is most of the events of a run: it gets an object literal of its own, which keeps its shape the same
    // every time. Spreading bodies of two dozen shapes makes V8 copy them the slow way, a few microseconds each.
    return body.type === 'token' ? { type: 'token', turnId: body.turnId, text: body.text, seq, t } : { ...body, seq, t };
  }

  publish(event: EngineEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.report(listener, error);
      }
    }
  }

  private report(listener: (event: EngineEvent) => void, error: unknown): void {
    if (this.failed.has(listener)) return;
    this.failed.add(listener);
    const message = `A view failed on an event and missed it: ${error instanceof Error ? error.message : String(error)}`;
    queueMicrotask(() => this.onListenerError(message));
  }
}
