/** Opens the compare view of `roleplay diff a b` on a terminal: the alternate screen until q. */
import { render } from 'ink';
import type { SessionDiff } from '../session/sessionDiff.js';
import { CompareView } from './CompareView.js';

const ENTER = '\x1b[?1049h\x1b[H';
const LEAVE = '\x1b[?25h\x1b[?1049l';

export async function runCompareTui(diff: SessionDiff): Promise<void> {
  process.stdout.write(ENTER);
  try {
    const app = render(<CompareView diff={diff} onClose={() => app.unmount()} />, { exitOnCtrlC: false });
    await app.waitUntilExit();
  } finally {
    process.stdout.write(LEAVE);
  }
}
