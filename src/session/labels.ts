/**
 * A session's label (`--label`, `L` in the branch list): one short line in `<session>/label`, beside the journal.
 * It names a run for the person and changes nothing of the session, so it lives outside the journal and can be
 * set on any session, finished or not, without writing into it.
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { writeFileAtomicSync } from './atomicWrite.js';

const LABEL_FILE = 'label';
const MAX_LABEL = 60;

/** The label as given, trimmed; a label of more than one line or too long is a UsageError saying so. */
function checkLabel(text: string): string {
  const label = text.trim();
  if (/[\r\n]/.test(label)) throw new UsageError('--label takes one line of text');
  if (label.length > MAX_LABEL) throw new UsageError(`--label takes at most ${MAX_LABEL} characters (this one has ${label.length})`);
  return label;
}

export function readLabel(dir: string): string | null {
  try {
    const label = readFileSync(path.join(dir, LABEL_FILE), 'utf8').trim();
    return label || null;
  } catch {
    return null;
  }
}

/** Sets (or, with an empty text, removes) the label of the session in `dir`. */
export function writeLabel(dir: string, text: string): void {
  const label = checkLabel(text);
  if (!label) rmSync(path.join(dir, LABEL_FILE), { force: true });
  else writeFileAtomicSync(path.join(dir, LABEL_FILE), `${label}\n`);
}
