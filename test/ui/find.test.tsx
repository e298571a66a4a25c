import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KEY, startTui, waitFor } from './harness.js';

let tui: ReturnType<typeof startTui> | undefined;
afterEach(async () => {
  await tui?.stop();
  tui = undefined;
});

/** Runs the first three conversations to their end, then holds before the fourth. */
async function threeConversations(options: Parameters<typeof startTui>[0] = {}) {
  const t = startTui({ ...options, config: { breakpoints: ['conversation:Coding (Design)'] }, mode: 'auto' });
  await t.waitFor((f) => f.includes('⏸ Breakpoint'), 'the breakpoint before Coding (Design)');
  return t;
}

describe('TUI: / finds text', () => {
  it('across conversations, with n and N, plain text or a regex, and says when nothing matches', async () => {
    tui = await threeConversations();
    tui.press('/');
    await tui.waitFor((f) => f.includes('Find ›'));
    tui.press('reply 2 of design (language)', KEY.enter);
    await tui.waitFor((f) => f.includes('viewing an earlier conversation') && /›. Design \(Language\)/.test(f));
    expect(tui.frame()).toContain('Reply 2 of Design (Language).');
    // n goes on to the next match, in the next conversation that has one, and round; N comes back.
    tui.press('/', '/Reply 1 of (Design|Coding)/', KEY.enter);
    await tui.waitFor((f) => /›. Coding \(Code\)/.test(f), 'the match in Coding (Code)');
    tui.press('n');
    await tui.waitFor((f) => /›. Design \(Modalities\)/.test(f), 'the match in Design (Modalities), round the end');
    tui.press('n');
    await tui.waitFor((f) => /›. Design \(Language\)/.test(f), 'the match in Design (Language)');
    tui.press('N');
    await tui.waitFor((f) => /›. Design \(Modalities\)/.test(f), 'back to Design (Modalities)');
    tui.press('/', 'no such words anywhere', KEY.enter);
    await tui.waitFor((f) => f.includes('No match for no such words anywhere'));
    tui.press('/', '/(/', KEY.enter);
    await tui.waitFor((f) => f.includes('Not a regular expression'));
  });

  it('in the prompt inspector, within the request on screen', async () => {
    tui = await threeConversations();
    tui.press('p');
    await tui.waitFor((f) => f.includes('Prompt inspector') || f.includes('messages'));
    tui.press('/', 'END CONVERSATION', KEY.enter);
    await waitFor(() => tui!.frame().includes('END CONVERSATION') && !tui!.frame().includes('Find ›'));
    expect(tui.frame()).not.toContain('No match');
  });
});

describe('TUI: y copies', () => {
  it('the reply in view to the clipboard (OSC 52) and to a file in the session folder', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'roleplay-copy-'));
    tui = startTui({ saved: { dir, commands: [] } });
    await tui.waitFor((f) => f.includes('waiting for you'));
    tui.press(' ');
    await tui.waitFor((f) => f.includes('Reply 1 of Design (Modalities).') && f.includes('waiting for you'));
    tui.press('y');
    await tui.waitFor((f) => f.includes("Copied CEO's reply (turn 1)"));
    const copied = readFileSync(path.join(dir, 'copied.md'), 'utf8');
    expect(copied).toBe('CEO:\n\nReply 1 of Design (Modalities).\n');
    const osc = tui.written().find((w) => w.startsWith('\x1b]52;c;'));
    expect(Buffer.from(osc!.slice(7, -1), 'base64').toString('utf8')).toBe(copied.trimEnd());
  });

  it('the artifact on screen in the artifacts view', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'roleplay-copy-'));
    tui = await threeConversations({ saved: { dir, commands: [] } });
    tui.press('o', KEY.tab);
    await tui.waitFor((f) => f.includes('The Language of Design (Language).'));
    tui.press('y');
    await tui.waitFor((f) => f.includes('Copied the Language artifact'));
    expect(readFileSync(path.join(dir, 'copied.md'), 'utf8')).toContain('The Language of Design (Language).');
  });
});
