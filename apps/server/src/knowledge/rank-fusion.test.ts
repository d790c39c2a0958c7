import { describe, expect, it } from 'vitest';
import { reciprocalRankFusion, RRF_K } from './rank-fusion.js';

describe('reciprocalRankFusion', () => {
  it('ranks an item found high by both lists above items found by one', () => {
    // b: 1/(k+2) + 1/(k+1); a: 1/(k+1); d: 1/(k+2); c: 1/(k+3).
    expect(
      reciprocalRankFusion([
        ['a', 'b', 'c'],
        ['b', 'd'],
      ]),
    ).toEqual(['b', 'a', 'd', 'c']);
  });

  it('scores 1 / (k + rank)', () => {
    const fused = reciprocalRankFusion(
      [
        [1, 2],
        [3, 1],
      ],
      RRF_K,
    );
    expect(fused[0]).toBe(1);
    expect(1 / (RRF_K + 1) + 1 / (RRF_K + 2)).toBeGreaterThan(1 / (RRF_K + 1));
  });

  it('keeps one list as it is, and fuses nothing into nothing', () => {
    expect(reciprocalRankFusion([['x', 'y', 'z']])).toEqual(['x', 'y', 'z']);
    expect(reciprocalRankFusion([[], []])).toEqual([]);
  });
});
