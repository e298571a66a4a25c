/**
 * Plays a recorded session back as an event source with the engine's command surface, so a view (headless or
 * the TUI) can drive it like a live run. No React in here.
 *
 * Pacing follows the recording's `t` stamps, divided by `speed`; any one gap is capped at `maxGapMs / speed`
 * so long idle waits in the recording (a user thinking in step mode, a retry's back-off) do not stall a demo.
 * The player owns the mode: the recording's `waiting`, `resumed` and `mode.changed` events are dropped, and in
 * step mode the player waits before each `turn.started` and emits its own `waiting`/`resumed`.
 * Re-emitted events get the player's own `seq` and `t` (ms since `run()` started, on the player's clock), so
 * the stream stays ordered when the player adds events of its own.
 */
import type { EngineCommands, EngineEvent, EngineEventBody, EventOf, Mode, NextTurn, RunStatus } from '../engine/events.js';
import { readJournal } from './journalReader.js';
import { Gate } from '../engine/gate.js';
import { EventHub } from '../engine/hub.js';

export interface ReplayClock {
  now(): number;
  /** Resolves after `ms` milliseconds. */
  sleep(ms: number): Promise<void>;
}

const realClock: ReplayClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface ReplayOptions {
  /** 2 plays twice as fast. Default 1. */
  speed?: number;
  /** Default 'auto'. */
  mode?: Mode;
  /** The longest recorded gap that is played as is (before `speed`). Default 2000 ms. */
  maxGapMs?: number;
  clock?: ReplayClock;
  /** Let other work (stdout, key presses) run after this many events played without a sleep. Default 200. */
  yieldEvery?: number;
}

export interface ReplayResult {
  /** The recording's status when it played to the end; `quit` when stopped with `quit()`. */
  status: RunStatus;
  reason: string | null;
  /** False when `quit()` stopped the playback before the end of the recording. */
  playedToEnd: boolean;
  artifacts: Map<string, { text: string; incomplete: boolean }>;
}

/** Events that belong to whoever drives the run, not to the recording. */
const OWNED_BY_PLAYER = new Set<EngineEvent['type']>(['waiting', 'resumed', 'mode.changed']);
const DEFAULT_MAX_GAP_MS = 2000;

const CANNOT_CHANGE = 'This is a replay: it cannot change the recording.';

export class ReplayPlayer implements EngineCommands {
  private readonly events: readonly EngineEvent[];
  private readonly speed: number;
  private readonly maxGapMs: number;
  private readonly clock: ReplayClock;
  private readonly yieldEvery: number;
  private readonly hub: EventHub;
  /** Pacing: clock time at which the scaled timeline was last reset, and scaled ms played since. */
  private base = 0;
  private timeline = 0;
  private sinceYield = 0;
  private started = false;
  private readonly gate: Gate;
  private quitRequested = false;
  private interrupt: (() => void) | null = null;
  private lastTurn: NextTurn = { conversationId: null, kind: 'sanity', role: null, side: null };
  private readonly artifacts = new Map<string, { text: string; incomplete: boolean }>();

  constructor(events: readonly EngineEvent[], options: ReplayOptions = {}) {
    const speed = options.speed ?? 1;
    if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`speed must be a number above 0, not ${speed}`);
    this.events = events;
    this.speed = speed;
    this.maxGapMs = options.maxGapMs ?? DEFAULT_MAX_GAP_MS;
    this.clock = options.clock ?? realClock;
    this.hub = new EventHub(
      () => (this.started ? this.clock.now() : 0),
      undefined,
      (message) => this.emit({ type: 'warning', code: 'listener-failed', message }),
    );
    // The player owns the mode: a recording's own mode changes are not replayed.
    this.gate = new Gate(options.mode ?? 'auto', (mode) => {
      if (this.started) this.emit({ type: 'mode.changed', mode });
    });
    this.yieldEvery = options.yieldEvery ?? 200;
  }

  static fromFile(file: string, options?: ReplayOptions): ReplayPlayer {
    return new ReplayPlayer(readJournal(file).events, options);
  }

  subscribe(listener: (event: EngineEvent) => void): () => void {
    return this.hub.subscribe(listener);
  }

  get currentMode(): Mode {
    return this.gate.mode;
  }

  // ---- commands -------------------------------------------------------------------------------------

  /** In step mode: play the next turn. When paused: go on. */
  step(): void {
    this.gate.release();
  }

  setMode(mode: Mode): void {
    this.gate.setMode(mode);
  }

  takeBackStep(): boolean {
    return this.gate.takeBack();
  }

  /** Pauses the playback where it is, also in the middle of a reply; `step()` or auto mode goes on. */
  abort(): void {
    if (!this.started || this.quitRequested) return;
    if (!this.gate.stopped) this.gate.hold({ kind: 'stopped', message: 'Replay paused: space continues' });
  }

  quit(): void {
    this.quitRequested = true;
    this.gate.poke();
    this.interrupt?.();
  }

  intervene(_text: string): void {
    this.refuse('intervene', 'Speaking as the customer');
  }

  skipConversation(): void {
    this.refuse('skip-conversation', 'Skipping a conversation');
  }

  skipPhase(): void {
    this.refuse('skip-phase', 'Skipping a phase');
  }

  regenerate(): void {
    this.refuse('regenerate', 'Regenerating a reply');
  }

  private refuse(what: string, action: string): void {
    this.emit({ type: 'warning', code: `replay-${what}`, message: `${action} does nothing here. ${CANNOT_CHANGE}` });
  }

  // ---- playback ---------------------------------------------------------------------------------------

  async run(): Promise<ReplayResult> {
    if (this.started) throw new Error('ReplayPlayer.run() may be called once');
    this.started = true;
    this.hub.startClock();
    this.base = this.clock.now();
    let previousT: number | null = null;
    let finished: EventOf<'run.finished'> | null = null;
    let stopped = false;

    for (const event of this.events) {
      if (this.quitRequested) {
        stopped = true;
        break;
      }
      if (OWNED_BY_PLAYER.has(event.type)) {
        // The time the recording spent waiting is not played.
        previousT = event.t;
        continue;
      }
      // The gap before an event is played before it, then the gate may hold it (step mode, paused).
      if (previousT !== null) await this.pace(Math.min(Math.max(0, event.t - previousT), this.maxGapMs) / this.speed);
      previousT = event.t;
      if (this.quitRequested) {
        stopped = true;
        break;
      }
      if (event.type === 'turn.started') {
        this.lastTurn = { conversationId: event.conversationId, kind: event.kind, role: event.role, side: event.side };
      }
      await this.waitAtGate(event.type === 'turn.started');
      if (this.quitRequested) {
        stopped = true;
        break;
      }

      const { seq: _seq, t: _t, ...body } = event;
      if (body.type === 'run.started') body.mode = this.gate.mode;
      if (body.type === 'conversation.ended' && body.artifact) {
        this.artifacts.set(body.artifact.id, { text: body.artifact.text, incomplete: body.artifact.incomplete });
      }
      const emitted = this.emit(body);
      // A resumed session goes on after a run.finished (`run.resumed`): only the last one ends the replay.
      finished = emitted.type === 'run.finished' ? emitted : null;
    }

    if (stopped) {
      const reason = 'replay stopped';
      this.emit({ type: 'run.finished', status: 'quit', reason });
      return { status: 'quit', reason, playedToEnd: false, artifacts: this.artifacts };
    }
    if (finished) return { status: finished.status, reason: finished.reason, playedToEnd: true, artifacts: this.artifacts };
    // The recording ends before the run did: the run was killed.
    const reason = 'the recording ends here: the run was interrupted';
    this.emit({ type: 'warning', code: 'replay-truncated', message: `The recording ends before the run finished: ${reason.split(': ')[1]}.` });
    this.emit({ type: 'run.finished', status: 'quit', reason });
    return { status: 'quit', reason, playedToEnd: true, artifacts: this.artifacts };
  }

  /** Waits `ms` of scaled time, correcting for drift, so many tiny gaps still add up to the right total. */
  private async pace(ms: number): Promise<void> {
    this.timeline += ms;
    const wait = this.base + this.timeline - this.clock.now();
    if (wait >= 1) {
      this.sinceYield = 0;
      await new Promise<void>((resolve) => {
        this.interrupt = resolve;
        this.clock.sleep(wait).then(resolve, resolve);
      });
      this.interrupt = null;
    } else if (++this.sinceYield >= this.yieldEvery) {
      this.sinceYield = 0;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** Holds the next event while paused, or before a turn in step mode, until a command lets it go. */
  private async waitAtGate(turnStart: boolean): Promise<void> {
    let announced = false;
    while (true) {
      if (this.quitRequested) return;
      // Step mode holds only at the start of a turn; a pause holds anywhere, also in the middle of a reply.
      const holds = this.gate.current(turnStart);
      if (holds.length === 0) {
        if (turnStart || announced) this.gate.pass();
        if (announced) {
          this.emit({ type: 'resumed' });
          // Time spent waiting for the user is not owed to the recording.
          this.base = this.clock.now();
          this.timeline = 0;
        }
        return;
      }
      if (!announced) {
        announced = true;
        this.emit({ type: 'waiting', holds, next: this.lastTurn });
      }
      await this.gate.changed();
    }
  }

  private emit(body: EngineEventBody): EngineEvent {
    const event = this.hub.stamp(body);
    this.hub.publish(event);
    return event;
  }
}
