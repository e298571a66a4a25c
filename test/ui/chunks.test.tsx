/**
 * Keys that reach the TUI together in one chunk of input (a slow link, key repeat, a busy event loop, tmux
 * send-keys) do what they do when typed one at a time. Each `press` argument below is one chunk.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KEY, startGenerating, startTui, waitFor } from './harness.js';

let tui: ReturnType<typeof startTui> | undefined;
afterEach(async () => {
  await tui?.stop();
  tui = undefined;
});

/** The TUI waiting for a step, with the engine's intervene and edit watched. */
async function waiting() {
  tui = startTui();
  await tui.waitFor((f) => f.includes('waiting for you'));
  return {
    tui,
    intervene: vi.spyOn(tui.engine, 'intervene'),
    edit: vi.spyOn(tui.engine, 'edit'),
  };
}

describe('TUI: keys that arrive in one chunk', () => {
  it('"cq" opens the customer input and types q into it', async () => {
    const { tui } = await waiting();
    tui.press('cq');
    await tui.waitFor((f) => f.includes('Customer › q'), 'the input with q in it');
    expect(tui.exits).toEqual([]);
  });

  it('space then x in one chunk: the turn space asked for does not begin, and the run waits where it was', async () => {
    const { tui } = await waiting();
    tui.press(' x');
    await tui.waitFor((f) => f.includes('Stopped before the turn began'), 'the notice that the step was taken back');
    await tui.keysTaken();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(tui.frame()).toContain('waiting for you');
    expect(tui.frame()).not.toContain('Reply 1 of Design');
    expect(tui.store.requests.get('t1')).toBeUndefined();
    // One space alone then takes the turn, as before.
    tui.press(' ');
    await tui.waitFor((f) => f.includes('Reply 1 of Design (Modalities).') && f.includes('waiting for you'), 'the first reply');
  });

  it('three backspaces in one chunk delete three characters', async () => {
    const { tui, intervene } = await waiting();
    tui.press('c');
    await tui.waitFor((f) => f.includes('Customer ›'));
    tui.press('hello');
    await tui.waitFor((f) => f.includes('Customer › hello'));
    tui.press(KEY.backspace.repeat(3));
    await tui.waitFor((f) => f.includes('Customer › he') && !f.includes('Customer › hel'), 'two characters left');
    // Ctrl+H is a backspace too.
    tui.press('y!\b\b', 'y', KEY.enter);
    await tui.waitFor((f) => !f.includes('esc cancels'));
    expect(intervene.mock.calls).toEqual([['hey']]);
  });

  it('c, text and Enter in one chunk send the text', async () => {
    const { tui, intervene } = await waiting();
    tui.press('chello\r');
    await tui.waitFor((f) => f.includes('▌ hello') && !f.includes('esc cancels'), 'the message in the transcript');
    expect(intervene.mock.calls).toEqual([['hello']]);
    expect(tui.frame()).not.toContain('Artifacts');
  });

  it('after a message sent in one chunk, the rest of the chunk is commands again', async () => {
    const { tui, intervene } = await waiting();
    tui.press('cok\r?');
    await tui.waitFor((f) => f.includes('Keys (? or esc closes'), 'the help opened by the ? after Enter');
    expect(intervene.mock.calls).toEqual([['ok']]);
  });

  it('two Ctrl+C in one chunk quit', async () => {
    const { tui } = await waiting();
    tui.press(KEY.ctrlC + KEY.ctrlC);
    expect(tui.exits).toEqual(['interrupt']);
  });

  it('a quit question and its answer in one chunk: q then y quits', async () => {
    tui = await startGenerating();
    tui.press('qy');
    expect(tui.exits).toEqual(['quit']);
  });

  it('a quit question, a no and more keys in one chunk: each key does its part', async () => {
    tui = await startGenerating();
    const intervene = vi.spyOn(tui.engine, 'intervene');
    tui.press('qncnext\r');
    await waitFor(
      () => intervene.mock.calls.length > 0,
      () => 'the message typed after the no',
    );
    await tui.waitFor((f) => !f.includes('esc cancels'));
    expect(tui.exits).toEqual([]);
    expect(tui.frame()).not.toContain('Quit anyway?');
    expect(intervene.mock.calls).toEqual([['next']]);
  });

  it('keys after the one that quits are not taken', async () => {
    const { tui, intervene } = await waiting();
    tui.press('qchello\r');
    expect(tui.exits).toEqual(['quit']);
    expect(intervene).not.toHaveBeenCalled();
  });

  it('arrows and other escape sequences in the middle of typed text do not end up in it', async () => {
    const { tui, intervene } = await waiting();
    tui.press('c');
    await tui.waitFor((f) => f.includes('Customer ›'));
    // Typed text around arrows, PgUp, Home and End (which move the cursor), an unknown sequence (a colour) and Alt+x.
    tui.press(`ab${KEY.up}c${KEY.end}d${KEY.home}e${KEY.pageDown}\x1b[31mf\x1bxg`);
    await tui.waitFor((f) => f.includes('Customer › ecabdfg'));
    tui.press(KEY.enter);
    await tui.waitFor((f) => !f.includes('esc cancels'));
    expect(intervene.mock.calls).toEqual([['ecabdfg']]);
  });

  it('no control character reaches a customer message, typed or pasted', async () => {
    const { tui, intervene } = await waiting();
    tui.press('c');
    await tui.waitFor((f) => f.includes('Customer ›'));
    // C0 controls without a key of their own, DEL-free C1 controls (CSI, OSC), NUL and BiDi overrides.
    tui.press('a\x1cb\x1fc\x9b2Jd\x9d0;x\x07e\x00f\u202eg');
    tui.press(`${KEY.pasteStart}p\x1b]0;title\x07q\x1b[2Jr\x9bs\x01t${KEY.pasteEnd}`);
    tui.press(KEY.enter);
    await tui.waitFor((f) => !f.includes('esc cancels'));
    expect(intervene).toHaveBeenCalledTimes(1);
    const [text] = intervene.mock.calls[0]!;
    expect(text).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]/);
    expect(text).toMatch(/^abc/);
    // A paste loses its escape sequences whole, a window title (OSC) with its text.
    expect(text).toMatch(/pqrt$/);
  });

  it('no control character reaches an edit of the last reply', async () => {
    const { tui, edit } = await waiting();
    tui.press(' ');
    await tui.waitFor((f) => f.includes('Reply 1 of Design (Modalities).') && f.includes('waiting for you'));
    tui.press('e');
    await tui.waitFor((f) => f.includes('enter saves'));
    // Ctrl+U four times clears the reply ("CEO:", two line breaks, its line).
    tui.press('\x15'.repeat(4), `Short${KEY.backspace}t\x1b[1mer\x9b\x85\x1c.\r`);
    await tui.waitFor((f) => !f.includes('enter saves'));
    expect(edit.mock.calls).toEqual([['Shorter.']]);
  });
});

describe('TUI: a bracketed paste is one text, however it arrives', () => {
  it('split over several chunks, mixed with typed keys, Enter inside it kept as a new line', async () => {
    const { tui, intervene } = await waiting();
    tui.press('cab\x1b[20', '0~one\rtw', 'o\x1b[2', '01~cd\r');
    await tui.waitFor((f) => f.includes('▌ abone') && !f.includes('esc cancels'));
    expect(intervene.mock.calls).toEqual([['abone\ntwocd']]);
  });

  it('its start mark cut in two, the second part a moment later (after Ink let go of the first)', async () => {
    const { tui, intervene } = await waiting();
    tui.press('c', '\x1b[20');
    // Ink hands on a lone start of a sequence after a tick: a slow link that splits the mark does the same.
    await new Promise((resolve) => setTimeout(resolve, 20));
    tui.press('0~one\rtwo\x1b[201~\r');
    await waitFor(
      () => intervene.mock.calls.length > 0,
      () => `the message; last frame:\n${tui.frame()}`,
    );
    expect(intervene.mock.calls).toEqual([['one\ntwo']]);
  });

  it('outside the input it is neither text nor commands, and keys after it in the chunk are', async () => {
    const { tui } = await waiting();
    tui.press(`${KEY.pasteStart}q s S${KEY.pasteEnd}cq`);
    await tui.waitFor((f) => f.includes('Customer › q'), 'the input opened by the c after the paste');
    expect(tui.exits).toEqual([]);
    expect(tui.state.conversations.get('design-modalities')?.status).toBe('active');
  });

  it('a paste that starts in the chunk of the key that opens the input goes into it', async () => {
    const { tui, intervene } = await waiting();
    tui.press(`c${KEY.pasteStart}line one\rline two${KEY.pasteEnd}\r`);
    await tui.waitFor((f) => f.includes('▌ line one') && !f.includes('esc cancels'));
    expect(intervene.mock.calls).toEqual([['line one\nline two']]);
  });
});
