/**
 * Copying a reply or an artifact: to the terminal's clipboard with OSC 52 (xterm, iTerm2, kitty, WezTerm, Windows
 * Terminal, tmux with `set-clipboard`), and always to a file as well, since no terminal says whether it took it.
 */
import path from 'node:path';
import { writeFileAtomicSync } from '../session/atomicWrite.js';

/** Terminals cap OSC 52 (xterm at about 100 KB of base64): past this only the file has it. */
const OSC52_MAX_BYTES = 100_000;

/** Copies `text`; returns where it went, in words, for the notice. */
export function copyText(text: string, write: (data: string) => void, dir: string): string {
  const file = path.join(dir, 'copied.md');
  writeFileAtomicSync(file, text.endsWith('\n') ? text : `${text}\n`);
  const encoded = Buffer.from(text, 'utf8').toString('base64');
  if (encoded.length > OSC52_MAX_BYTES) return `too long for the terminal's clipboard: saved in ${file}`;
  write(`\x1b]52;c;${encoded}\x07`);
  return `to the clipboard (if the terminal takes OSC 52), and saved in ${file}`;
}
