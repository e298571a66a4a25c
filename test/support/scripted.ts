import type { ResolvedConfig } from '../../src/config/resolve.js';
import { resolveConfig } from '../../src/config/validate.js';
import type { RoleplayConfig } from '../../src/config/schema.js';
import { Engine, type EngineOptions } from '../../src/engine/engine.js';
import type { EngineEvent, EventOf } from '../../src/engine/events.js';
import { RequestBook } from '../../src/engine/requestDelta.js';
import { ProviderError, type ChatMessage, type ModelRequest, type Provider, type StreamChunk } from '../../src/providers/types.js';

export type Script = (request: ModelRequest, call: number) => string | Error | AsyncIterable<StreamChunk> | Iterable<StreamChunk>;

/** A provider that answers from a function, word by word, with no timers and no network. */
export class ScriptedProvider implements Provider {
  readonly label = 'scripted';
  readonly requests: ModelRequest[] = [];
  constructor(private readonly script: Script) {}

  async *stream(request: ModelRequest, signal: AbortSignal): AsyncGenerator<StreamChunk> {
    this.requests.push(request);
    const answer = this.script(request, this.requests.length - 1);
    if (answer instanceof Error) throw answer;
    if (typeof answer !== 'string') {
      yield* answer;
      return;
    }
    for (const piece of answer.match(/\S+\s*|\s+/g) ?? []) {
      if (signal.aborted) throw signal.reason;
      await Promise.resolve();
      yield { type: 'delta', text: piece };
    }
  }
}

/** Replies like a cooperative model: lead, assistant, then the lead ends with an artifact. */
export function cooperative(turnsPerConversation = 3): Script {
  return (request) => {
    const meta = request.meta;
    if (meta.kind === 'sanity') return 'SUCCESS';
    const index = meta.conversation?.turnIndex ?? 0;
    const who = meta.speaker?.name ?? '?';
    if (index + 1 >= turnsPerConversation) return `${who}:\n\n${meta.output?.name} body from ${meta.conversation?.name}\n\nEND CONVERSATION`;
    return `${who}:\n\nTurn ${index + 1} of ${meta.conversation?.name}.`;
  };
}

export function config(overrides: RoleplayConfig = {}): ResolvedConfig {
  const result = resolveConfig({ sanityCheck: false, ...overrides });
  if ('issues' in result) throw new Error(JSON.stringify(result.issues));
  return result.config;
}

export function makeEngine(provider: Provider, options: Partial<EngineOptions> = {}) {
  const events: EngineEvent[] = [];
  const engine = new Engine({
    config: config(),
    provider,
    task: 'build a thing',
    sessionId: 'test',
    model: 'm',
    mode: 'auto',
    onFailure: 'stop',
    ...options,
  });
  engine.subscribe((e) => events.push(e));
  return { engine, events };
}

export const retryable = (message: string) => new ProviderError(message, true);

/** Resolves once `predicate` holds for the events so far. */
export function waitForEvent(events: EngineEvent[], engine: Engine, predicate: (event: EngineEvent) => boolean): Promise<EngineEvent> {
  const found = events.find(predicate);
  if (found) return Promise.resolve(found);
  return new Promise((resolve) => {
    const off = engine.subscribe((event) => {
      if (predicate(event)) {
        off();
        resolve(event);
      }
    });
  });
}

/** The `turn.started` events so far, each with its whole request rebuilt from the journal's deltas. */
export function turnStarts(events: readonly EngineEvent[]): Array<EventOf<'turn.started'> & { messages: readonly ChatMessage[] }> {
  const book = new RequestBook();
  return events.flatMap((e) => (e.type === 'turn.started' ? [{ ...e, messages: book.add(e) }] : []));
}
