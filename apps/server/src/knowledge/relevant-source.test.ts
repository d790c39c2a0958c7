import { describe, expect, it } from 'vitest';
import { hasNoRelevantSource, isRelevantSource, MIN_SOURCE_COVERAGE, MIN_SOURCE_SIMILARITY, relevantSources } from './relevant-source.js';

describe('the "no relevant source" decision', () => {
  const weak = { coverage: MIN_SOURCE_COVERAGE - 0.01, similarity: null };
  const strong = { coverage: MIN_SOURCE_COVERAGE, similarity: null };
  const close = { coverage: 0, similarity: MIN_SOURCE_SIMILARITY };

  it('takes a passage that covers enough of the message, or that semantic search finds close enough', () => {
    expect([weak, strong, close].map((hit) => isRelevantSource(hit))).toEqual([false, true, true]);
    expect(relevantSources([weak, strong, weak, close])).toEqual([strong, close]);
  });

  it('fires when no passage is relevant, at the given coverage cut for calibration', () => {
    expect(hasNoRelevantSource([])).toBe(true);
    expect(hasNoRelevantSource([weak, weak])).toBe(true);
    expect(hasNoRelevantSource([weak, strong])).toBe(false);
    expect(hasNoRelevantSource([weak], weak.coverage)).toBe(false);
  });
});
