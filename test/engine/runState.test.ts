import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import { applyEvent, createRunState } from '../../src/views/runState.js';
import { config, cooperative, makeEngine, ScriptedProvider } from '../support/scripted.js';

describe('the run state folded from events', () => {
  it('a reply cut off by a crash is shown as taken back once the run resumes', async () => {
    const { engine, events } = makeEngine(new ScriptedProvider(cooperative(2)));
    await engine.run();
    const cut = events.findIndex((e) => e.type === 'token') + 1;
    const state = createRunState();
    for (const event of events.slice(0, cut)) applyEvent(state, event);
    const turn = [...state.turns.values()][0]!;
    expect(turn.status).toBe('streaming');
    applyEvent(state, {
      type: 'run.resumed',
      sessionId: 's',
      fromSeq: cut,
      provider: 'p',
      model: 'm',
      mode: 'auto',
      seq: cut + 1,
      t: 0,
    } as EngineEvent);
    expect(turn).toMatchObject({ status: 'interrupted', discarded: true });
    expect(state.activeTurnId).toBeNull();
  });

  it('a reloaded config updates the turn limits the timeline shows', () => {
    const state = createRunState();
    const next = config({ maxTurns: 2 });
    applyEvent(state, {
      type: 'run.started',
      format: 'roleplay-journal',
      version: 2,
      sessionId: 's',
      task: 't',
      provider: 'p',
      model: 'm',
      mode: 'auto',
      context: 'thread',
      workflow: {
        description: '',
        roles: [],
        artifacts: [],
        phases: [
          {
            id: 'designing',
            name: 'Designing',
            conversations: [
              {
                id: 'design-modalities',
                name: 'Design (Modalities)',
                lead: 'ceo',
                assistant: 'cpo',
                input: 'task',
                output: 'modalities',
                maxTurns: 10,
              },
            ],
          },
        ],
      },
      config: config(),
      endpoint: null,
      seq: 1,
      t: 0,
    });
    applyEvent(state, { type: 'config.reloaded', config: next, changed: ['maxTurns'], seq: 2, t: 1 });
    expect(state.conversations.get('design-modalities')?.maxTurns).toBe(2);
  });
});
