/** Replies cut off, filtered or refused, and a model's thinking, as every document export shows them. */
import { describe, expect, it } from 'vitest';
import type { EngineEvent, EngineEventBody } from '../../src/engine/events.js';
import { RequestBook } from '../../src/engine/requestDelta.js';
import { costReport } from '../../src/session/costReport.js';
import { buildExportDocument } from '../../src/session/exportDocument.js';
import { renderHtmlReport } from '../../src/session/htmlReport.js';
import { pricer } from '../../src/session/pricing.js';
import { foldEvents } from '../../src/session/sessionStore.js';
import { renderTranscript } from '../../src/session/transcript.js';
import { completeRun, stamp } from './fixtures.js';

/** The fixture run, with t2 thinking first and cut at the token limit, and t5 refused. */
function markedRun(): EngineEvent[] {
  const bodies: EngineEventBody[] = [];
  for (const body of completeRun()) {
    if (body.type === 'token' && body.turnId === 't2' && !bodies.some((b) => b.type === 'reasoning')) {
      bodies.push({ type: 'reasoning', turnId: 't2', text: 'Ask first, <b>then</b> plan.' });
    }
    if (body.type === 'turn.ended' && body.turnId === 't2') bodies.push({ ...body, finish: 'length', reasoning: 'Ask first, <b>then</b> plan.' });
    else if (body.type === 'turn.ended' && body.turnId === 't5') bodies.push({ ...body, finish: 'refusal' });
    else bodies.push(body);
  }
  return stamp(bodies);
}

describe('exports of replies that are not whole, and of thinking', () => {
  const events = markedRun();
  const state = foldEvents(events);

  it('the views state holds the mark and the thinking', () => {
    expect(state.turns.get('t2')).toMatchObject({ finish: 'length', reasoning: 'Ask first, <b>then</b> plan.' });
    expect(state.turns.get('t5')).toMatchObject({ finish: 'refusal', reasoning: '' });
  });

  it('JSON export: finish and reasoning per turn', () => {
    const turns = buildExportDocument(state).phases.flatMap((p) => p.conversations.flatMap((c) => c.turns));
    expect(turns.find((t) => t.turnId === 't2')).toMatchObject({ finish: 'length', reasoning: 'Ask first, <b>then</b> plan.' });
    expect(turns.find((t) => t.turnId === 't4')).toMatchObject({ finish: null, reasoning: '' });
  });

  it('Markdown: the mark in the reply heading, the thinking in a folded block', () => {
    const md = renderTranscript(state);
    expect(md).toContain("#### CEO (lead, cut off: the server's token limit)");
    expect(md).toContain('#### CTO (lead, refused: the model declined the turn)');
    expect(md).toContain('<details><summary>Thinking (not part of the reply)</summary>\n\n> Ask first, <b>then</b> plan.\n\n</details>');
  });

  it('HTML: a badge for the mark, the thinking folded and escaped', () => {
    const requests = new RequestBook();
    for (const event of events) if (event.type === 'turn.started') requests.add(event);
    const html = renderHtmlReport({
      doc: buildExportDocument(state),
      state,
      cost: costReport(state, pricer({})),
      requestOf: (turnId) => requests.get(turnId),
    });
    expect(html).toContain('<span class="badge warn">cut off: the server&#39;s token limit</span>');
    expect(html).toContain(
      '<details><summary>Thinking (not part of the reply)</summary><pre>Ask first, &lt;b&gt;then&lt;/b&gt; plan.</pre></details>',
    );
  });
});
