import { describe, expect, it } from 'vitest';
import {
  documentRanking,
  evaluateRankings,
  evaluateSupportRun,
  gain,
  ndcgAt,
  quantile,
  recallAtK,
  type SupportQueryRun,
} from './retrieval-metrics.js';

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

describe('support evaluation (eval:rag --docs)', () => {
  // A tiny help center: a1–a3 are answerable, u1 and u2 are not (no judgements).
  const qrels = new Map([
    [
      'a1',
      new Map([
        ['billing.md', 2],
        ['plans.md', 1],
      ]),
    ],
    [
      'a2',
      new Map([
        ['login.md', 2],
        ['sso.md', 2],
      ]),
    ],
    ['a3', new Map([['export.md', 2]])],
  ]);

  it('ranks each document once, where its best passage ranks', () => {
    expect(documentRanking(['plans.md', 'billing.md', 'plans.md', 'faq/other.md', 'billing.md'])).toEqual([
      'plans.md',
      'billing.md',
      'faq/other.md',
    ]);
  });

  it('uses the gain 2^grade − 1 and cuts at k', () => {
    expect([0, 1, 2].map(gain)).toEqual([0, 1, 3]);
    // a1 ranked plans.md (grade 1), billing.md (grade 2):
    //   DCG  = (2^1 − 1)/log2(2) + (2^2 − 1)/log2(3) = 1 + 3/1.58496 = 2.89279
    //   IDCG = (2^2 − 1)/log2(2) + (2^1 − 1)/log2(3) = 3 + 1/1.58496 = 3.63093
    //   nDCG = 0.79671 (with a linear gain it would be (1 + 2/1.58496) / (2 + 1/1.58496) = 0.85972)
    const a1 = qrels.get('a1')!;
    expect(ndcgAt(['plans.md', 'billing.md'], a1, 10)).toBeCloseTo(0.79671, 5);
    // billing.md at rank 11 is past the cut: DCG = 1, nDCG = 1/3.63093 = 0.27541; recall@10 = 1/2.
    const eleventh = ['plans.md', ...Array.from({ length: 9 }, (_, index) => `x${index}.md`), 'billing.md'];
    expect(ndcgAt(eleventh, a1, 10)).toBeCloseTo(0.27541, 5);
    expect(recallAtK(eleventh, a1, 10)).toBe(0.5);
    expect(ndcgAt(['x.md'], new Map(), 10)).toBe(0);
  });

  it('computes nDCG@10 and recall@10 over the answerable questions, top1, refusal, false refusal and latency', () => {
    const runs: SupportQueryRun[] = [
      // Passages of plans.md, billing.md, plans.md, x.md → plans.md, billing.md, x.md. nDCG 0.79671 (above), recall
      // 2/2, top1 0 (plans.md is graded 1).
      {
        id: 'a1',
        answerable: true,
        ranking: documentRanking(['plans.md', 'billing.md', 'plans.md', 'x.md']),
        refused: false,
        milliseconds: 5,
      },
      // login.md, x.md, sso.md: DCG = 3/log2(2) + 3/log2(4) = 4.5; IDCG = 3 + 3/log2(3) = 4.89279; nDCG 0.91972.
      // Recall 2/2, top1 1.
      { id: 'a2', answerable: true, ranking: ['login.md', 'x.md', 'sso.md'], refused: false, milliseconds: 1 },
      // Nothing relevant found, and refused: nDCG 0, recall 0, top1 0, a false refusal.
      { id: 'a3', answerable: true, ranking: ['x.md', 'y.md'], refused: true, milliseconds: 3 },
      // Unanswerable: u1 refused, u2 answered from the nearest article. Their rankings don't count.
      { id: 'u1', answerable: false, ranking: ['billing.md'], refused: true, milliseconds: 2 },
      { id: 'u2', answerable: false, ranking: [], refused: false, milliseconds: 4 },
    ];
    const metrics = evaluateSupportRun(runs, qrels);
    expect(metrics).toMatchObject({ answerable: 3, unanswerable: 2 });
    // (0.79671 + 0.91972 + 0) / 3 = 0.57214
    expect(metrics.ndcgAt10).toBeCloseTo(0.57214, 5);
    // (1 + 1 + 0) / 3
    expect(metrics.recallAt10).toBeCloseTo(2 / 3, 10);
    // Only a2's first document is graded 2.
    expect(metrics.top1).toBeCloseTo(1 / 3, 10);
    // u1 of u1, u2.
    expect(metrics.refusal).toBe(0.5);
    // a3 of a1–a3.
    expect(metrics.falseRefusal).toBeCloseTo(1 / 3, 10);
    // Latencies sorted 1 2 3 4 5: nearest rank ⌈0.5·5⌉ = 3rd → 3 ms; ⌈0.95·5⌉ = 5th → 5 ms.
    expect(metrics.p50Ms).toBe(3);
    expect(metrics.p95Ms).toBe(5);
  });

  it('gives NaN for a rate with no question to count', () => {
    const metrics = evaluateSupportRun([{ id: 'a3', answerable: true, ranking: ['export.md'], refused: false, milliseconds: 1 }], qrels);
    expect(metrics).toMatchObject({ ndcgAt10: 1, recallAt10: 1, top1: 1, falseRefusal: 0 });
    expect(metrics.refusal).toBeNaN();
  });
});
