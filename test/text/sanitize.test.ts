import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sanitize, StreamSanitizer } from '../../src/text/sanitize.js';
import { startsWith } from '../../src/text/startsWith.js';

// Anything that could make a terminal act: ESC, C1 controls, other C0 controls, BiDi overrides.
const DANGER = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/;

describe('sanitize', () => {
  it.each([
    ['\x1b[31mred\x1b[0m', 'red'],
    ['\x1b[2J\x1b[Hclear', 'clear'],
    ['\x1b]0;pwned title\x07after', 'after'],
    ['\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\', 'link'],
    ['\x1b]52;c;ZWNobyBoaQ==\x07clip', 'clip'],
    ['\x1bP1$qm\x1b\\dcs', 'dcs'],
    ['\x1bX sos \x1b\\a\x1b^pm\x1b\\b\x1b_apc\x1b\\c', 'abc'],
    ['\x9b31mC1 csi', 'C1 csi'],
    ['\x9d0;title\x9cok', 'ok'],
    ['bell\x07 back\x08 nul\x00', 'bell back nul'],
    ['a\r\nb\rc', 'a\nb\nc'],
    ['keep\ttabs\nand newlines', 'keep\ttabs\nand newlines'],
    ['abc\u202edcba\u202c', 'abcdcba'],
    ['\x1b7saved\x1b8', 'saved'],
    ['unterminated \x1b]0;title', 'unterminated '],
  ])('%j -> %j', (input, output) => {
    expect(sanitize(input)).toBe(output);
  });

  it('leaves ordinary text, including Unicode, untouched', () => {
    const text = 'Grüße, 你好, emoji 🎉, math ≤ ≥, "quotes" and `code`';
    expect(sanitize(text)).toBe(text);
  });

  it('property: the output never holds a control character or escape', () => {
    const arb = fc.array(
      fc.oneof(
        fc.string(),
        fc.constantFrom('\x1b', '\x1b[', '\x1b]', '\x07', '\x9b', '\x9d', '\x9c', '\x1b\\', '\u202e', '\r', '\x00', '\x7f', '[31m', ';', '\n'),
      ),
      { maxLength: 30 },
    );
    fc.assert(
      fc.property(arb, (parts) => {
        expect(DANGER.test(sanitize(parts.join('')))).toBe(false);
      }),
    );
  });

  it('property: split anywhere, the stream sanitiser emits no control and matches sanitize() on whole sequences', () => {
    const pieces = fc.array(
      fc.constantFrom(
        'text ',
        '\x1b[31m',
        'red',
        '\x1b[0m',
        '\x1b]0;title\x07',
        '\n',
        'ok',
        '\x1b]8;;u\x1b\\',
        '\x9b2J',
        'a\r\nb',
        '\rc',
        '\r',
        '\x1b[0m\n',
      ),
      {
        maxLength: 20,
      },
    );
    fc.assert(
      fc.property(pieces, fc.array(fc.nat(), { maxLength: 10 }), (parts, cuts) => {
        const whole = parts.join('');
        const points = [...new Set(cuts.map((c) => c % (whole.length + 1)))].sort((a, b) => a - b);
        const chunks: string[] = [];
        let last = 0;
        for (const p of points) {
          chunks.push(whole.slice(last, p));
          last = p;
        }
        chunks.push(whole.slice(last));
        const stream = new StreamSanitizer();
        const out = chunks.map((c) => stream.push(c)).join('') + stream.end();
        expect(DANGER.test(out)).toBe(false);
        expect(out).toBe(sanitize(whole));
      }),
    );
  });
});

describe('the stream sanitiser, at every cut', () => {
  const atEveryCut = (whole: string) => {
    for (let cut = 0; cut <= whole.length; cut++) {
      const stream = new StreamSanitizer();
      const out = stream.push(whole.slice(0, cut)) + stream.push(whole.slice(cut)) + stream.end();
      expect(out, `cut at ${cut}`).toBe(sanitize(whole));
    }
  };

  it('a carriage return, codes, then its newline: one newline, as the whole text gives', () => {
    atEveryCut('Line one is \x1b[31mred\r\x1b[0m\nLine two.\r\n');
    atEveryCut('code a\r\x1b[0m\ncode b\r\n\rc');
  });

  it('a string sequence longer than it holds is dropped to its end, and what follows it shows', () => {
    const whole = `Title next: \x1b]0;${'y'.repeat(9000)}\x07 after the title.`;
    for (const cut of [13, 15, 4000, 9013, 9016, whole.length - 3]) {
      const stream = new StreamSanitizer();
      const after = whole.slice(cut);
      const pieces = [
        whole.slice(0, cut),
        ...Array.from({ length: Math.ceil(after.length / 1000) }, (_, i) => after.slice(i * 1000, (i + 1) * 1000)),
      ];
      const shown = pieces.map((piece) => stream.push(piece)).join('');
      expect(shown + stream.end()).toBe('Title next:  after the title.');
      expect(shown).not.toContain('yyy');
    }
  });
});

describe('startsWith', () => {
  it('property: answers as String.prototype.startsWith', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', '漢', '\n') });
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(startsWith(a, b)).toBe(a.startsWith(b));
        expect(startsWith(a + b, a)).toBe(true);
      }),
    );
  });
});
