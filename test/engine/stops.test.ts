import { describe, expect, it } from 'vitest';
import type { EngineEvent, EventOf } from '../../src/engine/events.js';
import { resumePoint } from '../../src/engine/resume.js';
import { plainView } from '../../src/cli/headlessView.js';
import { buildExportDocument } from '../../src/session/exportDocument.js';
import { renderTranscript } from '../../src/session/transcript.js';
import { applyEvent, createRunState } from '../../src/views/runState.js';
import { config, cooperative, makeEngine, ScriptedProvider, waitForEvent } from '../support/scripted.js';

const of = <T extends EngineEvent['type']>(events: EngineEvent[], type: T) => events.filter((e): e is EventOf<T> => e.type === type);
const costOf = (_model: string, usage: { promptTokens: number; completionTokens: number }) => (usage.promptTokens + usage.completionTokens) / 10_000;

describe('stops and what the views say of them', () => {
  it('a budget reached on the reply that ends a conversation ends the conversation first, as complete', async () => {
    const { engine, events } = makeEngine(new ScriptedProvider(cooperative(1)), { maxCostUsd: 0.01, costOf });
    const result = await engine.run();
    expect(result.status).toBe('budget');
    expect(of(events, 'conversation.ended')).toMatchObject([{ reason: 'end-marker', artifact: { incomplete: false } }]);
    // A resume with the budget already spent stops before it sends anything.
    const provider = new ScriptedProvider(cooperative(1));
    const resumed = makeEngine(provider, { resume: resumePoint(JSON.parse(JSON.stringify(events)) as EngineEvent[]), maxCostUsd: 0.01, costOf });
    expect((await resumed.engine.run()).status).toBe('budget');
    expect(provider.requests).toHaveLength(0);
    expect(of(resumed.events, 'budget.reached')).toHaveLength(1);
  });

  it('the plain view says what r, w and e changed, and names withdrawn messages', async () => {
    const provider = new ScriptedProvider(cooperative(6));
    const { engine, events } = makeEngine(provider, { mode: 'step' });
    const state = createRunState();
    let out = '';
    const view = plainView((text) => (out += text), state);
    engine.subscribe((event) => {
      applyEvent(state, event);
      view(event);
    });
    const done = engine.run();
    const rest = async () => {
      const seq = events.at(-1)!.seq;
      await waitForEvent(events, engine, (e) => e.type === 'waiting' && e.seq > seq);
    };
    await waitForEvent(events, engine, (e) => e.type === 'waiting');
    engine.step();
    await rest();
    engine.step();
    await rest();
    engine.intervene('a message that w takes back');
    engine.regenerate();
    await rest();
    engine.edit('CPO: EDITED-X');
    await waitForEvent(events, engine, (e) => e.type === 'turn.edited');
    engine.rewind(of(events, 'turn.started')[0]!.turnId);
    await rest();
    engine.quit();
    await done;
    expect(out).toContain('[reply taken back (to regenerate it): CPO, turn 2]');
    expect(out).toContain('[reply edited: CPO, turn 2; the thread now holds]\nCPO: EDITED-X');
    expect(out).toContain('[reply taken back (rewound): CEO, turn 1]');
    expect(out).toContain('[rewound to turn 1: it is generated again]');
    expect(out).toContain('[customer message withdrawn: it came after the turn rewound to, so no model heard it: "a message that w takes back"]');
  });

  it('a killed run: documents mark the unfinished reply, and a message it was hearing as not heard yet', async () => {
    const provider = new ScriptedProvider(cooperative(4));
    const { engine, events } = makeEngine(provider, { mode: 'step' });
    const done = engine.run();
    await waitForEvent(events, engine, (e) => e.type === 'waiting');
    engine.intervene('before the crash');
    engine.step();
    await waitForEvent(events, engine, (e) => e.type === 'token');
    // The journal as a kill -9 left it: the turn started, a token, no end.
    const killed = events.slice(0, events.findIndex((e) => e.type === 'token') + 1);
    engine.quit();
    await done;
    const state = killed.reduce(applyEvent, createRunState());
    expect(buildExportDocument(state).customerMessages).toMatchObject([{ text: 'before the crash', status: 'waiting', heardBy: null }]);
    const md = renderTranscript(state);
    expect(md).toContain('> **Customer (not heard yet: the next turn (or a --resume) delivers it):** before the crash');
    expect(md).toContain('(lead, unfinished: the run stopped during it, a --resume asks again)');
    expect(md).toContain('- Status: not finished');
  });

  it('a phase skipped: its conversations not run say so in transcript.md', async () => {
    const { engine, events } = makeEngine(new ScriptedProvider(cooperative(2)), { mode: 'step', config: config() });
    const done = engine.run();
    await waitForEvent(events, engine, (e) => e.type === 'waiting');
    engine.skipPhase();
    await waitForEvent(events, engine, (e) => e.type === 'phase.ended');
    engine.quit();
    await done;
    const md = renderTranscript(events.reduce(applyEvent, createRunState()));
    expect(md).toMatch(/### Design \(Language\)\n\n.*\n\n_Not run: skipped with its phase._/);
  });
});
