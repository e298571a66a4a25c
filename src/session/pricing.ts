/**
 * List prices of OpenAI models in USD per 1M tokens, to show what a session costs. Prices change: these are
 * the published standard-tier rates as of mid-2025, and the UI marks costs from estimated usage with "~".
 */
import type { Usage } from '../engine/events.js';

export interface Price {
  /** USD per 1M prompt (input) tokens. */
  input: number;
  /** USD per 1M completion (output) tokens. */
  output: number;
}

const PRICES: Readonly<Record<string, Price>> = {
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  o1: { input: 15, output: 60 },
  o3: { input: 2, output: 8 },
  'o3-mini': { input: 1.1, output: 4.4 },
  'o4-mini': { input: 1.1, output: 4.4 },
  'gpt-5': { input: 1.25, output: 10 },
  'gpt-5-mini': { input: 0.25, output: 2 },
  'gpt-5-nano': { input: 0.05, output: 0.4 },
};

/** The price of a model id, also for dated snapshots like `gpt-4o-2024-08-06`. */
export function priceOf(model: string): Price | undefined {
  const id = model
    .trim()
    .toLowerCase()
    .replace(/^openai\//, '');
  const exact = PRICES[id];
  if (exact) return exact;
  const snapshot = /^(.*?)-\d{4}-\d{2}-\d{2}$/.exec(id);
  return snapshot?.[1] ? PRICES[snapshot[1]] : undefined;
}

/** USD for one usage, or undefined when the model's price is unknown (the demo model, local models). */
export function costOf(model: string, usage: Pick<Usage, 'promptTokens' | 'completionTokens'>): number | undefined {
  const price = priceOf(model);
  if (!price) return undefined;
  return (usage.promptTokens * price.input + usage.completionTokens * price.output) / 1_000_000;
}

/**
 * A pricer that looks in `overrides` (the config's `prices`) before the built-in table: for a turn served by a
 * named endpoint first under `<endpoint>/<model>`, then under the model id alone.
 */
export function pricer(overrides: Readonly<Record<string, Price>> = {}) {
  return (model: string, usage: Pick<Usage, 'promptTokens' | 'completionTokens'>, endpoint?: string): number | undefined => {
    const price = (endpoint !== undefined ? overrides[`${endpoint}/${model}`] : undefined) ?? overrides[model] ?? priceOf(model);
    if (!price) return undefined;
    return (usage.promptTokens * price.input + usage.completionTokens * price.output) / 1_000_000;
  };
}
