/**
 * Hands the terminal to $VISUAL / $EDITOR and takes it back: Ink stops reading keys and raw mode goes off, the
 * TUI leaves its alternate screen (and the mouse and bracketed paste), the editor runs, then all of it comes back
 * and the last frame is drawn again whole (the alternate screen came back empty).
 */
import { useStdin, useStdout } from 'ink';
import { editorCommand, runExternalEditor, type EditorOutcome } from './externalEditor.js';

/** What the TUI's runner does to the terminal around the editor (runTui.tsx knows its modes). */
export interface TerminalHandoff {
  leave(): void;
  enter(): void;
}

/** Edits `text` in the person's editor; `none` when no editor is set (the inline editor serves). */
export type ExternalEdit = (text: string, name: string) => EditorOutcome | { ok: false; none: true; message: string };

export function useExternalEditor(handoff: TerminalHandoff | undefined, env: NodeJS.ProcessEnv = process.env): ExternalEdit | undefined {
  const { setRawMode } = useStdin();
  const { write } = useStdout();
  if (!handoff) return undefined;
  return (text, name) => {
    const command = editorCommand(env);
    if (!command) return { ok: false, none: true, message: 'Set $VISUAL or $EDITOR to write in your own editor; this one goes on' };
    setRawMode(false);
    handoff.leave();
    try {
      return runExternalEditor(command, text, name);
    } finally {
      handoff.enter();
      setRawMode(true);
      // Ink's write clears what it drew and draws its last frame again, whole, on the empty screen.
      write('');
    }
  };
}
