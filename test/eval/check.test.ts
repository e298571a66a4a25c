import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import { checkRecording } from '../../src/eval/replayCheck.js';
import { config, cooperative, makeEngine, ScriptedProvider } from '../support/scripted.js';

/**
 * Records a run in step mode as a person would drive it: a customer message, a skipped conversation, a regenerated
 * reply and an edited one, between turns.
 */
async function recordSession(recordedConfig = config()) {
  const { engine, events } = makeEngine(new ScriptedProvider(cooperative(3)), { config: recordedConfig, mode: 'step', onFailure: 'pause' });
  const done = new Set<string>();
  const once = (what: string, when: boolean) => when && !done.has(what) && done.add(what) !== undefined;
  engine.subscribe((event) => {
    if (event.type !== 'waiting') return;
    const { conversationId, kind } = event.next;
    if (once('say', conversationId === 'design-modalities' && kind === 'switch')) engine.intervene('Please keep it small.');
    if (once('skip', conversationId === 'design-language')) return engine.skipConversation();
    if (once('regenerate', conversationId === 'coding-code' && kind === 'switch')) return engine.regenerate();
    if (once('edit', conversationId === 'coding-design' && kind === 'switch')) return engine.edit('Programmer:\n\nAn edited reply.');
    engine.step();
  });
  const result = await engine.run();
  expect(result.status).toBe('completed');
  return events;
}

const turnsOf = (events: EngineEvent[]) => events.filter((e) => e.type === 'turn.started').length;

describe("check: a recording against today's config", () => {
  it('finds every request the same when nothing changed, customer messages, skips, regenerates and edits included', async () => {
    const events = await recordSession();
    expect(events.some((e) => e.type === 'customer.message')).toBe(true);
    expect(events.some((e) => e.type === 'conversation.ended' && e.reason === 'skipped')).toBe(true);
    expect(events.some((e) => e.type === 'turn.discarded' && e.reason === 'regenerate')).toBe(true);
    expect(events.some((e) => e.type === 'turn.edited')).toBe(true);
    const result = await checkRecording(events, config());
    expect(result.difference).toBeNull();
    expect(result.matched).toBe(turnsOf(events));
    expect(result.recordedStatus).toBe('completed');
  });

  it('reports the first request a changed template alters: which turn, which message, which line', async () => {
    const events = await recordSession();
    const result = await checkRecording(events, config({ prompts: { switch: 'SWITCH to {{speaker}} now' } }));
    expect(result.difference).not.toBeNull();
    // The first conversation's first reply is a START; its second is the first SWITCH.
    expect(result.matched).toBe(1);
    expect(result.difference?.request).toBe(2);
    expect(result.difference?.where).toMatch(/^turn t2 \(Design \(Modalities\), CPO, reply 2\)$/);
    const lines = result.difference?.lines ?? [];
    expect(lines[0]).toMatch(/^message \d+ of \d+ \(recorded: \d+\), line 1:$/);
    expect(lines.slice(1)).toEqual(['- SWITCH', '+ SWITCH to CPO now']);
  });

  it("says when today's run goes another way, and when it ends before the recording does", async () => {
    const events = await recordSession();
    const fewer = await checkRecording(events, config({ maxTurns: 2 }));
    expect(fewer.difference?.request).toBe(3);
    expect(fewer.difference?.lines[0]).toBe('recorded for design-modalities ceo reply 3, today for design-language ceo reply 1');
    const shorter = config();
    const last = shorter.workflow.conversations.at(-1);
    if (last) last.maxTurns = 2;
    const ends = await checkRecording(events, shorter);
    expect(ends.matched).toBe(turnsOf(events) - 1);
    expect(ends.difference?.where).toBe('turn t22 (Documenting (Manual), CEO, reply 3)');
    expect(ends.difference?.lines).toEqual([`today's run ends after ${turnsOf(events) - 1} requests; the recording has ${turnsOf(events)}`]);
  });

  it('checks a different model of a role as a difference', async () => {
    const events = await recordSession();
    const changed = config();
    const cpo = changed.workflow.roles.find((r) => r.name === 'CPO');
    if (cpo) cpo.model = 'other-model';
    const result = await checkRecording(events, changed);
    expect(result.difference?.request).toBe(2);
    expect(result.difference?.lines).toContain('model: recorded "m", today "other-model"');
  });

  it('repeats replies stopped while they streamed (x, s, S), a rewind, and a regenerate while streaming', async () => {
    const { engine, events } = makeEngine(new ScriptedProvider(cooperative(4)), { config: config(), mode: 'step', onFailure: 'pause' });
    const done = new Set<string>();
    const once = (what: string, when: boolean) => when && !done.has(what) && done.add(what) !== undefined;
    const turns = new Map<string, { conversationId: string | null; index: number }>();
    engine.subscribe((event) => {
      if (event.type === 'turn.started') turns.set(event.turnId, { conversationId: event.conversationId, index: event.index });
      if (event.type === 'token') {
        const turn = turns.get(event.turnId);
        if (once('stop', turn?.conversationId === 'design-modalities' && turn.index === 1)) engine.abort();
        if (once('skip', turn?.conversationId === 'design-language' && turn.index === 1)) engine.skipConversation();
        if (once('again', turn?.conversationId === 'coding-code' && turn.index === 2)) engine.regenerate();
        if (once('phase', turn?.conversationId === 'testing-review' && turn.index === 0)) engine.skipPhase();
        return;
      }
      if (event.type !== 'waiting') return;
      const { conversationId } = event.next;
      const first = [...turns].find(([, t]) => t.conversationId === 'coding-design' && t.index === 0)?.[0];
      if (first && once('rewind', conversationId === 'coding-design' && event.next.kind === 'switch' && turns.size > 0)) {
        const replies = [...turns.values()].filter((t) => t.conversationId === 'coding-design').length;
        if (replies >= 2) return engine.rewind(first);
        done.delete('rewind');
      }
      engine.step();
    });
    expect((await engine.run()).status).toBe('completed');
    expect(events.filter((e) => e.type === 'turn.ended' && e.status === 'interrupted')).toHaveLength(4);
    expect(events.some((e) => e.type === 'conversation.rewound')).toBe(true);
    expect(events.some((e) => e.type === 'conversation.ended' && e.reason === 'phase-skipped')).toBe(true);
    const result = await checkRecording(events, config());
    expect(result.difference).toBeNull();
    expect(result.matched).toBe(turnsOf(events));
  });

  it('waits for the gate after a regenerate before it repeats what came next (here a skip)', async () => {
    const { engine, events } = makeEngine(new ScriptedProvider(cooperative(4)), { config: config(), mode: 'step', onFailure: 'pause' });
    let regenerated = false;
    let skipped = false;
    engine.subscribe((event) => {
      if (event.type !== 'waiting') return;
      if (!regenerated && event.next.conversationId === 'design-modalities' && event.next.kind === 'switch') {
        regenerated = true;
        return engine.regenerate();
      }
      if (regenerated && !skipped) {
        skipped = true;
        return engine.skipConversation();
      }
      engine.step();
    });
    expect((await engine.run()).status).toBe('completed');
    const result = await checkRecording(events, config());
    expect(result.difference).toBeNull();
    expect(result.matched).toBe(turnsOf(events));
  });
});
