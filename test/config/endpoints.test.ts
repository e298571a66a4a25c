import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/validate.js';

const issues = (raw: unknown) => {
  const result = resolveConfig(raw);
  return 'issues' in result ? result.issues : [];
};

describe('endpoints in the config', () => {
  it('resolves endpoints with their defaults, and puts a preset role on one by name', () => {
    const result = resolveConfig({
      endpoints: { local: { baseURL: 'http://127.0.0.1:11434/v1' }, cloud: { api: 'responses', apiKeyEnv: 'CLOUD_KEY', store: true } },
      roles: { programmer: { endpoint: 'local', model: 'qwen2.5-coder' }, CEO: { endpoint: 'cloud' }, CTO: { endpoint: 'default' } },
    });
    if ('issues' in result) throw new Error(JSON.stringify(result.issues));
    expect(result.endpoints.local).toEqual({
      name: 'local',
      baseURL: 'http://127.0.0.1:11434/v1',
      apiKeyEnv: 'OPENAI_API_KEY',
      api: 'chat',
      headers: {},
      model: undefined,
      store: undefined,
    });
    expect(result.endpoints.cloud).toMatchObject({ api: 'responses', apiKeyEnv: 'CLOUD_KEY', store: true, baseURL: undefined });
    const role = (name: string) => result.config.workflow.roles.find((r) => r.name === name);
    expect(role('Programmer')).toMatchObject({ endpoint: 'local', model: 'qwen2.5-coder' });
    expect(role('CEO')?.endpoint).toBe('cloud');
    // `default` is the CLI's endpoint: the same as naming none.
    expect(role('CTO')?.endpoint).toBeUndefined();
    expect(role('Tester')?.endpoint).toBeUndefined();
  });

  it('names the field of each mistake', () => {
    expect(issues({ endpoints: { local: { baseURL: 'localhost:11434' } } })).toEqual([
      { path: 'endpoints.local.baseURL', message: 'must be an http:// or https:// URL, e.g. http://127.0.0.1:11434/v1' },
    ]);
    expect(issues({ endpoints: { local: { apiKeyEnv: 'sk-abc' } } })[0]).toEqual({
      path: 'endpoints.local.apiKeyEnv',
      message: 'must be the name of an environment variable, e.g. "GROQ_API_KEY"',
    });
    expect(issues({ endpoints: { local: { api: 'assistants' } } })[0]?.message).toBe('must be one of "chat", "responses"');
    expect(issues({ endpoints: { Local: {} } })[0]?.path).toBe('endpoints.Local');
    expect(issues({ endpoints: { default: {} } })).toEqual([
      { path: 'endpoints.default', message: '"default" is the endpoint of --base-url and OPENAI_API_KEY: give this one another name' },
    ]);
    expect(issues({ endpoints: { local: { store: true } } })).toEqual([
      { path: 'endpoints.local.store', message: 'only the Responses API stores responses: set api: \'responses\' or drop "store"' },
    ]);
    expect(issues({ context: 'server', endpoints: { cloud: { api: 'responses', store: false } } })[0]?.path).toBe('endpoints.cloud.store');
    expect(issues({ roles: { CEO: { endpoint: 'cloud' } } })).toEqual([
      { path: 'roles.CEO.endpoint', message: 'unknown endpoint "cloud": add it under "endpoints"' },
    ]);
    expect(issues({ roles: { CFO: { model: 'x' } } })[0]).toMatchObject({ path: 'roles.CFO', message: expect.stringMatching(/^unknown role "CFO"/) });
  });
});
