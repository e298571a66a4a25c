import { describe, expect, it } from 'vitest';
import type { EngineEvent, EngineEventBody } from '../../src/engine/events.js';
import { applyEvent, createRunState } from '../../src/views/runState.js';
import { ReplayPlayer, type ReplayClock } from '../../src/session/replayPlayer.js';
import { completeRun, stamp, WORKFLOW } from './fixtures.js';

/** A clock whose sleeps pass at once and move time forward by exactly what was asked. */
function fakeClock(): ReplayClock & { sleeps: number[] } {
  let now = 1000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: (ms) => {
      sleeps.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
}

function record(player: ReplayPlayer): EngineEvent[] {
  const seen: EngineEvent[] = [];
  player.subscribe((e) => seen.push(e));
  return seen;
}

/** Lets the player run until `done` holds (it only waits on promises and setImmediate with a fake clock). */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !done(); i++) await new Promise((r) => setImmediate(r));
  expect(done()).toBe(true);
}

const started = {
  type: 'run.started',
  sessionId: 's',
  task: 'x',
  provider: 'p',
  model: 'm',
  mode: 'step',
  context: 'thread',
  workflow: WORKFLOW,
} as EngineEventBody;

describe('ReplayPlayer', () => {
  it('keeps the recorded pacing, scaled by speed, with long gaps capped at 2 s / speed', async () => {
    const events = stamp([
      [0, started],
      [100, { type: 'phase.started', phaseId: 'design', index: 0 }],
      [400, { type: 'conversation.started', conversationId: 'planning', phaseId: 'design' }],
      [60_400, { type: 'warning', code: 'w', message: 'after a long wait' }],
      [60_500, { type: 'run.finished', status: 'completed', reason: null }],
    ]);
    const clock = fakeClock();
    const player = new ReplayPlayer(events, { speed: 2, clock });
    const seen = record(player);
    const result = await player.run();
    expect(result).toMatchObject({ status: 'completed', playedToEnd: true });
    expect(seen.map((e) => e.type)).toEqual(['run.started', 'phase.started', 'conversation.started', 'warning', 'run.finished']);
    // 100/2, 300/2, min(60000, 2000)/2, 100/2
    expect(seen.map((e) => e.t)).toEqual([0, 50, 200, 1200, 1250]);
    expect(seen.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(clock.sleeps).toEqual([50, 150, 1000, 50]);
  });

  it("drops the recording's own waiting, resumed and mode.changed events, and the time spent waiting", async () => {
    const events = stamp([
      [0, started],
      [10, { type: 'waiting', holds: [{ kind: 'step' }], next: { conversationId: null, kind: 'sanity', role: null, side: null } }],
      [50_000, { type: 'resumed' }],
      [50_000, { type: 'mode.changed', mode: 'auto' }],
      [50_300, { type: 'phase.started', phaseId: 'design', index: 0 }],
      [50_400, { type: 'run.finished', status: 'completed', reason: null }],
    ]);
    const player = new ReplayPlayer(events, { clock: fakeClock() });
    const seen = record(player);
    await player.run();
    expect(seen.map((e) => [e.type, e.t])).toEqual([
      ['run.started', 0],
      ['phase.started', 300],
      ['run.finished', 400],
    ]);
    // The player owns the mode: run.started says the player's mode, not the recording's.
    expect(seen[0]).toMatchObject({ type: 'run.started', mode: 'auto' });
  });

  it('replays a whole run into the same state as the recording', async () => {
    const events = stamp(completeRun());
    const player = new ReplayPlayer(events, { speed: 1000, clock: fakeClock() });
    const replayed = createRunState();
    player.subscribe((e) => applyEvent(replayed, e));
    const original = createRunState();
    for (const e of events) applyEvent(original, e);
    await player.run();
    expect(replayed.finished).toEqual(original.finished);
    expect([...replayed.turns.values()].map((t) => [t.turnId, t.text, t.status, t.discarded])).toEqual(
      [...original.turns.values()].map((t) => [t.turnId, t.text, t.status, t.discarded]),
    );
    expect(replayed.artifacts).toEqual(original.artifacts);
    expect(replayed.totals.promptTokens).toBe(original.totals.promptTokens);
  });

  it('step mode plays one turn per step and waits before each turn', async () => {
    const player = new ReplayPlayer(stamp(completeRun()), { mode: 'step', clock: fakeClock() });
    const seen = record(player);
    const done = player.run();
    const waits = () => seen.filter((e) => e.type === 'waiting');
    await until(() => waits().length === 1);
    // Nothing of the first turn (the sanity check) has played yet.
    expect(seen.map((e) => e.type)).toEqual(['run.started', 'waiting']);
    expect(seen[1]).toMatchObject({ holds: [{ kind: 'step' }], next: { kind: 'sanity' } });

    player.step();
    await until(() => waits().length === 2);
    const afterFirst = seen.map((e) => e.type);
    expect(afterFirst.filter((t) => t === 'turn.started')).toHaveLength(1);
    expect(afterFirst.filter((t) => t === 'turn.ended')).toHaveLength(1);
    expect(afterFirst.slice(-4)).toEqual(['turn.ended', 'phase.started', 'conversation.started', 'waiting']);
    expect(seen.at(-1)).toMatchObject({ type: 'waiting', next: { conversationId: 'planning', kind: 'start', role: 'ceo', side: 'lead' } });

    player.step();
    await until(() => waits().length === 3);
    const second = seen.slice(afterFirst.length);
    expect(second.map((e) => e.type)).toEqual(['resumed', 'turn.started', 'token', 'token', 'usage', 'turn.ended', 'customer.message', 'waiting']);

    // Auto mode plays the rest without waiting.
    player.setMode('auto');
    await expect(done).resolves.toMatchObject({ status: 'completed', playedToEnd: true });
    expect(seen.filter((e) => e.type === 'mode.changed')).toEqual([expect.objectContaining({ mode: 'auto' })]);
    expect(waits()).toHaveLength(3);
    expect(seen.at(-1)).toMatchObject({ type: 'run.finished', status: 'completed' });
  });

  it('abort pauses mid-reply until step; quit ends the playback with run.finished', async () => {
    const clock = fakeClock();
    // Slow enough that there is time to send commands between events.
    const player = new ReplayPlayer(stamp(completeRun()), { clock: { now: () => clock.now(), sleep: () => new Promise((r) => setTimeout(r, 1)) } });
    const seen = record(player);
    const done = player.run();
    await until(() => seen.some((e) => e.type === 'token'));
    player.abort();
    await until(() => seen.some((e) => e.type === 'waiting'));
    const waiting = seen.find((e) => e.type === 'waiting');
    expect(waiting).toMatchObject({ holds: [{ kind: 'stopped', message: 'Replay paused: space continues' }] });
    const count = seen.length;
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toHaveLength(count);
    player.step();
    await until(() => seen.length > count + 1);
    expect(seen[count]).toMatchObject({ type: 'resumed' });
    player.quit();
    await expect(done).resolves.toMatchObject({ status: 'quit', playedToEnd: false });
    expect(seen.at(-1)).toMatchObject({ type: 'run.finished', status: 'quit', reason: 'replay stopped' });
    expect(seen.filter((e) => e.type === 'run.finished')).toHaveLength(1);
  });

  it('commands that would change the recording emit a warning and change nothing', async () => {
    const player = new ReplayPlayer(stamp(completeRun()), { mode: 'step', clock: fakeClock() });
    const seen = record(player);
    const done = player.run();
    await until(() => seen.some((e) => e.type === 'waiting'));
    player.intervene('hello');
    player.skipConversation();
    player.skipPhase();
    player.regenerate();
    const warnings = seen.filter((e) => e.type === 'warning');
    expect(warnings.map((w) => (w.type === 'warning' ? w.code : ''))).toEqual([
      'replay-intervene',
      'replay-skip-conversation',
      'replay-skip-phase',
      'replay-regenerate',
    ]);
    for (const w of warnings) expect(w).toMatchObject({ message: expect.stringContaining('cannot change the recording') });
    expect(seen.some((e) => e.type === 'customer.message')).toBe(false);
    player.setMode('auto');
    await done;
    expect(seen.filter((e) => e.type === 'customer.message')).toHaveLength(1);
  });

  it('ends a recording cut off mid-run with a warning and run.finished', async () => {
    const events = stamp(completeRun()).slice(0, 10);
    const player = new ReplayPlayer(events, { clock: fakeClock() });
    const seen = record(player);
    await expect(player.run()).resolves.toMatchObject({ status: 'quit', playedToEnd: true });
    expect(seen.slice(-2).map((e) => e.type)).toEqual(['warning', 'run.finished']);
  });

  it('rejects a speed that is not above 0', () => {
    expect(() => new ReplayPlayer([], { speed: 0 })).toThrow(RangeError);
    expect(() => new ReplayPlayer([], { speed: Number.NaN })).toThrow(RangeError);
  });
});

describe('ReplayPlayer with a resumed session', () => {
  it('plays on past a run.finished that a run.resumed follows, and ends with the last one', async () => {
    const events = stamp([
      [0, started],
      [100, { type: 'run.finished', status: 'quit', reason: 'quit by the user' }],
      [200, { type: 'run.resumed', sessionId: 's', fromSeq: 2, provider: 'p', model: 'm', mode: 'auto' }],
      [300, { type: 'phase.started', phaseId: 'design', index: 0 }],
      [400, { type: 'run.finished', status: 'completed', reason: null }],
    ] as never);
    const player = new ReplayPlayer(events, { clock: fakeClock() });
    const seen = record(player);
    await expect(player.run()).resolves.toMatchObject({ status: 'completed', playedToEnd: true });
    expect(seen.map((e) => e.type)).toEqual(['run.started', 'run.finished', 'run.resumed', 'phase.started', 'run.finished']);
  });

  it('a quit after the recording has played out adds no second run.finished', async () => {
    const player = new ReplayPlayer(stamp(completeRun()), { clock: fakeClock() });
    const seen = record(player);
    await player.run();
    player.quit();
    expect(seen.filter((e) => e.type === 'run.finished')).toHaveLength(1);
  });
});
