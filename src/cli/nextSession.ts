/**
 * The session the TUI was left for (`f`, the branch list), held until the command that ran the TUI has returned:
 * main.ts then opens it (branchSwitch.ts). Held here, not followed from inside the command, so that no command
 * imports another.
 */
import type { TuiNext } from '../ui/branches.js';
import type { RunFlags } from './setup.js';

let pending: { next: TuiNext; flags: RunFlags } | undefined;

export function switchTo(next: TuiNext, flags: RunFlags): void {
  pending = { next, flags };
}

export function takeSwitch(): { next: TuiNext; flags: RunFlags } | undefined {
  const taken = pending;
  pending = undefined;
  return taken;
}

export function switchPending(): boolean {
  return pending !== undefined;
}
