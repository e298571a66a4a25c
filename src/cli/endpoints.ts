/**
 * The config's named endpoints as providers, for the roles that run on them: each with the key from its own
 * environment variable, its API and headers. Only the endpoints some role uses are set up, so an endpoint whose
 * key is not set stops a run only when a role needs it. A resume sets them up again from the config file, by name.
 */
import path from 'node:path';
import { DEFAULT_ENDPOINT, type ResolvedConfig, type ResolvedEndpoint } from '../config/resolve.js';
import { ProviderError, type Provider } from '../providers/types.js';
import { UsageError } from '../errors.js';
import { redactUrl } from '../text/redactUrl.js';

export interface EndpointRuntime {
  provider: Provider;
  /** The model for the endpoint's roles that name none. */
  model: string | undefined;
  api: 'chat' | 'responses';
  /** Where it is, for the user: the base URL, or api.openai.com. */
  where: string;
}

/** The endpoints the config's roles name, with the roles on each, in the order the roles come. */
export function endpointsInUse(config: ResolvedConfig): Map<string, string[]> {
  const used = new Map<string, string[]>();
  for (const role of config.workflow.roles) {
    if (role.endpoint === undefined) continue;
    used.set(role.endpoint, [...(used.get(role.endpoint) ?? []), role.name]);
  }
  return used;
}

/** A provider for one endpoint; throws a UsageError when its key is not set and it needs one. */
export async function endpointProvider(
  endpoint: Pick<ResolvedEndpoint, 'name' | 'baseURL' | 'apiKeyEnv' | 'api' | 'headers' | 'store'>,
  env: NodeJS.ProcessEnv,
  context: ResolvedConfig['context'],
): Promise<Provider> {
  const key = env[endpoint.apiKeyEnv]?.trim() || undefined;
  // Local servers (Ollama, vLLM, LM Studio) take any key; OpenAI itself needs one.
  if (!key && endpoint.baseURL === undefined) {
    throw new UsageError(
      `endpoint "${endpoint.name}" is OpenAI itself and takes its key from ${endpoint.apiKeyEnv}, which is not set: set it, or give the endpoint a baseURL`,
    );
  }
  const apiKey = key ?? 'not-needed';
  if (endpoint.api === 'responses') {
    const { ResponsesProvider } = await import('../providers/responsesProvider.js');
    return new ResponsesProvider({
      apiKey,
      baseURL: endpoint.baseURL,
      apiKeyEnv: endpoint.apiKeyEnv,
      ...(endpoint.name !== DEFAULT_ENDPOINT ? { endpointName: endpoint.name } : {}),
      headers: endpoint.headers,
      ...(endpoint.store !== undefined ? { store: endpoint.store } : {}),
      serverThread: context === 'server',
    });
  }
  const { OpenAIProvider } = await import('../providers/openaiProvider.js');
  const provider = new OpenAIProvider({ apiKey, baseURL: endpoint.baseURL, headers: endpoint.headers });
  return endpoint.name === DEFAULT_ENDPOINT ? provider : naming(provider, endpoint);
}

/**
 * The Chat Completions provider's setup faults name the CLI's --base-url and OPENAI_API_KEY: for a named endpoint
 * they name its own `baseURL` and key variable instead.
 */
function naming(provider: Provider, endpoint: Pick<ResolvedEndpoint, 'name' | 'apiKeyEnv'>): Provider {
  return {
    label: provider.label,
    async *stream(request, signal) {
      try {
        yield* provider.stream(request, signal);
      } catch (error) {
        if (!(error instanceof ProviderError) || !error.setupFault) throw error;
        const message = error.message
          .replace('check OPENAI_API_KEY', `check ${endpoint.apiKeyEnv} (the key of endpoint "${endpoint.name}")`)
          .replace('check --base-url or OPENAI_BASE_URL', `check the baseURL of endpoint "${endpoint.name}"`);
        throw new ProviderError(message, error.retryable, error.retryAfterMs, error.status, error.setupFault);
      }
    },
  };
}

/**
 * Providers for the endpoints in use. `demo` runs them all on the given demo provider. `from` names the config
 * file the endpoints came from, for the error about one it does not define (only a resume can meet that).
 */
export async function setUpEndpoints(
  config: ResolvedConfig,
  endpoints: Readonly<Record<string, ResolvedEndpoint>>,
  env: NodeJS.ProcessEnv,
  options: { demo?: Provider | undefined; resumeOf?: { sessionId: string; configFile: string | undefined; cwd: string } },
): Promise<Map<string, EndpointRuntime>> {
  const out = new Map<string, EndpointRuntime>();
  for (const [name, roles] of endpointsInUse(config)) {
    const endpoint = endpoints[name];
    if (!endpoint) {
      const resume = options.resumeOf;
      const file = resume?.configFile ? path.relative(resume.cwd, resume.configFile) || resume.configFile : undefined;
      throw new UsageError(
        resume
          ? `session ${resume.sessionId} runs ${roles.join(', ')} on endpoint "${name}", which ${file ?? 'no config file in this folder'} does not define: add "${name}" back under "endpoints" (resume from the folder of the config it ran with)`
          : `endpoint "${name}" is not defined: add it under "endpoints"`,
      );
    }
    const where = endpoint.baseURL === undefined ? 'api.openai.com' : redactUrl(endpoint.baseURL);
    if (options.demo) out.set(name, { provider: options.demo, model: undefined, api: endpoint.api, where: 'demo' });
    else out.set(name, { provider: await endpointProvider(endpoint, env, config.context), model: endpoint.model, api: endpoint.api, where });
  }
  return out;
}

/** One line about the endpoints, for the line that says which model runs. */
export function endpointsNote(config: ResolvedConfig, runtimes: ReadonlyMap<string, EndpointRuntime>): string {
  const used = endpointsInUse(config);
  if (!used.size) return '';
  const parts = [...runtimes].map(([name, r]) => `${name} (${r.api}, ${r.where}) for ${(used.get(name) ?? []).join(', ')}`);
  return ` Endpoints: ${parts.join('; ')}.`;
}
