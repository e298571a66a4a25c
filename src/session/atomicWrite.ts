/**
 * Replaces a file whole: the text goes to a temporary file in the same folder, which is flushed to disk and then
 * renamed over the target. A crash or a full disk in the middle leaves the old file (or none), never half of one.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

export function writeFileAtomicSync(file: string, text: string, mode = 0o600): void {
  // A dot file, so that a crash before the rename leaves nothing that looks like an artifact or a transcript.
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}-${Math.random().toString(36).slice(2, 8)}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx', mode);
    writeAll(fd, Buffer.from(text, 'utf8'));
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, file);
  } catch (error) {
    quietly(() => fd !== undefined && closeSync(fd));
    quietly(() => rmSync(temp, { force: true }));
    throw error;
  }
}

/** `writeSync` may write less than asked (a disk that just filled up): go on until all of it is written, or it throws. */
export function writeAll(
  fd: number,
  data: Uint8Array,
  write: (fd: number, data: Uint8Array, offset: number, length: number) => number = writeSync,
): void {
  for (let offset = 0; offset < data.length;) {
    const written = write(fd, data, offset, data.length - offset);
    if (written <= 0) throw Object.assign(new Error('nothing was written'), { code: 'EIO' });
    offset += written;
  }
}

function quietly(clean: () => unknown): void {
  try {
    clean();
  } catch {
    // The write already failed: that is the error to report.
  }
}
