import { EXIT } from '../errors.js';

/**
 * Ctrl+C, SIGTERM, a reader that closed the pipe (`| head`), or a terminal that hung up (SIGHUP), for a run without
 * a TUI: the first asks `quit` to stop cleanly (the session is saved on the way out); a second one leaves at once,
 * after `beforeExit`.
 */
export function onInterrupt(
  quit: (reason: string) => void,
  beforeExit: () => void = () => {},
): { readonly interrupted: boolean; readonly hungUp: boolean; dispose(): void } {
  let interrupted = false;
  let hungUp = false;
  const stop = (reason: string) => {
    if (interrupted) {
      beforeExit();
      process.exit(hungUp ? EXIT.hangup : EXIT.interrupted);
    }
    interrupted = true;
    quit(reason);
  };
  const onSignal = () => stop('quit by the user');
  const onHangup = () => {
    hungUp = true;
    stop('the terminal hung up');
  };
  const onPipe = () => stop('the output was closed');
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onHangup);
  process.stdout.on('error', onPipe);
  return {
    get interrupted() {
      return interrupted;
    },
    get hungUp() {
      return hungUp;
    },
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('SIGHUP', onHangup);
      process.stdout.off('error', onPipe);
    },
  };
}
