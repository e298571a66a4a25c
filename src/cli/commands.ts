/**
 * Every command behind one lazy import: one chunk for main.ts to load instead of a dozen small shared ones, which
 * Node's ESM loader would fetch, link and evaluate one by one. Ink, React, openai, zod and cosmiconfig stay in
 * chunks of their own that only the commands needing them load. The session commands read journals, which needs
 * zod (journalReader.ts): main.ts loads them on their own, so that a run loads no zod.
 */
export { runCommand } from './runCommand.js';
export { validateCommand } from './validateCommand.js';
export { initCommand } from './initCommand.js';
