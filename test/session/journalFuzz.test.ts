/**
 * Journal fuzzing: whatever bytes a journal holds, reading it either succeeds or fails with a UsageError of one
 * line that names the file and a line of it; never a TypeError or a stack trace.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { readJournal } from '../../src/session/journalReader.js';
import { completeRun, stamp } from './fixtures.js';
import { v1Journal } from './journalV1.js';

const cwd = mkdtempSync(path.join(tmpdir(), 'roleplay-fuzz-'));
const file = path.join(cwd, 'events.jsonl');
const V2 = stamp(completeRun()).map((e) => JSON.stringify(e));
const V1 = v1Journal().map((e) => JSON.stringify(e));

/** Reads `text` as a journal; returns null when it reads, else the error's message, checked for its form. */
function outcome(text: string | Uint8Array, chunkSize: number): string | null {
  writeFileSync(file, text);
  const lines = (typeof text === 'string' ? text : Buffer.from(text).toString('utf8')).split('\n').length;
  try {
    readJournal(file, cwd, { chunkSize });
    return null;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const { message } = error;
    expect(message).not.toMatch(/[\n\r]/);
    const m = /^events\.jsonl:(\d+): \S/.exec(message);
    expect(m, message).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(1);
    expect(Number(m![1])).toBeLessThanOrEqual(lines);
    return message;
  }
}

const journal = fc.constantFrom(V1, V2);
const chunk = fc.oneof(fc.integer({ min: 1, max: 64 }), fc.constant(1024 * 1024));
const runs = { numRuns: 200 };

describe('journal fuzzing', () => {
  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), chunk, (bytes, size) => void outcome(bytes, size)),
      runs,
    );
  });

  it('random bytes after a valid start', () => {
    fc.assert(
      fc.property(journal, fc.nat(40), fc.uint8Array({ minLength: 1, maxLength: 200 }), chunk, (lines, keep, bytes, size) => {
        const start = Buffer.from(`${lines.slice(0, keep + 1).join('\n')}\n`);
        outcome(Buffer.concat([start, Buffer.from(bytes)]), size);
      }),
      runs,
    );
  });

  it('a line cut short in the middle is an error; the last one is torn', () => {
    fc.assert(
      fc.property(journal, fc.nat(), fc.nat(), chunk, (lines, which, at, size) => {
        const i = which % lines.length;
        const line = lines[i]!;
        const cut = [...lines];
        cut[i] = line.slice(0, at % line.length);
        const message = outcome(`${cut.join('\n')}\n`, size);
        // An empty cut drops the line: that may still be a journal (a token less), or break a rule further on.
        if (!cut[i]) return;
        if (i === lines.length - 1) expect(message).toBeNull();
        else expect(message).toBe(`events.jsonl:${i + 1}: not a JSON event; is this a roleplay events.jsonl?`);
      }),
      runs,
    );
  });

  it('two lines swapped', () => {
    fc.assert(
      fc.property(journal, fc.nat(), fc.nat(), chunk, (lines, a, b, size) => {
        const [i, j] = [a % lines.length, b % lines.length];
        fc.pre(i !== j);
        const swapped = [...lines];
        [swapped[i], swapped[j]] = [swapped[j]!, swapped[i]!];
        expect(outcome(swapped.join('\n'), size)).not.toBeNull();
      }),
      runs,
    );
  });

  it('valid JSON of the wrong shape: a line replaced, or a field of an event set to anything', () => {
    fc.assert(
      fc.property(journal, fc.nat(), fc.jsonValue(), fc.boolean(), chunk, (lines, which, value, replaceLine, size) => {
        const i = which % lines.length;
        const edited = [...lines];
        if (replaceLine) {
          edited[i] = JSON.stringify(value);
        } else {
          const event = JSON.parse(lines[i]!) as Record<string, unknown>;
          const keys = Object.keys(event);
          event[keys[which % keys.length]!] = value;
          edited[i] = JSON.stringify(event);
        }
        outcome(`${edited.join('\n')}\n`, size);
      }),
      runs,
    );
  });

  it('a huge line', () => {
    const huge = JSON.stringify({ type: 'token', turnId: 't1', text: 'x'.repeat(3 * 1024 * 1024), seq: 3, t: 1 });
    const lines = [...V2];
    lines[2] = huge;
    expect(outcome(lines.join('\n'), 64 * 1024)).toBeNull();
    lines[2] = `${huge.slice(0, -1)},"extra":[${'1,'.repeat(500_000)}1]}`;
    expect(outcome(lines.join('\n'), 64 * 1024)).toBe('events.jsonl:3: token: unknown field "extra"');
    lines[2] = huge.slice(0, -2);
    expect(outcome(lines.join('\n'), 64 * 1024)).toBe('events.jsonl:3: not a JSON event; is this a roleplay events.jsonl?');
  });
});
