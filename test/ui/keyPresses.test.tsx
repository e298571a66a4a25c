/** The TUI's own reading of key presses names each key as Ink's `useInput` does when the key comes alone. */
import { Text, useInput, type Key } from 'ink';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { KeyReader, pressOf, pressOfSequence, wheelOf } from '../../src/ui/keyPresses.js';
import { waitFor } from './harness.js';

/** What Ink's own useInput reports for each of `keys`, each written on its own. */
async function inkSays(keys: string[]): Promise<Array<{ input: string; key: Key }>> {
  const seen: Array<{ input: string; key: Key }> = [];
  function Probe() {
    useInput((input, key) => void seen.push({ input, key }));
    return <Text>probe</Text>;
  }
  const app = render(<Probe />);
  try {
    for (const key of keys) {
      const before = seen.length;
      app.stdin.write(key);
      await waitFor(
        () => seen.length > before,
        () => `Ink to report ${JSON.stringify(key)}`,
      );
    }
  } finally {
    app.unmount();
  }
  return seen;
}

const flags = (key: Key) =>
  Object.entries(key)
    .filter(([name, value]) => value === true && !['super', 'hyper', 'capsLock', 'numLock'].includes(name))
    .map(([name]) => name)
    .sort();

describe('key presses', () => {
  it('name single characters and the usual escape sequences as useInput does', async () => {
    const chars = ['a', 'Z', '1', ' ', '?', '$', '[', 'é', '\r', '\n', '\t', '\x7f', '\b', '\x03', '\x15', '\x00'];
    const sequences = [
      '\x1b',
      '\x1b[A',
      '\x1b[B',
      '\x1b[C',
      '\x1b[D',
      '\x1bOA',
      '\x1b[H',
      '\x1b[F',
      '\x1b[1~',
      '\x1b[4~',
      '\x1b[5~',
      '\x1b[6~',
      '\x1b[3~',
      '\x1b[Z',
      '\x1b[1;5A',
      '\x1b[1;2B',
      '\x1b[1;3C',
      '\x1b\r',
      '\x1bx',
      '\x1b\x7f',
      '\x1b[[5~',
      '\x1b[a',
    ];
    const ink = await inkSays([...chars, ...sequences]);
    const ours = [...chars.map(pressOf), ...sequences.map((s) => pressOfSequence(s)!)];
    expect(ours.map((p) => ({ input: p.input, key: flags(p.key) }))).toEqual(ink.map((p) => ({ input: p.input, key: flags(p.key) })));
  });

  it('split a run of plain characters into one press per character', () => {
    const reader = new KeyReader();
    expect(reader.read('cq').map((p) => p.input)).toEqual(['c', 'q']);
    expect(reader.read('\x7f\x7f\x7f').map((p) => p.key.delete)).toEqual([true, true, true]);
    expect(reader.read('hi\r').map((p) => [p.input, p.key.return])).toEqual([
      ['h', false],
      ['i', false],
      ['\r', true],
    ]);
    // Characters outside the BMP are one key each, not two halves.
    expect(reader.read('😀x').map((p) => p.input)).toEqual(['😀', 'x']);
  });

  it('take SGR mouse reports for the wheel, with any modifier, and drop clicks and drags', () => {
    const reader = new KeyReader();
    expect(reader.read('\x1b[<64;10;5M')).toEqual([expect.objectContaining({ wheel: 'up', input: '' })]);
    expect(reader.read('\x1b[<65;200;60M')).toEqual([expect.objectContaining({ wheel: 'down' })]);
    // Ctrl (16) and Shift (4) held.
    expect(reader.read('\x1b[<80;1;1M')[0]?.wheel).toBe('up');
    expect(reader.read('\x1b[<69;1;1M')[0]?.wheel).toBe('down');
    for (const raw of ['\x1b[<0;3;4M', '\x1b[<0;3;4m', '\x1b[<32;5;5M', '\x1b[<66;1;1M', '\x1b[<2;1;1M'])
      expect(reader.read(raw), JSON.stringify(raw)).toEqual([]);
    expect(wheelOf('\x1b[A')).toBeNull();
  });

  it('drop sequences that name no key instead of taking their tail for keys', () => {
    const reader = new KeyReader();
    for (const raw of ['\x1b[31m', '\x1b[?1;2c', '\x1b[I', '\x1b[11~', '\x1bOP', '\x1b[2~'])
      expect(reader.read(raw), JSON.stringify(raw)).toEqual([]);
  });

  it('keep a bracketed paste as text across events, without its escape sequences', () => {
    const reader = new KeyReader();
    const events = ['\x1b[200~', 'one\rtwo ', '\x1b]', '0;title\x07three', '\x1b[2J', ' q\x1b', '\x1b[201~', 'q'];
    const presses = events.flatMap((e) => reader.read(e));
    expect(
      presses
        .filter((p) => p.paste)
        .map((p) => p.input)
        .join(''),
    ).toBe('one\ntwo three q');
    expect(presses.at(-1)).toMatchObject({ input: 'q' });
    expect(presses.at(-1)?.paste).toBeUndefined();
  });

  it('find a paste mark that Ink let go of in two events, when its end came a tick late', () => {
    const reader = new KeyReader();
    const presses = ['\x1b[20', '0~pasted q', '\x1b[201', '~s'].flatMap((e) => reader.read(e));
    expect(presses.map((p) => [p.input, p.paste ?? false])).toEqual([
      ['pasted q', true],
      ['s', false],
    ]);
    // A start of a mark that the next event does not complete is no key, and the next event is itself.
    expect(['\x1b[2', 'x'].flatMap((e) => reader.read(e)).map((p) => p.input)).toEqual(['x']);
  });
});
