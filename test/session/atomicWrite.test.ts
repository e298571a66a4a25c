import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeAll, writeFileAtomicSync } from '../../src/session/atomicWrite.js';
import { tempDir } from '../support/cli.js';
import { mountTmpfs } from '../support/tmpfs.js';

describe('atomic writes', () => {
  it('replace a file whole, owner-only, and leave no temporary file behind', () => {
    const dir = tempDir();
    const file = path.join(dir, 'transcript.md');
    writeFileSync(file, 'old and longer than the new text\n');
    chmodSync(file, 0o644);
    writeFileAtomicSync(file, 'new\n');
    expect(readFileSync(file, 'utf8')).toBe('new\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['transcript.md']);
  });

  it('a rename that fails leaves the target as it was and removes the temporary file', () => {
    const dir = tempDir();
    // A folder where the file should go: the rename fails (EISDIR) after the text was written.
    mkdirSync(path.join(dir, 'plan.md'));
    expect(() => writeFileAtomicSync(path.join(dir, 'plan.md'), 'text')).toThrow(expect.objectContaining({ code: 'EISDIR' }));
    expect(readdirSync(dir)).toEqual(['plan.md']);
    expect(statSync(path.join(dir, 'plan.md')).isDirectory()).toBe(true);
  });

  it('writeAll goes on after a short write, and fails on a write that writes nothing', () => {
    const chunks: string[] = [];
    const short = (_fd: number, data: Uint8Array, offset: number, length: number) => {
      const n = Math.min(3, length);
      chunks.push(Buffer.from(data.subarray(offset, offset + n)).toString());
      return n;
    };
    writeAll(1, Buffer.from('abcdefgh'), short);
    expect(chunks).toEqual(['abc', 'def', 'gh']);
    expect(() => writeAll(1, Buffer.from('x'), () => 0)).toThrow(expect.objectContaining({ code: 'EIO' }));
  });

  it('on a disk that fills up, keeps the old file whole', (ctx) => {
    const disk = mountTmpfs('16k');
    if ('skip' in disk) return ctx.skip(disk.skip);
    try {
      const file = path.join(disk.dir, 'transcript.md');
      writeFileAtomicSync(file, 'the transcript so far\n');
      expect(() => writeFileAtomicSync(file, 'x'.repeat(64 * 1024))).toThrow(expect.objectContaining({ code: 'ENOSPC' }));
      expect(readFileSync(file, 'utf8')).toBe('the transcript so far\n');
      expect(readdirSync(disk.dir)).toEqual(['transcript.md']);
    } finally {
      disk.unmount();
    }
  });
});
