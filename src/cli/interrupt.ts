import { EXIT } from '../errors.js';

/**
 * Ctrl+C, SIGTERM, or a reader that closed the pipe (`| head`), for a run without a TUI: the first asks
 * `quit` to stop cleanly (the session is saved on the way out); a second one leaves at once, after `beforeExit`.
 */
export function onInterrupt(quit: () => void, beforeExit: () => void = () => {}): { readonly interrupted: boolean; dispose(): void } {
  let interrupted = false;
  const stop = () => {
    if (interrupted) {
      beforeExit();
      process.exit(EXIT.interrupted);
    }
    interrupted = true;
    quit();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.stdout.on('error', stop);
  return {
    get interrupted() {
      return interrupted;
    },
    dispose() {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.stdout.off('error', stop);
    },
  };
}
