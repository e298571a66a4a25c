import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resumeCommand, shellQuote } from '../../src/cli/resumeHint.js';

/** What a shell makes of `words`: each word it sees, as `printf` prints it. */
function shellWords(shell: string, command: string): string[] {
  return execFileSync(shell, ['-c', `printf '%s\\0' ${command}`], { encoding: 'utf8' })
    .split('\0')
    .slice(0, -1);
}

const hasBash = (() => {
  try {
    execFileSync('bash', ['-c', 'true']);
    return true;
  } catch {
    return false;
  }
})();

describe('shellQuote', () => {
  it('leaves plain words alone and quotes the rest', () => {
    expect(shellQuote('20261123-181500-abc123')).toBe('20261123-181500-abc123');
    expect(shellQuote('runs/today')).toBe('runs/today');
    expect(shellQuote('my runs')).toBe("'my runs'");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('=x')).toBe("'=x'");
  });

  it('gives a POSIX shell back each word as it was', () => {
    const words = ['my runs', "it's", 'a"b', '$HOME', '`id`', '*', '~', 'a;b|c&d', '!x', '(x)', '\\', 'tab\there', 'é ü', ''];
    expect(shellWords('sh', words.map(shellQuote).join(' '))).toEqual(words);
  });

  it.skipIf(!hasBash)('writes control characters as escapes, which bash reads back', () => {
    const words = ['new\nline', 'esc\x1b[2Jx', "bell\x07'q'"];
    const quoted = words.map(shellQuote);
    for (const q of quoted) expect(q).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
    expect(shellWords('bash', quoted.join(' '))).toEqual(words);
  });
});

describe('resumeCommand', () => {
  const cwd = path.resolve('/work/project');
  const id = '20261123-181500-abc123';

  it('is the plain command for a session under the default .roleplay', () => {
    expect(resumeCommand({ sessionId: id, dir: path.join(cwd, '.roleplay', 'sessions', id) }, cwd)).toBe(`roleplay --resume ${id}`);
  });

  it('names --out, quoted, for a session elsewhere', () => {
    expect(resumeCommand({ sessionId: id, dir: path.join(cwd, 'my runs', 'sessions', id) }, cwd)).toBe(`roleplay --resume ${id} --out 'my runs'`);
    expect(resumeCommand({ sessionId: id, dir: path.join(cwd, 'out', 'sessions', id) }, cwd)).toBe(`roleplay --resume ${id} --out out`);
    expect(resumeCommand({ sessionId: id, dir: path.join(cwd, 'sessions', id) }, cwd)).toBe(`roleplay --resume ${id} --out .`);
    // Outside the working directory: the absolute path.
    expect(resumeCommand({ sessionId: id, dir: `/tmp/it's here/sessions/${id}` }, cwd)).toBe(`roleplay --resume ${id} --out '/tmp/it'\\''s here'`);
    expect(resumeCommand({ sessionId: id, dir: path.join(cwd, '-x', 'sessions', id) }, cwd)).toBe(`roleplay --resume ${id} --out ./-x`);
  });

  it('names the session folder itself when it is not in a sessions folder by its id', () => {
    expect(resumeCommand({ sessionId: id, dir: path.join(cwd, 'copy of run') }, cwd)).toBe(`roleplay --resume 'copy of run'`);
  });
});
