export { defineConfig } from './config/defineConfig.js';
export type { RoleplayConfig, WorkflowInput, ContextStrategy } from './config/schema.js';
export { DEFAULT_PROMPTS } from './config/prompts.js';
export { softwareCompany } from './config/presets/softwareCompany.js';
export type { EvalRun } from './eval/checks.js';
