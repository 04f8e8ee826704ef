/**
 * The evaluation statistics against scipy (tools/golden/stats_reference.py wrote tools/golden/stats_golden.json:
 * scipy.stats.pearsonr, spearmanr, rankdata and numpy's mean absolute error). Regenerate with:
 *   /usr/bin/python3 tools/golden/stats_reference.py
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { agreement, averageRanks, mae, pearson, spearman } from '../../../src/shared/stats/correlation';

interface GoldenCase {
  name: string;
  predicted: number[];
  truth: number[];
  pearson: number | null;
  spearman: number | null;
  mae: number;
  ranks_predicted: number[];
}

const golden = JSON.parse(readFileSync(fileURLToPath(new URL('../../../tools/golden/stats_golden.json', import.meta.url)), 'utf8')) as {
  cases: GoldenCase[];
};

function expectClose(actual: number | null, expected: number | null): void {
  if (expected === null) expect(actual).toBeNull();
  else expect(actual).toBeCloseTo(expected, 12);
}

describe('stats against scipy', () => {
  it('has the fixture cases', () => {
    expect(golden.cases.length).toBeGreaterThanOrEqual(8);
  });
  for (const c of golden.cases) {
    it(`${c.name}: pearson, spearman, mae, ranks`, () => {
      expectClose(pearson(c.predicted, c.truth), c.pearson);
      expectClose(spearman(c.predicted, c.truth), c.spearman);
      expectClose(mae(c.predicted, c.truth), c.mae);
      expect(averageRanks(c.predicted)).toEqual(c.ranks_predicted);
      const a = agreement(c.predicted, c.truth);
      expect(a.n).toBe(c.predicted.length);
      expectClose(a.spearman, c.spearman);
    });
  }
});

describe('stats edge cases', () => {
  it('gives null, not NaN, where the statistic is undefined', () => {
    expect(pearson([], [])).toBeNull();
    expect(pearson([0.5], [0.7])).toBeNull();
    expect(spearman([1, 1, 1], [0.1, 0.2, 0.3])).toBeNull();
    expect(mae([], [])).toBeNull();
  });
  it('refuses mismatched or non-finite input', () => {
    expect(() => pearson([1, 2], [1])).toThrow(/2 predictions against 1/);
    expect(() => mae([Number.NaN], [1])).toThrow(/not finite/);
  });
});
