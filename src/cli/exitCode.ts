/**
 * The exit code of a run says how the run ended, the same in the TUI and headless, whichever way the program is
 * then left: a script can tell a finished run from one to resume.
 */
import type { RunStatus } from '../engine/events.js';
import { EXIT } from '../errors.js';

export type RunEnd =
  /** The run ended by itself: completed, failed, or stopped at its budget. */
  | { by: 'itself'; status: RunStatus }
  /** Stopped before its end by the person: q or Ctrl+C twice in the TUI, Ctrl+C, SIGINT, SIGTERM, a closed pipe. */
  | { by: 'you' }
  /** The terminal went away (SIGHUP). */
  | { by: 'hangup' }
  /** The TUI itself crashed. */
  | { by: 'crash' }
  /** The session could no longer be saved. */
  | { by: 'fault' };

/** 0 completed; 1 failed or stopped itself (budget); 130 stopped by you before the end; 129 hung up. */
export function exitCodeFor(end: RunEnd): number {
  switch (end.by) {
    case 'itself':
      return end.status === 'completed' ? EXIT.ok : EXIT.failed;
    case 'you':
      return EXIT.interrupted;
    case 'hangup':
      return EXIT.hangup;
    case 'crash':
    case 'fault':
      return EXIT.failed;
  }
}
