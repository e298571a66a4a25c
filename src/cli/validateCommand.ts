import { redactUrl } from '../text/redactUrl.js';
import path from 'node:path';
import { ConfigError, loadConfig } from '../config/loadConfig.js';
import { sanitize } from '../text/sanitize.js';

/** Checks a config and prints what it defines; every problem on its own line. */
export async function validateCommand(flags: { config?: string }, write: (line: string) => void): Promise<number> {
  const cwd = process.cwd();
  // Every line quotes the config's own strings (names, the file's name): none may put escape codes on the terminal.
  const out = (line: string) => write(sanitize(line));
  // A name is shown on one line, whatever it holds.
  const one = (text: string) => text.replace(/\s*[\r\n]+\s*/g, ' ');
  try {
    const { config, filepath, endpoints } = await loadConfig({ configPath: flags.config, cwd });
    const { workflow } = config;
    const name = (list: Array<{ id: string; name: string }>, id: string) => one(list.find((x) => x.id === id)?.name ?? id);
    out(`${filepath ? path.relative(cwd, filepath) || filepath : 'No config file found: the built-in preset'} is valid.`);
    if (config.preset) out(`preset: ${config.preset}`);
    out(`roles (${workflow.roles.length}): ${workflow.roles.map((r) => one(r.name)).join(', ')}`);
    out(`artifacts (${workflow.artifacts.length}): ${workflow.artifacts.map((a) => one(a.name)).join(', ')}`);
    out(`conversations (${workflow.conversations.length}), phases (${workflow.phases.length}):`);
    for (const phase of workflow.phases) {
      out(`  ${one(phase.name)}`);
      for (const id of phase.conversations) {
        const c = workflow.conversations.find((x) => x.id === id);
        if (!c) continue;
        out(
          `    ${one(c.name)}: ${name(workflow.roles, c.lead)} (lead) with ${name(workflow.roles, c.assistant)}, ${name(workflow.artifacts, c.input)} -> ${name(workflow.artifacts, c.output)}, max ${c.maxTurns} turns`,
        );
      }
    }
    out(
      `context: ${config.context}, sanity check: ${config.sanityCheck ? 'on' : 'off'}, model: ${one(config.model ?? '(from --model or the environment)')}`,
    );
    out(`task: ${config.task}`);
    if (config.breakpoints.length) out(`breakpoints: ${config.breakpoints.map(one).join(', ')}`);
    for (const e of Object.values(endpoints)) {
      const roles = workflow.roles.filter((r) => r.endpoint === e.name).map((r) => one(r.name));
      out(
        `endpoint ${one(e.name)}: ${e.api === 'chat' ? 'Chat Completions' : 'Responses'} API at ${one(e.baseURL === undefined ? 'api.openai.com' : redactUrl(e.baseURL))}, key from ${e.apiKeyEnv}${e.model ? `, model ${one(e.model)}` : ''}; ${roles.length ? `for ${roles.join(', ')}` : 'no role uses it'}`,
      );
    }
    const prices = Object.entries(config.prices);
    if (prices.length) out(`prices (USD per 1M tokens in/out): ${prices.map(([m, p]) => `${one(m)} ${p.input}/${p.output}`).join(', ')}`);
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    if (error.issues.length > 1) {
      const file = error.filepath ? path.relative(cwd, error.filepath) : 'config';
      for (const issue of error.issues) out(`${file}: ${issue.path}: ${issue.message}`);
      throw new ConfigError(`${file}: ${error.issues.length} problems`, error.issues, error.filepath);
    }
    throw error;
  }
}
