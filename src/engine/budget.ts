import type { Usage } from './events.js';

/** What a run has cost so far against its `--max-cost`; turns whose model has no price are not counted. */
export class Budget {
  private reached = false;

  constructor(
    private readonly maxUsd: number | undefined,
    private readonly costOf: ((model: string, usage: Usage, endpoint?: string) => number | undefined) | undefined,
    private spentUsd = 0,
  ) {}

  /** The news, once, when what was spent before (a resumed run) already reaches the budget. */
  check(): { spentUsd: number; maxUsd: number } | undefined {
    if (this.maxUsd === undefined || this.reached || this.spentUsd < this.maxUsd) return undefined;
    this.reached = true;
    return { spentUsd: this.spentUsd, maxUsd: this.maxUsd };
  }

  /** Counts one turn; returns the news the first time the total reaches the budget. */
  add(model: string, usage: Usage, endpoint?: string): { spentUsd: number; maxUsd: number } | undefined {
    const cost = this.costOf?.(model, usage, endpoint);
    if (cost === undefined) return undefined;
    this.spentUsd += cost;
    if (this.maxUsd === undefined || this.reached || this.spentUsd < this.maxUsd) return undefined;
    this.reached = true;
    return { spentUsd: this.spentUsd, maxUsd: this.maxUsd };
  }
}
