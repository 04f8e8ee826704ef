/**
 * The report's statistics against scipy and numpy (tools/golden/report_stats_reference.py wrote
 * test/fixtures/report/report_stats_reference.json): Mann-Whitney U (method auto, exact and asymptotic, each as
 * scipy.stats.mannwhitneyu gives it), Spearman's rho and p-value (scipy.stats.spearmanr), Benjamini-Hochberg
 * q-values, numpy's mean, sd, percentiles and histogram. Regenerate with:
 *   /usr/bin/python3 tools/golden/report_stats_reference.py
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { mannWhitneyU } from '../../../src/shared/stats/mann-whitney';
import { spearmanTest } from '../../../src/shared/stats/correlation';
import { benjaminiHochberg } from '../../../src/shared/stats/multiple-testing';
import { histogram, summarise } from '../../../src/shared/stats/descriptive';

interface MwuCase {
  name: string;
  x: number[];
  y: number[];
  auto_method: 'exact' | 'asymptotic';
  statistic: number;
  p_value: number;
  p_asymptotic: number;
  p_exact?: number;
  rank_biserial: number;
}
interface Reference {
  mann_whitney: MwuCase[];
  spearman: { name: string; x: number[]; y: number[]; rho: number | null; p_value: number | null }[];
  bh: { p: number[]; q: number[] }[];
  descriptive: { values: number[]; n: number; mean: number; sd: number | null; min: number; q1: number; median: number; q3: number; max: number; histogram: number[] }[];
}

const ref = JSON.parse(readFileSync(fileURLToPath(new URL('../../fixtures/report/report_stats_reference.json', import.meta.url)), 'utf8')) as Reference;

/** Relative agreement: p-values span many orders of magnitude. */
function expectRel(actual: number | null, expected: number | null, digits = 10): void {
  if (expected === null) return void expect(actual).toBeNull();
  expect(actual).not.toBeNull();
  // Beyond double noise: scipy's rho of a perfect monotone relation is 0.9999999999999999 and its p 7e-64, ours 1 and 0.
  if (expected < 1e-30) return void expect(actual).toBeLessThan(1e-30);
  const scale = Math.max(Math.abs(expected), 1e-300);
  expect(Math.abs((actual as number) - expected) / scale).toBeLessThan(10 ** -digits);
}

describe('Mann-Whitney U against scipy.stats.mannwhitneyu', () => {
  it('covers exact, asymptotic, ties, single values and all-tied samples', () => {
    const methods = new Set(ref.mann_whitney.map((c) => c.auto_method));
    expect(methods).toEqual(new Set(['exact', 'asymptotic']));
    expect(ref.mann_whitney.length).toBeGreaterThanOrEqual(10);
  });
  for (const c of ref.mann_whitney) {
    it(`${c.name}: method auto (${c.auto_method}), U and p`, () => {
      const r = mannWhitneyU(c.x, c.y);
      expect(r.method).toBe(c.auto_method);
      expect(r.u).toBe(c.statistic);
      expectRel(r.pValue, c.p_value);
      expect(r.rankBiserial).toBeCloseTo(c.rank_biserial, 12);
      expectRel(mannWhitneyU(c.x, c.y, 'asymptotic').pValue, c.p_asymptotic);
      if (c.p_exact !== undefined) expectRel(mannWhitneyU(c.x, c.y, 'exact').pValue, c.p_exact);
    });
  }
  it('swapping the samples keeps p and mirrors U and the effect', () => {
    const c = ref.mann_whitney[0];
    const a = mannWhitneyU(c.x, c.y);
    const b = mannWhitneyU(c.y, c.x);
    expect(b.pValue).toBeCloseTo(a.pValue, 14);
    expect(b.u).toBe(c.x.length * c.y.length - a.u);
    expect(b.rankBiserial).toBeCloseTo(-a.rankBiserial, 14);
  });
  it('computes the exact distribution for 8 values against 2000', () => {
    // Nothing tied: the exact path. Close to the normal approximation at this size.
    const x = Array.from({ length: 8 }, (_, i) => 0.1 + i * 0.1 + 1e-7);
    const y = Array.from({ length: 2000 }, (_, i) => i / 2000);
    const r = mannWhitneyU(x, y);
    expect(r.method).toBe('exact');
    expect(Math.abs(r.pValue - mannWhitneyU(x, y, 'asymptotic').pValue)).toBeLessThan(0.02);
    // Fully separated: only the two extreme orderings of C(2008, 8) are as extreme, p = 2 / C(2008, 8).
    const above = x.map((v) => v + 1);
    let c = 1;
    for (let j = 1; j <= 8; j++) c = (c * (2000 + j)) / j;
    expectRel(mannWhitneyU(above, y).pValue, 2 / c, 12);
  });
  it('refuses empty and non-finite samples', () => {
    expect(() => mannWhitneyU([], [1])).toThrow(/first sample is empty/);
    expect(() => mannWhitneyU([1], [Number.NaN])).toThrow(/not finite/);
  });
});

describe('Spearman test against scipy.stats.spearmanr', () => {
  for (const c of ref.spearman) {
    it(`${c.name}: rho and p`, () => {
      const r = spearmanTest(c.x, c.y);
      expect(r.n).toBe(c.x.length);
      if (c.rho === null) expect(r.rho).toBeNull();
      else expect(r.rho).toBeCloseTo(c.rho, 12);
      expectRel(r.pValue, c.p_value, 9);
    });
  }
  it('has no p-value below three pairs', () => {
    expect(spearmanTest([1, 2], [3, 4]).pValue).toBeNull();
  });
});

describe('Benjamini-Hochberg q-values', () => {
  for (const [i, c] of ref.bh.entries()) {
    it(`set ${i}`, () => {
      const q = benjaminiHochberg(c.p);
      c.q.forEach((v, k) => expect(q[k]).toBeCloseTo(v, 14));
    });
  }
  it('leaves untested entries out of the family', () => {
    const c = ref.bh[1];
    const withGaps = [null, ...c.p.slice(0, 3), null, ...c.p.slice(3)];
    const q = benjaminiHochberg(withGaps);
    expect(q[0]).toBeNull();
    expect(q[4]).toBeNull();
    expect(q.filter((v) => v !== null)).toEqual(benjaminiHochberg(c.p));
  });
});

describe('descriptive statistics against numpy', () => {
  for (const [i, c] of ref.descriptive.entries()) {
    it(`set ${i} (${c.n} values)`, () => {
      const s = summarise(c.values);
      expect(s.n).toBe(c.n);
      for (const k of ['mean', 'min', 'q1', 'median', 'q3', 'max'] as const) expect(s[k]).toBeCloseTo(c[k], 13);
      if (c.sd === null) expect(s.sd).toBeNull();
      else expect(s.sd).toBeCloseTo(c.sd, 13);
      expect(histogram(c.values, 20, 0, 1)).toEqual(c.histogram);
    });
  }
});
