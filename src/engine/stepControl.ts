import type { Mode } from './events.js';

/**
 * What the person at the keyboard steers: auto or step mode, a pause and its reason, a step asked for, and
 * the wait until one of them changes. The engine and the replay player both hold one, so space, `a` and `x`
 * mean the same in a live run and in a replay.
 */
export class StepControl {
  paused: string | null = null;
  stepRequested = false;
  private wake: (() => void) | null = null;

  constructor(
    public mode: Mode,
    private readonly onModeChange: (mode: Mode) => void,
  ) {}

  /** The next turn (step mode), or going on after a pause. */
  step(): void {
    this.stepRequested = true;
    this.paused = null;
    this.poke();
  }

  setMode(mode: Mode): void {
    if (mode !== this.mode) {
      this.mode = mode;
      this.onModeChange(mode);
    }
    if (mode === 'auto') this.paused = null;
    this.poke();
  }

  /** Whether the next turn waits for the person: paused, or in step mode with no step asked for. */
  get holding(): boolean {
    return this.paused !== null || (this.mode === 'step' && !this.stepRequested);
  }

  /** Resolves at the next command that may change what the run should do. */
  changed(): Promise<void> {
    return new Promise((resolve) => (this.wake = resolve));
  }

  poke(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}
