/**
 * Key presses, one at a time. Ink 6.8's input parser cuts a chunk of stdin only at escape sequences: a run of plain
 * characters that arrives together (keys typed on a slow link, key repeat, a busy event loop, tmux send-keys)
 * reaches `useInput` as one string, "cq" or three DELs or "hello\r", with none of its keys named. And `useInput`
 * throws on some sequences it cannot name (ESC [ 31 m, inside a paste too). So the TUI reads Ink's input events
 * itself, as its input parser cut them, and turns each back into the key presses a person made, named as
 * `useInput` names them; a bracketed paste stays text.
 */
import { useStdin, type Key } from 'ink';
import { useEffect, useLayoutEffect, useRef } from 'react';
import { StreamSanitizer } from '../text/sanitize.js';

export interface KeyPress {
  /** What `useInput` would report for this key. */
  input: string;
  key: Key;
  /** Text between the terminal's paste marks, without escape sequences or controls: never taken for keys. */
  paste?: true;
  /** A turn of the mouse wheel (SGR mouse reporting, which the TUI turns on unless told not to). */
  wheel?: 'up' | 'down';
}

/**
 * SGR mouse reports (xterm's mode 1006): ESC [ < button ; column ; row, then M for a press or m for a release. Button
 * 64 is the wheel turned up, 65 down; 4, 8 and 16 add Shift, Alt and Ctrl. Every other report (clicks, drags) names
 * no key and is dropped.
 */
const SGR_MOUSE = /^\x1b\[<(\d+);\d+;\d+[Mm]$/;

export function wheelOf(raw: string): 'up' | 'down' | null {
  const report = SGR_MOUSE.exec(raw);
  if (!report) return null;
  const button = Number(report[1]) & ~(4 | 8 | 16);
  return button === 64 ? 'up' : button === 65 ? 'down' : null;
}

const ESC = '\x1b';
const PASTE_START = '\x1b[200~';
const PASTE_END = '\x1b[201~';

const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

type Named = 'upArrow' | 'downArrow' | 'leftArrow' | 'rightArrow' | 'pageUp' | 'pageDown' | 'home' | 'end' | 'delete' | 'tab';

const press = (input: string, key: Partial<Key> = {}): KeyPress => ({ input, key: { ...NO_KEY, ...key } });

/** One character typed on its own, as `useInput` reports it. */
export function pressOf(char: string): KeyPress {
  if (char === '\r') return press('\r', { return: true });
  if (char === '\t') return press('', { tab: true });
  if (char === '\b') return press('', { backspace: true });
  // The Backspace key of most terminals sends DEL, which Ink names `delete`.
  if (char === '\x7f') return press('', { delete: true });
  // Ctrl+letter: Ink names the letter (Ctrl+@ is NUL, which it calls "`"). LF (Ctrl+J) stays a plain "\n".
  if (char !== '\n' && char <= '\x1a') return press(String.fromCharCode(char.charCodeAt(0) + 96), { ctrl: true });
  return press(char, { shift: /^[A-Z]$/.test(char) });
}

// CSI and SS3 keys: xterm, VT220, rxvt and the Linux console, as Ink's parse-keypress knows them.
const BY_LETTER: Record<string, Named> = { A: 'upArrow', B: 'downArrow', C: 'rightArrow', D: 'leftArrow', H: 'home', F: 'end' };
const BY_NUMBER: Record<string, Named> = { '1': 'home', '7': 'home', '4': 'end', '8': 'end', '3': 'delete', '5': 'pageUp', '6': 'pageDown' };

/** A named key sent as an escape sequence (ESC ESC for Alt on some terminals), or null for one that names none. */
export function pressOfSequence(raw: string): KeyPress | null {
  if (raw === ESC || raw === ESC + ESC) return press('', { escape: true, meta: true });
  // ESC ESC [ A: Alt+Up on some macOS terminals.
  const alt = raw.startsWith(ESC + ESC);
  const body = alt ? raw.slice(2) : raw.slice(1);
  const named = (name: Named, modifiers: number, extra: Partial<Key> = {}) =>
    press('', { [name]: true, shift: (modifiers & 1) !== 0, meta: alt || (modifiers & 2) !== 0, ctrl: (modifiers & 4) !== 0, ...extra });

  // CSI [params] final, e.g. [A, [1;5A (Ctrl+Up), [5~ (PgUp), [Z (Shift+Tab), rxvt's [a and [5^, PuTTY's [[5~.
  const csi = /^\[\[?(\d*)(?:;(\d+))?([A-Za-z~$^])$/.exec(body);
  if (csi) {
    const [, number = '', mod = '', final = ''] = csi;
    const modifiers = mod ? Number(mod) - 1 : 0;
    if (final === 'Z') return named('tab', 1);
    if (body.startsWith('[[') && final !== '~') return null; // Linux console F1..F5
    if (final in BY_LETTER) return named(BY_LETTER[final]!, modifiers);
    // rxvt: lowercase letters are Shift+arrows.
    if ('abcd'.includes(final)) return named(BY_LETTER[final.toUpperCase()]!, 1);
    const name = BY_NUMBER[number];
    if (!name || !'~$^'.includes(final)) return null;
    return named(name, modifiers, final === '$' ? { shift: true } : final === '^' ? { ctrl: true } : {});
  }
  // SS3: O A (application cursor keys), O H and O F, rxvt's O a (Ctrl+Up).
  const ss3 = /^O([A-DHFa-d])$/.exec(body);
  if (ss3) {
    const final = ss3[1]!;
    return final in BY_LETTER ? named(BY_LETTER[final]!, 0) : named(BY_LETTER[final.toUpperCase()]!, 4);
  }
  // Alt with one key: ESC followed by it.
  const chars = [...body];
  if (chars.length === 1 && !alt) {
    const key = pressOf(chars[0]!);
    return { input: key.input, key: { ...key.key, meta: true } };
  }
  return null;
}

/**
 * Follows Ink's input events, each as its input parser cut it from stdin: an escape sequence, or a run of plain
 * characters. It keeps an open paste from one event, and one chunk, to the next.
 */
export class KeyReader {
  /** While a paste is open, its text so far goes through this, so that a sequence in it goes whole, OSC and all. */
  private paste: StreamSanitizer | null = null;
  /** The start of a paste mark that Ink let go of before the rest of it came (the rest came a tick later). */
  private held = '';

  read(raw: string): KeyPress[] {
    if (this.held) {
      const joined = this.held + raw;
      this.held = '';
      const mark = [PASTE_START, PASTE_END].find((m) => joined.startsWith(m));
      // What comes after the mark is the rest of a run of plain characters.
      if (mark) return [...this.read(mark), ...(joined.length > mark.length ? this.read(joined.slice(mark.length)) : [])];
    }
    if (raw.length >= 3 && raw.length < PASTE_START.length && (PASTE_START.startsWith(raw) || PASTE_END.startsWith(raw))) {
      this.held = raw;
      return [];
    }
    if (raw === PASTE_START) {
      this.paste = new StreamSanitizer();
      return [];
    }
    if (raw === PASTE_END) {
      const rest = this.paste?.end() ?? '';
      this.paste = null;
      return rest ? [pasted(rest)] : [];
    }
    if (this.paste) {
      const text = this.paste.push(raw);
      return text ? [pasted(text)] : [];
    }
    if (raw.startsWith(ESC)) {
      const wheel = wheelOf(raw);
      if (wheel) return [{ ...press(''), wheel }];
      // A sequence that names no key (a colour, a report nobody asked for) is dropped, not taken for the characters
      // after its ESC.
      const key = pressOfSequence(raw);
      return key ? [key] : [];
    }
    return [...raw].map(pressOf);
  }
}

const pasted = (text: string): KeyPress => ({ input: text, key: NO_KEY, paste: true });

/**
 * Key presses, in place of `useInput`: `handler` gets the presses of one input event together, in order, to take
 * one by one. Ink's stdin context is where `useInput` itself hears the events from.
 */
export function useKeyPresses(handler: (presses: KeyPress[]) => void): void {
  const { internal_eventEmitter: events, setRawMode } = useStdin();
  const latest = useRef(handler);
  // The newest handler, for the next input event; set once it has rendered, as React asks of refs.
  useLayoutEffect(() => {
    latest.current = handler;
  });
  useEffect(() => {
    setRawMode(true);
    return () => setRawMode(false);
  }, [setRawMode]);
  useEffect(() => {
    const reader = new KeyReader();
    const listener = (data: unknown) => {
      const presses = reader.read(String(data));
      if (presses.length) latest.current(presses);
    };
    events.on('input', listener);
    return () => {
      events.off('input', listener);
    };
  }, [events]);
}
