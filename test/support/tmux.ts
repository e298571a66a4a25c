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
    /** tmux itself on this server, for what the helpers below do not cover (`display`, say). */
    tmux,
    screen: (target: string) => tmux('capture-pane', '-p', '-t', target),
    /** Sends keys to a session, as `tmux send-keys` takes them (`-l` first for literal text). */
    keys: (target: string, ...keys: string[]) => void tmux('send-keys', '-t', target, ...keys),
    /** The screen with its colours and attributes, as escape codes. */
    styledScreen: (target: string) => tmux('capture-pane', '-p', '-e', '-t', target),
    /**
     * What the screen looks like, cell by cell: each line as runs of text with the styles that show. tmux writes the
     * same cells with its resets in different places depending on how they were drawn, and a blank cell shows only its
     * background and inverse, so the styles of a blank are kept only when they show.
     */
    lookOf: (target: string) => lookOf(tmux('capture-pane', '-p', '-e', '-t', target)),
    /** Runs a shell command line in a new session, then keeps the pane open so its screen can be read. */
    shell(name: string, cwd: string, command: string, columns = 120, rows = 40): void {
      tmux('new-session', '-d', '-s', name, '-x', String(columns), '-y', String(rows), `cd ${shellQuote(cwd)} && ${command}; sleep 600`);
    },
    /**
     * Starts the CLI; the shell then writes its exit code to `exit-code` in `cwd` and stays, so the screen can be
     * read. With `recordTo`, every byte the CLI writes to the terminal also goes to that file (util-linux `script`,
     * flushed as written).
     */
    start(name: string, cwd: string, args: string[], columns = 120, rows = 40, recordTo?: string): void {
      // CI=true on purpose: Ink would draw only the last frame in CI, and the TUI must still work on a terminal there.
      const cli = `env -u OPENAI_API_KEY -u OPENAI_BASE_URL CI=true ${shellQuote(process.execPath)} ${shellQuote(CLI)} ${args.map(shellQuote).join(' ')}`;
      const run = recordTo ? `script -qfec ${shellQuote(cli)} ${shellQuote(recordTo)}` : cli;
      tmux(
        'new-session',
        '-d',
        '-s',
        name,
        '-x',
        String(columns),
        '-y',
        String(rows),
        `cd ${shellQuote(cwd)} && ${run}; echo $? > exit-code; sleep 600`,
      );
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

/** A styled tmux capture as lines of `[style]text` runs, keeping only what shows (see `lookOf` above). */
function lookOf(styled: string): string {
  // tmux carries the styles from one line to the next: a line starts with what the line before left on.
  let style = new Map<string, string>();
  return styled
    .split('\n')
    .map((line) => {
      const cells: string[] = [];
      for (const part of line.split(/(\x1b\[[0-9;]*m)/)) {
        const sgr = /^\x1b\[([0-9;]*)m$/.exec(part);
        if (sgr) {
          for (const code of (sgr[1] || '0').split(';').map(Number)) {
            if (code === 0) style = new Map();
            else if (code === 1) style.set('bold', '1');
            else if (code === 2) style.set('dim', '1');
            else if (code === 22) {
              style.delete('bold');
              style.delete('dim');
            } else if (code === 3 || code === 4 || code === 7 || code === 9) style.set(`a${code}`, '1');
            else if (code === 23 || code === 24 || code === 27 || code === 29) style.delete(`a${code - 20}`);
            else if ((code >= 30 && code <= 37) || (code >= 90 && code <= 97)) style.set('fg', String(code));
            else if (code === 39) style.delete('fg');
            else if ((code >= 40 && code <= 47) || (code >= 100 && code <= 107)) style.set('bg', String(code));
            else if (code === 49) style.delete('bg');
          }
          continue;
        }
        for (const char of part) {
          const shown = char === ' ' ? [...style].filter(([k]) => k === 'bg' || k === 'a7') : [...style];
          cells.push(
            `${shown
              .sort()
              .map(([k, v]) => `${k}=${v}`)
              .join(',')}|${char}`,
          );
        }
      }
      // Runs of cells of one look.
      const runs: string[] = [];
      let last = '';
      for (const cell of cells) {
        const [look, char] = [cell.slice(0, cell.lastIndexOf('|')), cell.slice(cell.lastIndexOf('|') + 1)];
        // A blank that shows nothing joins the run it is in.
        if ((look === last || (char === ' ' && look === '')) && runs.length) runs[runs.length - 1] += char;
        else {
          runs.push(`[${look}]${char}`);
          last = look;
        }
      }
      return runs.join('').replace(/(\[[^\]]*\] *)+$/, (tail) => (tail.includes('bg=') || tail.includes('a7') ? tail : ''));
    })
    .join('\n')
    .replace(/\n+$/, '');
}
