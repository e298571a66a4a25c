/**
 * Every popular OpenAI-compatible server, as it streams (test/support/dialects: one fake per server, from its docs),
 * with the body cut at awkward places: the real openai SDK and our provider must give back exactly the reply that was
 * sent, its thinking apart, and the usage the server reported; nothing is retried as cut off.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent, EventOf } from '../../src/engine/events.js';
import { OpenAIProvider } from '../../src/providers/openaiProvider.js';
import { DIALECTS } from '../support/dialects/index.js';
import { startDialectServer, type Split } from '../support/dialects/server.js';
import { config, makeEngine } from '../support/scripted.js';
import { twoPersonWorkflow } from '../support/workflows.js';

const LEAD = 'Boss:\n\nÜber café — 日本語 🎉 <b>&amp;</b> “quotes” \\ "escaped"\nWhat do we need?';
const LEAD_THOUGHT = 'Should I write END CONVERSATION already? No: first ask what Helper needs. 思考 🤔';
const END = 'Helper:\n\nThe plan: 計画 🎯 do it well.\n\nEND CONVERSATION';
const END_THOUGHT = 'Now the plan is whole.';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

const of = <T extends EngineEvent['type']>(events: EngineEvent[], type: T) => events.filter((e): e is EventOf<T> => e.type === type);

describe.each(DIALECTS)('$name', (dialect) => {
  it.each<Split>(['events', 'bytes', 'utf8'])('streams every reply exactly as sent, cut by %s', async (split) => {
    const server = await startDialectServer(dialect, split, (request) =>
      request.body.messages.some((m) => m.role === 'assistant') ? { text: END, reasoning: END_THOUGHT } : { text: LEAD, reasoning: LEAD_THOUGHT },
    );
    close = () => server.close();
    const provider = new OpenAIProvider({ apiKey: 'sk-test-dialect', baseURL: server.url });
    const { engine, events } = makeEngine(provider, {
      config: config({
        sanityCheck: false,
        retry: { attempts: 0, firstTokenTimeoutMs: 10_000, idleTimeoutMs: 10_000 },
        workflow: twoPersonWorkflow(),
      }),
    });
    const result = await engine.run();
    expect(result.status, JSON.stringify(of(events, 'error'))).toBe('completed');
    const ended = of(events, 'turn.ended');
    expect(ended.map((e) => e.text)).toEqual([LEAD, END]);
    expect(ended.map((e) => e.reasoning)).toEqual(dialect.reasons ? [LEAD_THOUGHT, END_THOUGHT] : [undefined, undefined]);
    expect(ended.map((e) => e.finish)).toEqual([undefined, undefined]);
    // The lead only thought about the marker: the conversation ended at the helper's reply, by the marker.
    expect(of(events, 'conversation.ended')[0]).toMatchObject({ reason: 'end-marker', turns: 2 });
    // The tokens streamed add up to the replies, and the thinking streamed apart from them.
    expect(
      of(events, 'token')
        .map((e) => e.text)
        .join(''),
    ).toBe(LEAD + END);
    expect(
      of(events, 'reasoning')
        .map((e) => e.text)
        .join(''),
    ).toBe(dialect.reasons ? LEAD_THOUGHT + END_THOUGHT : '');
    expect(of(events, 'usage').map((e) => e.usage)).toEqual([
      { promptTokens: 100, completionTokens: 10, estimated: false },
      { promptTokens: 101, completionTokens: 11, estimated: false },
    ]);
    expect(of(events, 'retrying')).toEqual([]);
    // What went back to the model is the reply, never its thinking.
    const second = JSON.stringify(server.requests[1]?.body.messages);
    expect(server.requests[1]?.body.messages.filter((m) => m.role === 'assistant').map((m) => m.content)).toEqual([LEAD]);
    expect(second).not.toContain('思考');
  });
});
