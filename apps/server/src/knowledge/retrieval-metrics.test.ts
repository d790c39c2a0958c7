import { describe, expect, it } from 'vitest';
import { evaluateRankings, quantile } from './retrieval-metrics.js';

describe('evaluateRankings', () => {
  it('computes nDCG@10, recall@k and MRR@10 as BEIR does', () => {
    const qrels = new Map([
      ['q1', new Map([['d1', 1]])],
      [
        'q2',
        new Map([
          ['d2', 1],
          ['d3', 1],
        ]),
      ],
      ['q3', new Map([['d4', 0]])], // nothing relevant: not counted
    ]);
    const rankings = new Map([
      ['q1', ['d1', 'x']],
      ['q2', ['x', 'd3', 'y', 'z', 'w', 'd2']],
    ]);
    const metrics = evaluateRankings(rankings, qrels);
    expect(metrics.queries).toBe(2);
    // q1: 1. q2: (1/log2(3) + 1/log2(7)) / (1 + 1/log2(3)).
    const q2 = (1 / Math.log2(3) + 1 / Math.log2(7)) / (1 + 1 / Math.log2(3));
    expect(metrics.ndcgAt10).toBeCloseTo((1 + q2) / 2, 10);
    expect(metrics.recallAt1).toBe(0.5);
    expect(metrics.recallAt5).toBe((1 + 0.5) / 2);
    expect(metrics.recallAt100).toBe(1);
    expect(metrics.mrrAt10).toBe((1 + 0.5) / 2);
  });

  it('counts a query with no ranking as a miss', () => {
    const metrics = evaluateRankings(new Map(), new Map([['q', new Map([['d', 1]])]]));
    expect(metrics).toMatchObject({ queries: 1, ndcgAt10: 0, recallAt100: 0, mrrAt10: 0 });
  });
});

describe('quantile', () => {
  it('takes the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, index) => 100 - index);
    expect(quantile(values, 0.5)).toBe(50);
    expect(quantile(values, 0.95)).toBe(95);
    expect(quantile([7], 0.99)).toBe(7);
  });
});
