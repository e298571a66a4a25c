/** `roleplay check <session>`: does today's config still send the requests the session recorded? */
import path from 'node:path';
import { loadConfig } from '../config/loadConfig.js';
import { checkRecording } from '../eval/replayCheck.js';
import { openSession } from '../session/sessionStore.js';
import { sanitize } from '../text/sanitize.js';
import { EXIT } from '../errors.js';
import { applyOverrides } from './setup.js';

export interface CheckFlags {
  config?: string;
  maxTurns?: number;
  context?: 'thread' | 'scoped';
  out?: string;
}

/** 0: every request matches; 1: one differs (the first is shown); an unknown session or a bad config is a UsageError. */
export async function checkCommand(session: string, flags: CheckFlags, write: (text: string) => void): Promise<number> {
  const cwd = process.cwd();
  const journal = openSession(session, { outDir: flags.out ?? '.roleplay', cwd });
  const { config, filepath } = await loadConfig({ configPath: flags.config, cwd });
  applyOverrides(config, flags);
  const result = await checkRecording(journal.events, config);
  const against = filepath ? path.relative(cwd, filepath) || filepath : 'the built-in config';
  const id = path.basename(journal.dir);
  const line = (text: string) => write(`${sanitize(text)}\n`);
  if (!result.difference) {
    const plural = result.matched === 1 ? 'request matches' : 'requests match';
    const cut = result.recordedStatus === 'completed' ? '' : ` (the recording stops there: ${result.recordedStatus ?? 'it was cut off'})`;
    line(`check ${id} against ${against}: all ${result.matched} ${plural}${cut}`);
    return EXIT.ok;
  }
  const { request, where, lines } = result.difference;
  line(`check ${id} against ${against}: request ${request} of ${result.recorded} differs, ${where}`);
  for (const text of lines) line(`  ${text}`);
  if (result.matched > 0) line(`  (the ${result.matched} request${result.matched === 1 ? '' : 's'} before it match)`);
  return EXIT.failed;
}
