import { describe, expect, it } from 'vitest';
import { costOf, priceOf, pricer } from '../../src/session/pricing.js';
import { formatCost } from '../../src/ui/Footer.js';

describe('pricing', () => {
  it('prices known models and their dated snapshots', () => {
    expect(costOf('gpt-4o-mini', { promptTokens: 1_000_000, completionTokens: 1_000_000 })).toBeCloseTo(0.75);
    expect(priceOf('gpt-4o-2024-08-06')).toEqual(priceOf('gpt-4o'));
    expect(priceOf('gpt-4.1-nano')).toBeDefined();
    expect(priceOf('gpt-4o')).toEqual({ input: 2.5, output: 10 });
    expect(priceOf('openai/gpt-4.1-mini')).toEqual({ input: 0.4, output: 1.6 });
    expect(priceOf('gpt-5')).toEqual({ input: 1.25, output: 10 });
  });

  it('knows nothing of the demo or unknown models', () => {
    expect(costOf('demo', { promptTokens: 10, completionTokens: 10 })).toBeUndefined();
    expect(costOf('llama3.1', { promptTokens: 10, completionTokens: 10 })).toBeUndefined();
  });

  it('marks estimated costs with ~', () => {
    expect(formatCost(0.5, true)).toBe('~$0.50');
    expect(formatCost(0.001, false)).toBe('$0.0010');
    expect(formatCost(undefined, false)).toBe('cost n/a');
  });

  it("the config's prices add to and override the table", () => {
    const price = pricer({ 'llama3.1': { input: 1, output: 2 }, 'gpt-4o': { input: 0, output: 0 } });
    expect(price('llama3.1', { promptTokens: 1_000_000, completionTokens: 500_000 })).toBe(2);
    expect(price('gpt-4o', { promptTokens: 10, completionTokens: 10 })).toBe(0);
    expect(price('gpt-4o-mini', { promptTokens: 1_000_000, completionTokens: 0 })).toBeCloseTo(0.15);
  });
});
