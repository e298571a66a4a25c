import { describe, expect, it } from 'vitest';
import { applyEvent, createRunState } from '../../src/views/runState.js';
import { costMarkdown, costReport } from '../../src/session/costReport.js';
import { pricer } from '../../src/session/pricing.js';
import { renderTranscript } from '../../src/session/transcript.js';
import { config, cooperative, makeEngine, ScriptedProvider } from '../support/scripted.js';
import { KEY, startTui } from './harness.js';

describe('cost per phase, conversation and role', () => {
  it('sums the usage of every turn and prices it; unknown models are n/a, estimates are marked', async () => {
    const { engine, events } = makeEngine(new ScriptedProvider(cooperative(2)), { model: 'gpt-4o-mini', config: config({ sanityCheck: true }) });
    await engine.run();
    const state = createRunState();
    for (const event of events) applyEvent(state, event);
    const report = costReport(state, pricer());
    expect(report.total.turns).toBe(17);
    expect(report.phases.map((p) => p.name)).toEqual(['Sanity check', 'Designing', 'Coding', 'Testing', 'Documenting']);
    expect(report.conversations).toHaveLength(9);
    expect(report.roles.find((r) => r.name === 'Programmer')?.turns).toBe(5);
    const sum = report.phases.reduce((n, p) => n + p.promptTokens, 0);
    expect(sum).toBe(report.total.promptTokens);
    expect(report.total.usd).toBeCloseTo((report.total.promptTokens * 0.15 + report.total.completionTokens * 0.6) / 1e6, 10);
    expect(report.total.estimated).toBe(true);
    expect(costReport(state, () => undefined).total.usd).toBeUndefined();
    const markdown = costMarkdown(report);
    expect(markdown).toMatch(/^Total: 17 calls \(taken-back replies included\), ~\d+ tokens/);
    expect(markdown).toContain('| Design (Modalities) | 2 |');
    expect(renderTranscript(state)).toContain('## Cost');
  });

  it('$ in the TUI shows the tables, and esc closes them', async () => {
    const tui = startTui({ mode: 'auto' });
    await tui.waitFor((f) => f.includes('done'), 'the run to finish');
    tui.press('$');
    await tui.waitFor((f) => f.includes('Tokens and cost'), 'the cost view');
    const frame = tui.frame();
    expect(frame).toMatch(/Total\s+\d+\s+~\d+\s+~\$0\.\d{4}/);
    expect(frame).toMatch(/Designing\s+\d+/);
    tui.press(KEY.end);
    await tui.waitFor((f) => /Programmer\s+\d+/.test(f), 'the roles at the bottom');
    tui.press(KEY.escape);
    await tui.waitFor((f) => !f.includes('Tokens and cost'), 'the cost view to close');
    await tui.stop();
  });
});
