import type { Hold, Mode } from './events.js';

/**
 * What the person at the keyboard holds the run with: step mode, and the reasons it stopped for them (a
 * breakpoint, the budget, a failure, a reply they stopped). Several holds can stand at once, and each is shown;
 * one step lets the run go past all of them. The engine and the replay player share it, so space, `a` and `x`
 * mean the same in a live run and in a replay.
 */
export class Gate {
  private holds: Hold[] = [];
  /** Steps asked for and not yet taken: two spaces in one chunk of keys are two turns. */
  private steps = 0;
  private wake: (() => void) | null = null;
  /** A poke that came while nobody waited: the next wait ends at once, so that it is not lost. */
  private poked = false;
  /** The holds the last step let go of, while that step is not taken yet: `takeBack` puts them back. */
  private released: Hold[] = [];

  constructor(
    private currentMode: Mode,
    private readonly onModeChange: (mode: Mode) => void,
  ) {}

  get mode(): Mode {
    return this.currentMode;
  }

  setMode(mode: Mode): void {
    if (mode !== this.currentMode) {
      this.currentMode = mode;
      this.onModeChange(mode);
    }
    this.poke();
  }

  hold(hold: Hold): void {
    this.holds.push(hold);
    this.poke();
  }

  /** Space: go past every hold, and take one step in step mode. */
  release(): void {
    this.released = this.steps === 0 ? this.holds : [...this.released, ...this.holds];
    this.holds = [];
    this.steps++;
    this.poke();
  }

  /**
   * Takes back the last step asked for and not yet taken, and puts back the holds it let go of: x right after space,
   * in one chunk of keys, before the turn began. False when no step waits to be taken.
   */
  takeBack(): boolean {
    if (this.steps === 0) return false;
    this.steps--;
    if (this.steps === 0) {
      this.holds = [...this.released, ...this.holds];
      this.released = [];
    }
    this.poke();
    return true;
  }

  /** The holds go (a draft was accepted), without taking a step. */
  clearHolds(): void {
    this.holds = [];
    this.poke();
  }

  /** What holds the run now; `atTurn` is whether step mode holds here (before a turn). */
  current(atTurn = true): Hold[] {
    const step: Hold[] = atTurn && this.currentMode === 'step' && this.steps === 0 ? [{ kind: 'step' }] : [];
    return [...step, ...this.holds];
  }

  get stopped(): boolean {
    return this.holds.length > 0;
  }

  /** A turn went: the step it took is spent. */
  pass(): void {
    this.steps = Math.max(0, this.steps - 1);
    if (this.steps === 0) this.released = [];
  }

  /**
   * Resolves at the next command that may change what the run should do, or at once if one came since the last
   * wait ended: a command sent from a listener of the `waiting` event comes before the run awaits here.
   */
  changed(): Promise<void> {
    if (this.poked) {
      this.poked = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => (this.wake = resolve));
  }

  poke(): void {
    const wake = this.wake;
    this.wake = null;
    if (wake) wake();
    else this.poked = true;
  }
}
