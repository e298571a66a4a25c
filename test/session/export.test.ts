import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildExportDocument } from '../../src/session/exportDocument.js';
import { exampleSessionDir, foldEvents, readJournal } from '../../src/session/sessionStore.js';
import { renderTranscript } from '../../src/session/transcript.js';
import { completeRun, stamp } from './fixtures.js';

describe('export', () => {
  const state = foldEvents(stamp(completeRun()));

  it('md: phases, conversations, replies, the customer and the artifacts, without discarded replies', () => {
    const md = renderTranscript(state);
    expect(md).toContain('# roleplay session 20250102-030405-aaaaaa');
    expect(md).toContain('- Task: build a login');
    expect(md).toContain('## Designing');
    expect(md).toContain('### Planning\n\nCEO (lead) with CTO: Task -> Plan');
    expect(md).toContain('> **Customer:** Keep it small, please.');
    expect(md).toContain('CTO: the plan. END CONVERSATION');
    expect(md).not.toContain('CTO: a first draft');
    expect(md).toContain('## Artifacts');
    expect(md).toContain('### Code (incomplete)');
    // Order: the customer speaks after the CEO's reply and before the CTO's.
    expect(md.indexOf('CEO: what shall we plan?')).toBeLessThan(md.indexOf('Keep it small'));
    expect(md.indexOf('Keep it small')).toBeLessThan(md.indexOf('CTO: the plan.'));
  });

  it('json: session meta, phases → conversations → turns, customer messages in order, artifacts', () => {
    const doc = buildExportDocument(state, { startedAt: new Date('2025-01-02T03:04:05Z'), durationMs: 1234 });
    expect(doc).toMatchObject({
      format: 'roleplay-session',
      version: 1,
      session: {
        id: '20250102-030405-aaaaaa',
        startedAt: '2025-01-02T03:04:05.000Z',
        task: 'build a login',
        provider: 'test',
        model: 'm',
        status: 'completed',
        durationMs: 1234,
        tokens: { prompt: 60, completion: 30, estimated: false },
      },
    });
    expect(doc.preamble.map((t) => [t.kind, t.text])).toEqual([['sanity', 'SUCCESS']]);
    expect(doc.phases.map((p) => [p.name, p.conversations.map((c) => c.name)])).toEqual([
      ['Designing', ['Planning']],
      ['Building', ['Coding']],
    ]);
    const planning = doc.phases[0]!.conversations[0]!;
    expect(planning).toMatchObject({
      lead: { id: 'ceo', name: 'CEO' },
      output: { id: 'plan', name: 'Plan' },
      status: 'done',
      endReason: 'end-marker',
    });
    expect(planning.turns.map((t) => ({ role: t.roleName, side: t.side, text: t.text, status: t.status }))).toEqual([
      { role: 'CEO', side: 'lead', text: 'CEO: what shall we plan?', status: 'complete' },
      { role: 'CTO', side: 'assistant', text: 'CTO: the plan. END CONVERSATION', status: 'complete' },
    ]);
    expect(planning.turns[0]!.usage).toEqual({ promptTokens: 10, completionTokens: 5, estimated: false });
    expect(doc.customerMessages).toEqual([
      { conversationId: 'planning', afterTurns: 1, text: 'Keep it small, please.', id: 'c1', status: 'heard', heardBy: 't4', withdrawn: null },
    ]);
    expect(doc.artifacts).toEqual([
      { id: 'plan', name: 'Plan', producedBy: 'planning', incomplete: false, text: 'The plan.' },
      { id: 'code', name: 'Code', producedBy: 'coding', incomplete: true, text: 'CEO: done' },
    ]);
    // It is plain JSON: it survives a round trip.
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });

  it('renders the shipped example exactly as its recorded transcript.md', () => {
    const dir = exampleSessionDir()!;
    const journal = readJournal(path.join(dir, 'events.jsonl'));
    expect(renderTranscript(foldEvents(journal.events))).toBe(readFileSync(path.join(dir, 'transcript.md'), 'utf8'));
    const doc = buildExportDocument(foldEvents(journal.events));
    expect(doc.phases.flatMap((p) => p.conversations)).toHaveLength(8);
    expect(doc.artifacts).toHaveLength(8);
  });
});
