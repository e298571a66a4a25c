import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { configFilesIn } from '../config/loadConfig.js';

const STARTER_CONFIG = `// roleplay.config.ts: the company, its workflow and its prompts.
// Check it with \`roleplay validate\`; run it with \`roleplay "your task"\`.
import { defineConfig } from 'roleplay';

export default defineConfig({
  // Start from the seed's software company: 7 roles, 9 artifacts, 8 conversations, 4 phases.
  // Replace it by writing your own \`workflow: { description, roles, artifacts, conversations, phases }\`.
  preset: 'software-company',

  // The task when none is given on the command line.
  // task: 'I want to create users in my application!',

  // The model for every role that names none; --model, OPENAI_MODEL or OPENAI_API_MODEL win over it.
  // model: 'gpt-4o-mini',
  // temperature: 0.7,

  // Most replies in one conversation before it ends with reason "turn-limit" (seed: 10).
  // maxTurns: 10,

  // Ask the model to answer SUCCESS before the first conversation, as the seed did.
  // sanityCheck: true,

  // 'thread': one growing thread for the whole run (the seed's way).
  // 'scoped': each conversation starts from the initial message plus the artifacts produced so far.
  // 'server': the thread kept on a Responses API server (previous_response_id); needs an endpoint with api: 'responses'.
  // context: 'thread',

  // Servers the roles can run on, each with the variable that holds its key; a role that names none runs on
  // --base-url / OPENAI_BASE_URL / OPENAI_API_KEY. Check one with \`roleplay doctor --endpoint local\`.
  // endpoints: {
  //   local: { baseURL: 'http://127.0.0.1:11434/v1', model: 'qwen2.5-coder' },
  //   cloud: { api: 'responses', apiKeyEnv: 'CLOUD_OPENAI_KEY', model: 'gpt-4.1' },
  // },
  // roles: { Programmer: { endpoint: 'local' }, CEO: { endpoint: 'cloud' } },

  // Templates use {{placeholders}}; an unknown one is an error that names the ones the template knows.
  // prompts: {
  //   start: 'START CONVERSATION {{conversation}}',
  //   switch: 'SWITCH',
  //   customer: 'The customer says: {{message}}',
  // },

  // Pause the run: before a conversation or phase, when a role is about to speak, after a matching reply.
  // breakpoints: ['role:CTO', 'conversation:Coding (Code)', 'match:/TODO|FIXME/i'],

  // USD per 1M tokens for models the built-in table does not know (local ones), for costs and --max-cost.
  // prices: { 'llama3.1': { input: 0, output: 0 }, 'local/qwen2.5-coder': { input: 0, output: 0 } },

  // Retries for network faults, with exponential backoff, and stall timeouts.
  // retry: { attempts: 5, baseDelayMs: 1000, maxDelayMs: 30000, firstTokenTimeoutMs: 60000, idleTimeoutMs: 60000 },
});
`;

export function initCommand(flags: { force?: boolean }, out: (line: string) => void): number {
  const cwd = process.cwd();
  const file = path.resolve(cwd, 'roleplay.config.ts');
  // A second config next to one would make both ambiguous: --force overwrites roleplay.config.ts, never adds to another.
  const other = configFilesIn(cwd).find((found) => found !== file);
  if (other) {
    throw new UsageError(`${path.relative(cwd, other) || other} already holds the config: edit it, or remove it before "roleplay init"`);
  }
  if (existsSync(file) && !flags.force) {
    throw new UsageError('roleplay.config.ts already exists: edit it, or pass --force to overwrite it');
  }
  writeFileSync(file, STARTER_CONFIG);
  out('Wrote roleplay.config.ts. Check it with `roleplay validate`, run it with `roleplay "your task"`.');
  return 0;
}
