import type { ModelPrices } from '../config.js';
import type { Usage } from './model.js';

/**
 * USD per million tokens. Override or extend with PARLEY_MODEL_PRICES (JSON of the same shape): prices change, and a
 * gateway may bill differently. Models missing here cost 0 in reports and are logged once.
 */
export const defaultModelPrices: ModelPrices = {
  'claude-haiku-5-5': { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
  'claude-haiku-4-5': { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
  'claude-sonnet-5-5': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  'claude-sonnet-4-6': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  'claude-sonnet-4-5': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  'claude-opus-5-5': { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
  'claude-opus-4-6': { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
  offline: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
};

const perToken = (perMillion: number) => perMillion / 1_000_000;

/** The cost of `usage` on `model`, in USD, or null when the model has no price. */
export function costOf(prices: ModelPrices, model: string, usage: Usage): number | null {
  const price = prices[model];
  if (!price) return null;
  return (
    usage.inputTokens * perToken(price.input) +
    usage.outputTokens * perToken(price.output) +
    usage.cacheReadTokens * perToken(price.cacheRead) +
    usage.cacheWriteTokens * perToken(price.cacheWrite)
  );
}
