import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SessionJournal } from '../../src/session/journal.js';
import type { EngineEvent, EventOf } from '../../src/engine/events.js';
import { config, cooperative, makeEngine, ScriptedProvider, waitForEvent } from '../support/scripted.js';

const of = <T extends EngineEvent['type']>(events: EngineEvent[], type: T) => events.filter((e): e is EventOf<T> => e.type === type);

describe("editing a conversation's final reply", () => {
  it('the artifact follows the edit, and the turns after hear the new text', async () => {
    const provider = new ScriptedProvider(cooperative(3));
    const { engine, events } = makeEngine(provider, { mode: 'step', config: config({ maxTurns: 6, context: 'scoped' }) });
    const done = engine.run();
    for (let i = 0; i < 3; i++) {
      const before = of(events, 'turn.ended').length;
      engine.step();
      await waitForEvent(events, engine, () => of(events, 'turn.ended').length > before);
    }
    const ended = (await waitForEvent(events, engine, (e) => e.type === 'conversation.ended')) as EventOf<'conversation.ended'>;
    await waitForEvent(events, engine, (e) => e.type === 'waiting' && e.seq > ended.seq);
    const final = of(events, 'turn.ended')[2]!;
    engine.edit('CEO:\n\nModalities: a web app, edited.\n\nEND CONVERSATION', final.turnId);
    const edited = (await waitForEvent(events, engine, (e) => e.type === 'turn.edited')) as EventOf<'turn.edited'>;
    expect(edited.artifact).toEqual({ id: 'modalities', text: 'Modalities: a web app, edited.', incomplete: false });
    expect(engine.session.produced.get('modalities')?.text).toBe('Modalities: a web app, edited.');
    engine.step();
    await waitForEvent(events, engine, () => provider.requests.length === 4);
    // Scoped context: the next conversation starts from the artifacts, the edited one among them.
    expect(provider.requests[3]!.messages.some((m) => m.content.includes('Modalities: a web app, edited.'))).toBe(true);
    engine.quit();
    await done;
  });

  it('only a final reply of a conversation that ended makes an artifact', async () => {
    const provider = new ScriptedProvider(cooperative(3));
    const { engine, events } = makeEngine(provider, { mode: 'step', config: config({ maxTurns: 6 }) });
    const done = engine.run();
    engine.step();
    await waitForEvent(events, engine, (e) => e.type === 'turn.ended');
    engine.edit('CEO: no', of(events, 'turn.ended')[0]!.turnId);
    const warning = (await waitForEvent(events, engine, (e) => e.type === 'warning' && e.code === 'edit')) as EventOf<'warning'>;
    expect(warning.message).toContain('Only the final reply of a conversation that ended');
    expect(of(events, 'turn.edited')).toHaveLength(0);
    engine.quit();
    await done;
  });

  it('once the run is over, the edit is told at once, and the artifact file follows', async () => {
    const provider = new ScriptedProvider(cooperative(2));
    const { engine, events } = makeEngine(provider, { config: config({ maxTurns: 2 }) });
    const journal = SessionJournal.create(mkdtempSync(path.join(tmpdir(), 'roleplay-artifact-')), 'edit');
    engine.subscribe((event) => journal.record(event));
    await engine.run();
    const last = of(events, 'conversation.ended').at(-1)!;
    const final = of(events, 'turn.ended').at(-1)!;
    engine.edit('Tester:\n\nThe manual, edited.', final.turnId);
    expect(of(events, 'turn.edited').at(-1)?.artifact).toEqual({
      id: last.artifact!.id,
      text: 'The manual, edited.',
      incomplete: last.artifact!.incomplete,
    });
    journal.close();
    expect(readFileSync(path.join(journal.dir, 'artifacts', `${last.artifact!.id}.md`), 'utf8')).toBe('The manual, edited.\n');
    expect(readFileSync(path.join(journal.dir, 'transcript.md'), 'utf8')).toContain('The manual, edited.');
  });
});
