import { describe, expect, it } from 'vitest';
import { RequestBook } from '../../src/engine/requestDelta.js';
import { artifactLines } from '../../src/ui/ArtifactsView.js';
import { costLines } from '../../src/ui/CostView.js';
import { inspectorLines } from '../../src/ui/InspectorView.js';
import type { LineSource } from '../../src/ui/transcriptLayout.js';
import { createRunState } from '../../src/views/runState.js';
import { oneConversation, turnStarted, viewState } from '../support/viewState.js';

const all = (s: LineSource) => Array.from({ length: s.length }, (_, i) => s.at(i));

function run() {
  const requests = new RequestBook();
  const { state, emit } = viewState(oneConversation(9), (event) => {
    if (event.type === 'turn.started') requests.add(event);
  });
  const content = 'A long message that wraps. '.repeat(400);
  emit(turnStarted('t1', content));
  return { state, requests, emit };
}

describe('views lay out their lines once per text and width, not per frame', () => {
  it('the inspector wraps a request once: tokens streaming into the reply leave its lines as they were', () => {
    const { state, requests, emit } = run();
    const first = all(inspectorLines(state, requests, 't1', 60));
    for (let i = 0; i < 5; i++) emit({ type: 'token', turnId: 't1', text: 'word ' });
    expect(all(inspectorLines(state, requests, 't1', 60))).toEqual(first);
    expect(first.length).toBeGreaterThan(100);
    // Another width wraps again.
    expect(inspectorLines(state, requests, 't1', 120).length).toBeLessThan(first.length);
    emit({ type: 'usage', turnId: 't1', usage: { promptTokens: 7, completionTokens: 3, estimated: false } });
    expect(inspectorLines(state, requests, 't1', 60).at(0)).toContain('usage: 7 in, 3 out');
  });

  it('the cost view keeps its lines while tokens stream, and makes them again when usage arrives', () => {
    const { state, emit } = run();
    const costOf = () => undefined;
    const before = costLines(state, costOf, 80);
    emit({ type: 'token', turnId: 't1', text: 'word ' });
    expect(costLines(state, costOf, 80)).toBe(before);
    emit({ type: 'usage', turnId: 't1', usage: { promptTokens: 7, completionTokens: 3, estimated: false } });
    const after = costLines(state, costOf, 80);
    expect(after).not.toBe(before);
    expect(all(after).join('\n')).toContain('10');
  });

  it('an artifact is laid out once per text and width', () => {
    const state = createRunState();
    state.artifacts = new Map([['x', { text: '# Title\n\nSome **text**.', incomplete: false }]]);
    const a = artifactLines(state, 0, 40).source;
    expect(artifactLines(state, 0, 40).source).toBe(a);
    expect(artifactLines(state, 0, 30).source).not.toBe(a);
    expect(all(a).join('\n')).toContain('Title');
  });
});
