import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/eval/rng';
import { idealShare, randomShare, reviewEfficiency, reviewShare } from '../../../src/core/eval/review';

/** Every ordering of `items` (small n only). */
function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((x, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [x, ...rest]));
}

/**
 * The expected share by brute force: every way of ordering tied scores is equally likely; in each, count the
 * labels reviewed until the needed-th bad one.
 */
function bruteForceShare(scores: number[], bad: boolean[], needed: number): number {
  const idx = scores.map((_, i) => i);
  let total = 0;
  let ways = 0;
  for (const perm of permutations(idx)) {
    // Keep only orders that respect the scores (ascending); ties in any order.
    if (perm.some((p, t) => t > 0 && scores[perm[t - 1]] > scores[p])) continue;
    let found = 0;
    let reviewed = 0;
    for (const p of perm) {
      reviewed++;
      if (bad[p] && ++found === needed) break;
    }
    total += reviewed;
    ways++;
  }
  return total / ways / scores.length;
}

describe('reviewShare', () => {
  it('matches the brute-force expectation, ties included', () => {
    const rng = createRng(3);
    for (let trial = 0; trial < 30; trial++) {
      const n = rng.int(3, 7);
      const scores = Array.from({ length: n }, () => rng.int(0, 3) / 4);
      const bad = Array.from({ length: n }, () => rng.next() < 0.5);
      const nBad = bad.filter(Boolean).length;
      for (let needed = 1; needed <= nBad; needed++) {
        expect(reviewShare(scores, bad, needed)).toBeCloseTo(bruteForceShare(scores, bad, needed), 12);
      }
    }
  });
  it('a perfect order is the ideal; one all-tied score is the random expectation', () => {
    const truth = [0.9, 0.3, 0.95, 0.5, 0.99, 0.7, 0.85, 0.1];
    const bad = truth.map((t) => t < 0.8);
    for (let needed = 1; needed <= 4; needed++) {
      expect(reviewShare(truth, bad, needed)).toBeCloseTo(idealShare(8, needed), 15);
      expect(reviewShare(truth.map(() => 0.5), bad, needed)).toBeCloseTo(randomShare(8, 4, needed), 15);
      expect(randomShare(8, 4, needed)).toBeCloseTo(bruteForceShare(truth.map(() => 0), bad, needed), 12);
    }
  });
  it('rejects asking for more bad labels than there are', () => {
    expect(() => reviewShare([0.1, 0.2], [true, false], 2)).toThrow(/cannot find 2 of 1/);
  });
});

describe('reviewEfficiency', () => {
  it('reports the 50/80/90% points for model, baseline, random and ideal', () => {
    // 10 labels, 5 bad (true < 0.8); the model ranks the bad ones 1st, 2nd, 4th, 5th and 9th.
    const truth = [0.1, 0.2, 0.9, 0.3, 0.4, 0.95, 0.97, 0.98, 0.5, 0.99];
    const predicted = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95];
    const s = reviewEfficiency(truth, predicted, null);
    expect(s.bad).toBe(5);
    expect(s.points.map((p) => p.needed)).toEqual([3, 4, 5]);
    expect(s.points.map((p) => p.model)).toEqual([0.4, 0.5, 0.9]);
    expect(s.points.map((p) => p.ideal)).toEqual([0.3, 0.4, 0.5]);
    expect(s.points[2].random).toBeCloseTo((5 * 11) / (6 * 10), 15);
    expect(s.points[0].baseline).toBeNull();
    expect(reviewEfficiency([0.9, 0.95], [0.1, 0.2], null).points).toEqual([]);
  });
  it('the ideal share at 90% is 0.9 × the share of bad labels when that is whole', () => {
    const truth = Array.from({ length: 40 }, (_, i) => (i < 20 ? 0.5 : 0.9));
    const s = reviewEfficiency(truth, truth, truth);
    const p90 = s.points.find((p) => p.found === 0.9);
    expect(p90?.needed).toBe(18);
    expect(p90?.ideal).toBeCloseTo(0.9 * (20 / 40), 15);
    expect(p90?.model).toBeCloseTo(p90?.ideal ?? NaN, 15);
  });
});
