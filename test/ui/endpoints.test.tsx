import { afterEach, describe, expect, it } from 'vitest';
import { costReport } from '../../src/session/costReport.js';
import { pricer } from '../../src/session/pricing.js';
import { applyEvent, createRunState } from '../../src/views/runState.js';
import { config, cooperative, makeEngine, ScriptedProvider } from '../support/scripted.js';
import { KEY, startTui, TestProvider } from './harness.js';

const onCloud = { endpoints: { cloud: { baseURL: 'http://127.0.0.1:9/v1' } }, roles: { CEO: { endpoint: 'cloud', model: 'gpt-4.1' } } };

let tui: ReturnType<typeof startTui> | undefined;
afterEach(async () => {
  await tui?.stop();
  tui = undefined;
});

describe('a run on two endpoints', () => {
  it('sends each role to its endpoint; usage is priced per endpoint and model', async () => {
    const main = new ScriptedProvider(cooperative(2));
    const cloud = new ScriptedProvider(cooperative(2));
    const { engine, events } = makeEngine(main, {
      model: 'gpt-4o-mini',
      config: config(onCloud),
      endpoints: new Map([['cloud', { provider: cloud, model: undefined }]]),
    });
    await engine.run();
    expect(cloud.requests.length).toBeGreaterThan(0);
    expect(cloud.requests.every((r) => r.meta.speaker?.name === 'CEO' && r.model === 'gpt-4.1')).toBe(true);
    expect(main.requests.every((r) => r.meta.speaker?.name !== 'CEO' && r.model === 'gpt-4o-mini')).toBe(true);
    const starts = events.filter((e) => e.type === 'turn.started');
    expect(starts.filter((e) => e.endpoint === 'cloud')).toHaveLength(cloud.requests.length);
    expect(starts.filter((e) => e.endpoint === undefined)).toHaveLength(main.requests.length);

    const state = createRunState();
    for (const event of events) applyEvent(state, event);
    // The CEO's gpt-4.1 is free on the cloud endpoint; gpt-4.1 elsewhere would cost its list price.
    const report = costReport(state, pricer({ 'cloud/gpt-4.1': { input: 0, output: 0 } }));
    expect(report.roles.find((r) => r.name === 'CEO')?.usd).toBe(0);
    expect(report.roles.find((r) => r.name === 'CTO')?.usd).toBeGreaterThan(0);
    expect(report.endpoints).toBe(true);
    expect(report.models.map((m) => m.name).sort()).toEqual(['cloud / gpt-4.1', 'gpt-4o-mini']);
    expect(costReport(state, pricer()).roles.find((r) => r.name === 'CEO')?.usd).toBeGreaterThan(0);
  });

  it('refuses a reloaded config that puts a role on an endpoint the run has not set up', () => {
    const { engine } = makeEngine(new ScriptedProvider(cooperative(2)), { config: config() });
    const result = engine.reloadConfig(config(onCloud));
    expect(result).toEqual({ ok: false, reason: 'role CEO now runs on endpoint "cloud", which this run has not set up: restart the run to use it' });
  });

  it('the header, the inspector and the cost view name the endpoint that served the turn', async () => {
    const cloud = new TestProvider();
    tui = startTui({ columns: 180, config: onCloud, endpoints: new Map([['cloud', { provider: cloud, model: undefined }]]) });
    await tui.waitFor((f) => f.includes('waiting for you'));
    expect(tui.frame()).toContain('│ gpt-4o-mini │');
    tui.press(' ');
    await tui.waitFor((f) => f.includes('gpt-4.1 @ cloud'), 'the header to name the endpoint');
    await tui.waitFor((f) => f.includes('waiting for you'));
    tui.press('p');
    await tui.waitFor((f) => f.includes('model gpt-4.1 at endpoint cloud'), 'the inspector');
    tui.press('p');
    await tui.waitFor((f) => !f.includes('at endpoint cloud'), 'the inspector to close');
    tui.press(' ');
    await tui.waitFor((f) => f.includes('│ gpt-4o-mini │') && f.includes('waiting for you'), 'the CPO on the default endpoint');
    tui.press('$', KEY.end);
    await tui.waitFor((f) => /cloud \/ gpt-4\.1\s+1\s/.test(f) && /gpt-4o-mini\s+1\s/.test(f), 'the cost by endpoint and model');
  });
});
