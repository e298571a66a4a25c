/**
 * One back-off for every run of an eval that talks to the same server: when one request hears 429, no run sends
 * its next request before the server's `retry-after` (or an exponential delay) has passed. Each run still retries
 * its own turn through the engine; this only keeps the others from piling onto a server that asked for a pause.
 */
import { ProviderError, type ModelRequest, type Provider, type StreamChunk } from '../providers/types.js';

export class SharedBackoff {
  /** No request starts before this time (ms since the epoch). */
  private until = 0;
  /** 429s in a row, for the delay when the server names none. */
  private streak = 0;
  /** How often a request waited for the back-off, for the report. */
  waits = 0;

  constructor(
    private readonly baseDelayMs = 1000,
    private readonly maxDelayMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Waits until the back-off is over, or the signal aborts. */
  async ready(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const left = this.until - this.now();
      if (left <= 0) return;
      this.waits++;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        function done() {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          resolve();
        }
        signal.addEventListener('abort', done, { once: true });
      });
    }
  }

  tooManyRequests(retryAfterMs: number | undefined): void {
    this.streak++;
    const delay = retryAfterMs ?? Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (this.streak - 1));
    this.until = Math.max(this.until, this.now() + delay);
  }

  succeeded(): void {
    this.streak = 0;
  }
}

/** A provider whose requests wait for, and report to, a shared back-off. */
export class BackoffProvider implements Provider {
  readonly label: string;

  constructor(
    private readonly inner: Provider,
    private readonly backoff: SharedBackoff,
  ) {
    this.label = inner.label;
  }

  async *stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<StreamChunk> {
    await this.backoff.ready(signal);
    if (signal.aborted) throw signal.reason;
    try {
      yield* this.inner.stream(request, signal);
      this.backoff.succeeded();
    } catch (error) {
      if (error instanceof ProviderError && error.status === 429) this.backoff.tooManyRequests(error.retryAfterMs);
      throw error;
    }
  }
}
