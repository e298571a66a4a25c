/** Engine.halt: how a fault outside the engine (a session that cannot be saved) ends a run. */
import { describe, expect, it } from 'vitest';
import type { EngineEvent, EventOf } from '../../src/engine/events.js';
import type { ModelRequest, Provider } from '../../src/providers/types.js';
import { cooperative, makeEngine, ScriptedProvider, waitForEvent } from '../support/scripted.js';

const ofType = <T extends EngineEvent['type']>(events: EngineEvent[], type: T) => events.filter((e): e is EventOf<T> => e.type === type);

describe('engine: halt, for a fault outside the engine', () => {
  const REASON = 'the session cannot be saved: writing events.jsonl: ENOSPC (no space left on device) in x';

  it('while a reply streams: the reply stops, the run ends failed with that reason, and it is no model error', async () => {
    const requests: ModelRequest[] = [];
    // Streams one word, then waits until it is stopped.
    const provider: Provider = {
      label: 'hanging',
      async *stream(request, signal) {
        requests.push(request);
        yield { type: 'delta', text: 'CEO: ' };
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        throw signal.reason;
      },
    };
    const { engine, events } = makeEngine(provider);
    const done = engine.run();
    await waitForEvent(events, engine, (e) => e.type === 'token');
    engine.halt(REASON);
    engine.halt('a second reason is not taken');
    const result = await done;
    expect(result).toMatchObject({ status: 'failed', reason: REASON, setupFault: undefined });
    expect(ofType(events, 'run.finished')).toEqual([expect.objectContaining({ status: 'failed', reason: REASON })]);
    expect(ofType(events, 'turn.ended')[0]).toMatchObject({ status: 'interrupted' });
    expect(ofType(events, 'conversation.ended')[0]).toMatchObject({ reason: 'failed' });
    expect(ofType(events, 'error')).toEqual([]);
    expect(ofType(events, 'retrying')).toEqual([]);
    expect(requests).toHaveLength(1);
  });

  it('while the TUI waits for a step, the run ends failed too', async () => {
    const { engine, events } = makeEngine(new ScriptedProvider(cooperative(2)), { mode: 'step', onFailure: 'pause' });
    const done = engine.run();
    await waitForEvent(events, engine, (e) => e.type === 'waiting');
    engine.halt(REASON);
    expect(await done).toMatchObject({ status: 'failed', reason: REASON });
  });
});
