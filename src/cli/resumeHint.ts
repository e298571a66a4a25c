/** The command that resumes a session, written so that it works when pasted into a shell as printed. */
import path from 'node:path';

const DEFAULT_OUT = '.roleplay';

// Characters that no POSIX shell (nor zsh or fish) treats specially in a word; zsh expands a leading "=".
const PLAIN = /^[A-Za-z0-9_./-][A-Za-z0-9_@%+=:,./-]*$/;
// Tab is safe to print, and single quotes keep it.
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/;

/**
 * One word for a POSIX shell: as it is when nothing in it is special, else in single quotes. A word with control
 * characters is written in ANSI-C quotes ($'...', bash, zsh, ksh and POSIX.1-2024), so that printing the command
 * puts no control character on the terminal.
 */
export function shellQuote(word: string): string {
  if (PLAIN.test(word)) return word;
  if (!CONTROL.test(word)) return `'${word.replace(/'/g, `'\\''`)}'`;
  const escaped = [...word]
    .map((c) => {
      if (c === '\\' || c === "'") return `\\${c}`;
      if (!CONTROL.test(c)) return c;
      return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
    })
    .join('');
  return `$'${escaped}'`;
}

/**
 * `roleplay --resume <id>` for the session in `dir`, run from `cwd`: with `--out` when the session is not under the
 * default `.roleplay`, or the session's own path when it is not in an `--out` folder's `sessions/` at all.
 */
export function resumeCommand(session: { sessionId: string; dir: string }, cwd: string): string {
  return sessionCommand(['--resume'], session, cwd);
}

/** `roleplay <words> <session>` for the session in `dir` (`export`, `replay`), written as resumeCommand's is. */
export function sessionCommand(verb: string[], session: { sessionId: string; dir: string }, cwd: string): string {
  const dir = path.resolve(cwd, session.dir);
  const sessions = path.dirname(dir);
  const words = ['roleplay', ...verb];
  if (path.basename(dir) !== session.sessionId || path.basename(sessions) !== 'sessions') {
    words.push(shown(dir, cwd));
  } else {
    words.push(session.sessionId);
    const out = path.dirname(sessions);
    if (out !== path.resolve(cwd, DEFAULT_OUT)) words.push('--out', shown(out, cwd));
  }
  return words.map(shellQuote).join(' ');
}

/** A path as the command shows it: relative to `cwd` when inside it, else absolute. */
function shown(target: string, cwd: string): string {
  const relative = path.relative(cwd, target);
  if (!relative) return '.';
  if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return target;
  // "-x" would read as an option.
  return relative.startsWith('-') ? `.${path.sep}${relative}` : relative;
}
