import { chmodSync, mkdirSync, mkdtempSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compiledConfigCache, ownPrivateFolder } from '../../src/config/configFile.js';
import { ConfigError, loadConfig } from '../../src/config/loadConfig.js';
import { twoPersonWorkflow } from '../support/workflows.js';

function dir(files: Record<string, string>): string {
  const cwd = mkdtempSync(path.join(tmpdir(), 'roleplay-config-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(cwd, name), text);
  return cwd;
}

async function configError(files: Record<string, string>, configPath?: string): Promise<ConfigError> {
  try {
    await loadConfig({ cwd: dir(files), configPath });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const workflow = twoPersonWorkflow;

describe('loading a config', () => {
  it('falls back to the software-company preset when no file is found', async () => {
    const { config, filepath } = await loadConfig({ cwd: dir({}) });
    expect(filepath).toBeUndefined();
    expect(config.workflow.roles).toHaveLength(7);
    expect(config.workflow.artifacts).toHaveLength(9);
    expect(config.workflow.conversations).toHaveLength(8);
    expect(config.workflow.phases.map((p) => p.name)).toEqual(['Designing', 'Coding', 'Testing', 'Documenting']);
    expect(config).toMatchObject({ maxTurns: 10, sanityCheck: true, context: 'thread', task: 'I want a to create users in my application!' });
  });

  it("keeps a compiled roleplay.config.ts in the user's own cache folder, and compiles it again once it changes", async () => {
    const cache = compiledConfigCache();
    if (cache === false) throw new Error('no cache folder');
    expect(cache.startsWith(String(process.env.XDG_CACHE_HOME))).toBe(true);
    const config = (turns: number) => `import { defineConfig } from 'roleplay';\nexport default defineConfig({ maxTurns: ${turns} });\n`;
    const cwd = dir({ 'roleplay.config.ts': config(3) });
    expect((await loadConfig({ cwd })).config.maxTurns).toBe(3);
    expect(readdirSync(cache).filter((f) => f.startsWith(path.basename(cwd)))).toHaveLength(1);
    expect(statSync(cache).mode & 0o777).toBe(0o700);
    expect((await loadConfig({ cwd })).config.maxTurns).toBe(3);
    writeFileSync(path.join(cwd, 'roleplay.config.ts'), config(4));
    expect((await loadConfig({ cwd })).config.maxTurns).toBe(4);
  });

  it("loads no compiled config from a folder that is a link, another user's, or open to others until it is closed", () => {
    const base = mkdtempSync(path.join(tmpdir(), 'roleplay-cache-'));
    const open = path.join(base, 'open');
    mkdirSync(open, { mode: 0o777 });
    chmodSync(open, 0o777);
    expect(ownPrivateFolder(open)).toBe(true);
    expect(statSync(open).mode & 0o777).toBe(0o700);
    const link = path.join(base, 'link');
    symlinkSync(open, link);
    expect(ownPrivateFolder(link)).toBe(false);
    const file = path.join(base, 'file');
    writeFileSync(file, '');
    expect(ownPrivateFolder(file)).toBe(false);
    expect(ownPrivateFolder(open, statSync(open).uid + 1)).toBe(false);
  });

  it('loads roleplay.config.ts that imports defineConfig from "roleplay"', async () => {
    const cwd = dir({
      'roleplay.config.ts': `import { defineConfig } from 'roleplay-tui';\nconst turns: number = 3;\nexport default defineConfig({ preset: 'software-company', maxTurns: turns, context: 'scoped' });\n`,
    });
    const { config, filepath } = await loadConfig({ cwd });
    expect(filepath).toBe(path.join(cwd, 'roleplay.config.ts'));
    expect(config.maxTurns).toBe(3);
    expect(config.context).toBe('scoped');
    expect(config.workflow.conversations.every((c) => c.maxTurns === 3)).toBe(true);
  });

  it('loads JSON, YAML and a "roleplay" key in package.json', async () => {
    const json = await loadConfig({ cwd: dir({ '.roleplayrc.json': JSON.stringify({ workflow: workflow(), model: 'x' }) }) });
    expect(json.config.workflow.conversations[0]).toMatchObject({ id: 'planning', lead: 'boss', assistant: 'helper', input: 'idea', output: 'plan' });
    const yaml = await loadConfig({ cwd: dir({ 'roleplay.config.yaml': 'preset: software-company\nsanityCheck: false\n' }) });
    expect(yaml.config.sanityCheck).toBe(false);
    const pkg = await loadConfig({ cwd: dir({ 'package.json': JSON.stringify({ name: 'x', roleplay: { temperature: 0.2 } }) }) });
    expect(pkg.config.temperature).toBe(0.2);
  });

  it('resolves references by name or by id, and keeps per-conversation maxTurns', async () => {
    const { config } = await loadConfig({
      cwd: dir({ '.roleplayrc.json': JSON.stringify({ workflow: workflow({ lead: 'boss', maxTurns: 4 }) }) }),
    });
    expect(config.workflow.conversations[0]).toMatchObject({ lead: 'boss', maxTurns: 4 });
  });
});

describe('config errors name the file and the field path', () => {
  it('an unknown role', async () => {
    const error = await configError({ '.roleplayrc.json': JSON.stringify({ workflow: workflow({ lead: 'Chief' }) }) });
    expect(error.message).toBe('.roleplayrc.json: workflow.conversations[0].lead: unknown role "Chief" (known: Boss, Helper)');
  });

  it('a near miss of a role gets a "did you mean"', async () => {
    const error = await configError({ '.roleplayrc.json': JSON.stringify({ workflow: workflow({ lead: 'Bos' }) }) });
    expect(error.message).toBe('.roleplayrc.json: workflow.conversations[0].lead: unknown role "Bos" (did you mean "Boss"?)');
  });

  it('a conversation that is in no phase would never run', async () => {
    const wf = workflow();
    wf.conversations.push({ name: 'Review', description: 'r', lead: 'Helper', assistant: 'Boss', input: 'Plan', output: 'Idea' });
    const error = await configError({ '.roleplayrc.json': JSON.stringify({ workflow: wf }) });
    expect(error.message).toBe(
      `.roleplayrc.json: workflow.conversations[1]: conversation "Review" is in no phase, so it would never run: add it to a phase's conversations`,
    );
  });

  it('an input that only a later conversation produces', async () => {
    const wf = workflow({ input: 'Review' });
    wf.artifacts.push({ name: 'Review', description: 'r' });
    wf.conversations.push({ name: 'Reviewing', description: 'r', lead: 'Helper', assistant: 'Boss', input: 'Plan', output: 'Review' });
    wf.phases.push({ name: 'Later', description: 'l', conversations: ['Reviewing'] });
    const error = await configError({ '.roleplayrc.json': JSON.stringify({ workflow: wf }) });
    expect(error.message).toBe(
      '.roleplayrc.json: workflow.conversations[0].input: conversation "Planning" takes artifact "Review" as input, but only "Reviewing" (phase "Later") produces it, and that runs later: move "Reviewing" earlier or take another input',
    );
  });

  it('an unknown artifact and an unknown conversation in a phase', async () => {
    const a = await configError({ '.roleplayrc.json': JSON.stringify({ workflow: workflow({ output: 'Nope' }) }) });
    expect(a.message).toMatch(/^\.roleplayrc\.json: workflow\.conversations\[0\]\.output: unknown artifact "Nope"/);
    const c = await configError({ '.roleplayrc.json': JSON.stringify({ workflow: workflow({}, { conversations: ['Planning', 'Ghost'] }) }) });
    expect(c.message).toMatch(/workflow\.phases\[0\]\.conversations\[1\]: unknown conversation "Ghost"/);
  });

  it('duplicate names', async () => {
    const wf = workflow();
    wf.roles.push({ name: 'boss', description: 'again' });
    const error = await configError({ '.roleplayrc.json': JSON.stringify({ workflow: wf }) });
    expect(error.message).toBe('.roleplayrc.json: workflow.roles[2].name: duplicate name "boss" (also at roles[0])');
  });

  it('a conversation whose lead and assistant are the same role', async () => {
    const error = await configError({ '.roleplayrc.json': JSON.stringify({ workflow: workflow({ assistant: 'Boss' }) }) });
    expect(error.message).toMatch(/workflow\.conversations\[0\]\.assistant: is the same role as the lead/);
  });

  it('an empty phase', async () => {
    const error = await configError({ '.roleplayrc.json': JSON.stringify({ workflow: workflow({}, { conversations: [] }) }) });
    expect(error.message).toBe('.roleplayrc.json: workflow.phases[0].conversations: a phase needs at least one conversation');
  });

  it('schema violations: wrong types, unknown keys, bad enums, unknown placeholders', async () => {
    expect((await configError({ 'roleplay.config.json': JSON.stringify({ maxTurns: 'ten' }) })).message).toMatch(
      /^roleplay\.config\.json: maxTurns: /,
    );
    expect((await configError({ 'roleplay.config.json': JSON.stringify({ maxturns: 3 }) })).message).toMatch(/maxturns/);
    expect((await configError({ 'roleplay.config.json': JSON.stringify({ context: 'global' }) })).message).toMatch(
      /^roleplay\.config\.json: context: /,
    );
    expect((await configError({ 'roleplay.config.json': JSON.stringify({ prompts: { start: 'GO {{convo}}' } }) })).message).toBe(
      'roleplay.config.json: prompts.start: unknown placeholder {{convo}} (this template knows {{conversation}}, {{lead}}, {{assistant}}, {{input}}, {{output}})',
    );
  });

  it('a missing field is named as missing; a misspelled key or value gets a "did you mean"', async () => {
    // JSON leaves out a key whose value is undefined: "lead" is missing.
    const wf = workflow({ laed: 'Boss', lead: undefined });
    const error = await configError({ '.roleplayrc.json': JSON.stringify({ workflow: wf, contxt: 'thread' }) });
    expect(error.issues).toEqual([
      { path: 'workflow.conversations[0].lead', message: 'is missing (expected string)' },
      { path: 'workflow.conversations[0].laed', message: 'unknown key "laed" (did you mean "lead"?)' },
      { path: 'contxt', message: 'unknown key "contxt" (did you mean "context"?)' },
    ]);
    expect(error.message).toBe(
      '.roleplayrc.json: workflow.conversations[0].lead: is missing (expected string) (+2 more: run "roleplay validate" to list them)',
    );
    expect((await configError({ '.roleplayrc.json': JSON.stringify({ context: 'thred' }) })).message).toBe(
      '.roleplayrc.json: context: must be one of "thread", "scoped", "server" (did you mean "thread"?)',
    );
    expect((await configError({ '.roleplayrc.json': JSON.stringify({ zzz: 1 }) })).message).toMatch(
      /^\.roleplayrc\.json: zzz: unknown key "zzz" \(known: preset, workflow, /,
    );
  });

  it('a TypeScript syntax error names the file', async () => {
    const error = await configError({ 'roleplay.config.ts': 'export default { maxTurns: 3,, }\n' });
    expect(error.message).toBe('roleplay.config.ts: cannot load the config: ParseError: Unexpected token at line 1, column 30');
    expect(error.message).not.toContain('\n');
  });

  it('a JSON or YAML syntax error says why, on one line', async () => {
    const json = await configError({ '.roleplayrc.json': '{"maxTurns": 3,,}' });
    expect(json.message).toBe('.roleplayrc.json: cannot load the config: JSON Error: Expected double-quoted property name in JSON at position 15');
    const yaml = await configError({ 'roleplay.config.yaml': 'maxTurns: [\n' });
    expect(yaml.message).toMatch(/^roleplay\.config\.yaml: cannot load the config: YAML Error: unexpected end of the stream/);
  });

  it('a --config path that is a folder', async () => {
    const error = await configError({}, '.');
    expect(error.message).toBe('.: is a folder; name a config file');
  });

  it('a --config path that does not exist', async () => {
    const error = await configError({}, 'missing.config.ts');
    expect(error.message).toBe('missing.config.ts: config file not found');
  });

  it('a JavaScript or TypeScript config with no default export', async () => {
    const error = await configError({ 'roleplay.config.ts': 'export const maxTurns = 3;\n' });
    expect(error.message).toBe('roleplay.config.ts: has no default export (it exports maxTurns): write "export default defineConfig({ ... })"');
    const cjs = await loadConfig({ cwd: dir({ 'roleplay.config.cjs': 'module.exports = { maxTurns: 4 };\n' }) });
    expect(cjs.config.maxTurns).toBe(4);
  });

  it('an empty config file', async () => {
    const error = await configError({ '.roleplayrc.yaml': '' });
    expect(error.message).toBe('.roleplayrc.yaml: is empty: write a config in it, or delete it to use the built-in preset');
  });

  it('two config files: neither wins silently', async () => {
    const files = { '.roleplayrc': 'maxTurns: 3\n', 'roleplay.config.ts': 'export default { maxTurns: 4 };\n' };
    const error = await configError(files);
    expect(error.message).toBe('2 config files: .roleplayrc, roleplay.config.ts; keep one, or choose one with --config <file>');
    expect((await loadConfig({ cwd: dir(files), configPath: 'roleplay.config.ts' })).config.maxTurns).toBe(4);
    // package.json counts only with a "roleplay" key.
    const pkg = await loadConfig({ cwd: dir({ 'package.json': '{"name":"x"}', '.roleplayrc': 'maxTurns: 3\n' }) });
    expect(pkg.config.maxTurns).toBe(3);
  });

  it('a config whose getter throws, and one that never finishes loading', async () => {
    const getter = await configError({ 'roleplay.config.ts': 'export default { get maxTurns(): number { throw new Error("boom"); } };\n' });
    expect(getter.message).toBe('roleplay.config.ts: cannot read the config: boom');
    const started = Date.now();
    const hung = await loadConfig({ cwd: dir({ 'roleplay.config.ts': 'await new Promise(() => {});\nexport default {};\n' }), timeoutMs: 300 }).catch(
      (e: unknown) => e,
    );
    expect(hung).toBeInstanceOf(ConfigError);
    expect((hung as Error).message).toBe(
      'roleplay.config.ts: the config did not finish loading within 0.3 s (a top-level await that never settles?)',
    );
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('an empty --config path', async () => {
    const error = await configError({ '.roleplayrc': 'maxTurns: 3\n' }, '');
    expect(error.message).toBe('--config: the path is empty: name a config file');
  });

  it('counts further problems in one line', async () => {
    const error = await configError({ '.roleplayrc.json': JSON.stringify({ workflow: workflow({ lead: 'X', input: 'Y' }) }) });
    expect(error.message).toMatch(/\(\+1 more: run "roleplay validate" to list them\)$/);
    expect(error.issues).toHaveLength(2);
  });
});
