import { execFileSync } from 'node:child_process';
import { CLI } from './cli.js';

/** Whether a command is installed: it runs with `versionFlag`. */
export function installed(command: string, versionFlag = '--version'): boolean {
  try {
    execFileSync(command, [versionFlag], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The built CLI in a real pseudo-terminal: a tmux server of its own, one session per test. */
export const hasTmux = installed('tmux', '-V');

export function tmuxServer() {
  const socket = `roleplay-e2e-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return {
    screen: (target: string) => tmux('capture-pane', '-p', '-t', target),
    /** The screen with its colours and attributes, as escape codes. */
    styledScreen: (target: string) => tmux('capture-pane', '-p', '-e', '-t', target),
    /** Runs a shell command line in a new session, then keeps the pane open so its screen can be read. */
    shell(name: string, cwd: string, command: string, columns = 120, rows = 40): void {
      tmux('new-session', '-d', '-s', name, '-x', String(columns), '-y', String(rows), `cd ${shellQuote(cwd)} && ${command}; sleep 600`);
    },
    /** Starts the CLI; the shell then writes its exit code to `exit-code` in `cwd` and stays, so the screen can be read. */
    start(name: string, cwd: string, args: string[], columns = 120, rows = 40): void {
      const command = `cd ${shellQuote(cwd)} && env -u OPENAI_API_KEY -u OPENAI_BASE_URL CI=true ${shellQuote(process.execPath)} ${shellQuote(CLI)} ${args.map(shellQuote).join(' ')}; echo $? > exit-code; sleep 600`;
      tmux('new-session', '-d', '-s', name, '-x', String(columns), '-y', String(rows), command);
    },
    kill(): void {
      try {
        tmux('kill-server');
      } catch {
        // The server is already gone.
      }
    },
  };
}
