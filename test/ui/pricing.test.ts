import { describe, expect, it } from 'vitest';
import { costOf, priceOf } from '../../src/session/pricing.js';
import { formatCost } from '../../src/ui/Footer.js';

describe('pricing', () => {
  it('prices known models and their dated snapshots', () => {
    expect(costOf('gpt-4o-mini', { promptTokens: 1_000_000, completionTokens: 1_000_000 })).toBeCloseTo(0.75);
    expect(priceOf('gpt-4o-2024-08-06')).toEqual(priceOf('gpt-4o'));
    expect(priceOf('gpt-4.1-nano')).toBeDefined();
    for (const model of ['gpt-4o', 'gpt-4.1', 'gpt-4.1-mini', 'o3', 'o4-mini', 'gpt-5', 'gpt-5-mini']) expect(priceOf(model)).toBeDefined();
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
});
