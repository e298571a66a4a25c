/**
 * Every command behind one lazy import: one chunk for main.ts to load instead of a dozen small shared ones, which
 * Node's ESM loader would fetch, link and evaluate one by one. Ink, React, openai, zod and cosmiconfig stay in
 * chunks of their own that only the commands needing them load.
 */
export { runCommand } from './runCommand.js';
export { validateCommand } from './validateCommand.js';
export { initCommand } from './initCommand.js';
export { exportCommand, replayCommand, sessionsCommand } from './sessionCommands.js';
