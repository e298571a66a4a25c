/**
 * $VISUAL / $EDITOR from the TUI of the built CLI in a real terminal (tmux), with a scripted editor (a shell script
 * that rewrites the file): ctrl+g in the input, and `e` on a reply, hand the terminal over and take it back.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, sessionDir, tempDir } from '../support/cli.js';
import { hasTmux, tmuxServer } from '../support/tmux.js';

async function until(what: string, check: () => boolean, last: () => string, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}\n${last()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

describe.skipIf(!hasTmux)('$EDITOR from the TUI', () => {
  const tmux = tmuxServer();
  afterAll(() => tmux.kill());

  function start(name: string, editor: string | null) {
    const cwd = tempDir();
    const script = path.join(cwd, 'ed.sh');
    // The scripted editor: it rewrites "draft", adds a line, and notes that it ran on a terminal.
    writeFileSync(
      script,
      `#!/bin/sh\n[ -t 0 ] && [ -t 1 ] && echo tty >> ${quote(path.join(cwd, 'editor-ran'))}\nsed -i 's/draft/rewritten by the editor/' "$1"\nprintf 'A line from the editor.\\n' >> "$1"\n`,
    );
    chmodSync(script, 0o755);
    const env = `env -u VISUAL -u EDITOR -u OPENAI_API_KEY -u OPENAI_BASE_URL${editor === null ? '' : ` EDITOR=${quote(editor === 'script' ? script : editor)}`}`;
    tmux.shell(name, cwd, `${env} ${quote(process.execPath)} ${quote(CLI)} --demo --demo-instant 'a todo app'; echo $? > exit-code`, 100, 30);
    const screen = () => tmux.screen(name);
    return { cwd, screen, wait: (what: string, text: string) => until(what, () => screen().includes(text), screen) };
  }

  it('ctrl+g hands the draft to the editor and takes it back; e opens a reply in it; both go into the journal', async () => {
    const { cwd, screen, wait } = start('editor', 'script');
    await wait('the TUI', 'waiting for you');
    tmux.keys('editor', 'c');
    await wait('the input', 'Customer ›');
    tmux.keys('editor', '-l', 'my draft');
    await wait('the text typed', 'Customer › my draft');
    tmux.keys('editor', 'C-g');
    await wait('the text back from the editor', 'Customer › my rewritten by the editor');
    // Taken back cleanly: the whole screen drawn again, header to footer.
    expect(screen()).toContain('A line from the editor.');
    expect(screen().split('\n')[0]).toContain('roleplay │');
    expect(screen()).toContain('q quit');
    expect(readFileSync(path.join(cwd, 'editor-ran'), 'utf8')).toBe('tty\n');
    tmux.keys('editor', 'Enter');
    await wait('the message sent', '▌ Customer');
    tmux.keys('editor', 'Space');
    await wait('the sanity check', 'The sanity check passed');
    tmux.keys('editor', 'Space');
    await wait('the first reply', 'CEO (lead) · turn 1');
    await wait('the pause after it', 'waiting for you');
    tmux.keys('editor', 'e');
    // e goes straight to the editor, then the inline editor shows what it saved, for enter to save.
    await wait('the edit back from the editor', 'Editing CEO, turn 1');
    expect(screen()).toContain('A line from the editor.');
    tmux.keys('editor', 'Enter');
    await wait('the edit saved', '✎ edited');
    tmux.keys('editor', 'q');
    await until('the exit code', () => existsSync(path.join(cwd, 'exit-code')), screen);
    const events = readFileSync(path.join(sessionDir(cwd), 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(events.find((e) => e.type === 'customer.message').text).toBe('my rewritten by the editor\nA line from the editor.');
    const edited = events.find((e) => e.type === 'turn.edited');
    expect(edited.text.endsWith('\nA line from the editor.')).toBe(true);
    expect(edited.previous.endsWith('\nA line from the editor.')).toBe(false);
  });

  it('an editor that fails leaves the text as it was; with no editor set, ctrl+g says how to set one', async () => {
    const failing = start('failing', 'false');
    await failing.wait('the TUI', 'waiting for you');
    tmux.keys('failing', 'c');
    await failing.wait('the input', 'Customer ›');
    tmux.keys('failing', '-l', 'kept');
    await failing.wait('the text typed', 'Customer › kept');
    tmux.keys('failing', 'C-g');
    await failing.wait('the failure', 'the editor "false" exited with 1: the text is as it was');
    expect(failing.screen()).toContain('Customer › kept');
    const none = start('none', null);
    await none.wait('the TUI', 'waiting for you');
    tmux.keys('none', 'c');
    await none.wait('the input', 'Customer ›');
    tmux.keys('none', 'C-g');
    await none.wait('the hint', 'Set $VISUAL or $EDITOR to write in your own editor');
    expect(none.screen()).toContain('Customer ›');
  });
});
