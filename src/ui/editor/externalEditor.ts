/**
 * Long text in the person's own editor ($VISUAL, else $EDITOR): the text goes to a file of its own (owner-only, in a
 * fresh temporary folder), the editor runs on the terminal with stdio inherited, and what it saved comes back. It
 * runs synchronously: while it does, nothing else reads the terminal. `useExternalEditor` hands the terminal over.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The editor command the environment names, as a shell would run it (it may carry arguments: "code --wait"). */
export function editorCommand(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.VISUAL?.trim() || env.EDITOR?.trim() || undefined;
}

export type EditorOutcome = { ok: true; text: string } | { ok: false; message: string };

/**
 * Runs `command` on a file holding `text` and returns what it saved, without the one line break editors end a file
 * with. A failed start or a non-zero exit leaves the text as it was, and says why.
 */
export function runExternalEditor(command: string, text: string, name: string): EditorOutcome {
  const dir = mkdtempSync(path.join(tmpdir(), 'roleplay-edit-'));
  const file = path.join(dir, `${name.replace(/[^\w.-]+/g, '-') || 'text'}.md`);
  try {
    writeFileSync(file, text.endsWith('\n') || text === '' ? text : `${text}\n`, { mode: 0o600 });
    // As git runs it: through the shell, so that a command with arguments works, the file as its last word.
    const result = spawnSync('sh', ['-c', `${command} "$1"`, 'sh', file], { stdio: 'inherit' });
    if (result.error) return { ok: false, message: `could not start the editor "${command}": ${result.error.message}` };
    if (result.status !== 0) {
      const how = result.signal ? `was stopped by ${result.signal}` : `exited with ${result.status}`;
      return { ok: false, message: `the editor "${command}" ${how}: the text is as it was` };
    }
    return { ok: true, text: readFileSync(file, 'utf8').replace(/\r?\n$/, '') };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
