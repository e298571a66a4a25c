import path from 'node:path';
import { ConfigError, loadConfig } from '../config/loadConfig.js';
import { sanitize } from '../text/sanitize.js';

/** Checks a config and prints what it defines; every problem on its own line. */
export async function validateCommand(flags: { config?: string }, out: (line: string) => void): Promise<number> {
  const cwd = process.cwd();
  try {
    const { config, filepath } = await loadConfig({ configPath: flags.config, cwd });
    const { workflow } = config;
    const name = (list: Array<{ id: string; name: string }>, id: string) => list.find((x) => x.id === id)?.name ?? id;
    out(`${filepath ? path.relative(cwd, filepath) || filepath : 'No config file found: the built-in preset'} is valid.`);
    if (config.preset) out(`preset: ${config.preset}`);
    out(`roles (${workflow.roles.length}): ${workflow.roles.map((r) => r.name).join(', ')}`);
    out(`artifacts (${workflow.artifacts.length}): ${workflow.artifacts.map((a) => a.name).join(', ')}`);
    out(`conversations (${workflow.conversations.length}), phases (${workflow.phases.length}):`);
    for (const phase of workflow.phases) {
      out(`  ${phase.name}`);
      for (const id of phase.conversations) {
        const c = workflow.conversations.find((x) => x.id === id);
        if (!c) continue;
        out(
          `    ${c.name}: ${name(workflow.roles, c.lead)} (lead) with ${name(workflow.roles, c.assistant)}, ${name(workflow.artifacts, c.input)} -> ${name(workflow.artifacts, c.output)}, max ${c.maxTurns} turns`,
        );
      }
    }
    out(
      `context: ${config.context}, sanity check: ${config.sanityCheck ? 'on' : 'off'}, model: ${config.model ?? '(from --model or the environment)'}`,
    );
    out(`task: ${sanitize(config.task)}`);
    if (config.breakpoints.length) out(`breakpoints: ${config.breakpoints.map(sanitize).join(', ')}`);
    const prices = Object.entries(config.prices);
    if (prices.length) out(`prices (USD per 1M tokens in/out): ${prices.map(([m, p]) => `${sanitize(m)} ${p.input}/${p.output}`).join(', ')}`);
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    if (error.issues.length > 1) {
      const file = error.filepath ? path.relative(cwd, error.filepath) : 'config';
      for (const issue of error.issues) out(`${file}: ${issue.path}: ${sanitize(issue.message)}`);
      throw new ConfigError(`${file}: ${error.issues.length} problems`, error.issues, error.filepath);
    }
    throw error;
  }
}
