import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A small tmpfs of its own: a disk that fills up for real. */
export interface Tmpfs {
  dir: string;
  /** Gives it another size, e.g. room again after it filled up. */
  resize(size: string): void;
  unmount(): void;
}

/**
 * Mounts a tmpfs of `size` (e.g. "48k") on a new temp folder, or says why it cannot: mounting needs root (or
 * CAP_SYS_ADMIN), which CI has on this kind of machine but a developer's container may not.
 */
export function mountTmpfs(size: string): Tmpfs | { skip: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'roleplay-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    rmdirSync(dir);
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    return { skip: `cannot mount a tmpfs here: ${stderr || (error as Error).message}` };
  }
  return {
    dir,
    resize: (next) => execFileSync('mount', ['-o', `remount,size=${next}`, dir], { stdio: 'pipe' }),
    unmount: () => {
      execFileSync('umount', [dir], { stdio: 'pipe' });
      rmdirSync(dir);
    },
  };
}
