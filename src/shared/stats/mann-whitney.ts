/**
 * The Mann-Whitney U test, two-sided, as scipy.stats.mannwhitneyu computes it with its defaults
 * (use_continuity=True, alternative='two-sided', method='auto'):
 *  - the statistic is U1, the U of the first sample, from average ranks of the pooled values;
 *  - 'auto' takes the exact null distribution when one sample has at most 8 values and no value is tied,
 *    and the normal approximation with tie and continuity corrections otherwise;
 *  - p = 2 * P(U >= max(U1, U2)), clipped to 1.
 * method 'exact' may be forced with ties too; like scipy it then ignores them (the null distribution assumes none).
 * The effect size is the rank-biserial correlation 2 * U1 / (n1 * n2) - 1: +1 when every value of the first
 * sample is above every value of the second, 0 for no shift.
 */
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import { averageRanks } from './correlation';

export type MannWhitneyMethod = 'auto' | 'exact' | 'asymptotic';

export interface MannWhitneyResult {
  n1: number;
  n2: number;
  /** U of the first sample (scipy's statistic). */
  u: number;
  pValue: number;
  /** The method actually used ('auto' resolved). */
  method: 'exact' | 'asymptotic';
  /** Rank-biserial correlation, in [-1, 1]; positive when the first sample tends to be larger. */
  rankBiserial: number;
}

function checkSample(v: ArrayLike<number>, which: string): void {
  if (v.length === 0) throw new RangeError(`mannWhitneyU: the ${which} sample is empty`);
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) throw new RangeError(`mannWhitneyU: value ${i} of the ${which} sample is not finite (${v[i]})`);
  }
}

function hasTies(values: number[]): boolean {
  const sorted = [...values].sort((a, b) => a - b);
  for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) return true;
  return false;
}

/** scipy's rule for method='auto'. */
function chooseMethod(n1: number, n2: number, pooled: number[]): 'exact' | 'asymptotic' {
  if (n1 > 8 && n2 > 8) return 'asymptotic';
  return hasTies(pooled) ? 'asymptotic' : 'exact';
}

export function mannWhitneyU(x: ArrayLike<number>, y: ArrayLike<number>, method: MannWhitneyMethod = 'auto'): MannWhitneyResult {
  checkSample(x, 'first');
  checkSample(y, 'second');
  const n1 = x.length;
  const n2 = y.length;
  const pooled = [...Array.from(x), ...Array.from(y)];
  const used = method === 'auto' ? chooseMethod(n1, n2, pooled) : method;
  const ranks = averageRanks(pooled);
  let r1 = 0;
  for (let i = 0; i < n1; i++) r1 += ranks[i];
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const u = Math.max(u1, u2);
  // With ties U can be a half; the exact path then uses its whole part, as scipy does (int(U)).
  const oneSided = used === 'exact' ? exactSurvival(Math.floor(u), n1, n2) : normalSurvival(u, n1, n2, ranks);
  return { n1, n2, u: u1, pValue: Math.min(1, Math.max(0, 2 * oneSided)), method: used, rankBiserial: (2 * u1) / (n1 * n2) - 1 };
}

/** P(U >= u) under the normal approximation, with the tie-corrected variance and the continuity correction. */
function normalSurvival(u: number, n1: number, n2: number, ranks: number[]): number {
  const n = n1 + n2;
  const mu = (n1 * n2) / 2;
  const sd = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm(ranks) / (n * (n - 1))));
  const z = (u - mu - 0.5) / sd;
  // sd = 0 (every value tied): z is -Infinity and the survival 1, as scipy gives. The lower tail at -z keeps
  // small p-values exact.
  if (Number.isNaN(z)) return 1;
  return normalCdf(-z, 0, 1);
}

/** Sum over groups of tied values of t^3 - t (t: the group's size). */
function tieTerm(ranks: number[]): number {
  const sorted = [...ranks].sort((a, b) => a - b);
  let sum = 0;
  let i = 0;
  while (i < sorted.length) {
    let j = i + 1;
    while (j < sorted.length && sorted[j] === sorted[i]) j++;
    const t = j - i;
    sum += t * t * t - t;
    i = j;
  }
  return sum;
}

/**
 * P(U >= u) under the exact null distribution (no ties). The number of orderings with U = k is the coefficient of
 * q^k in the Gaussian binomial [m + n choose m]_q = prod_{i=1..m} (1 - q^(n+i)) / (1 - q^i), built one factor at a
 * time with exact integers (every partial product is itself a Gaussian binomial, so each division is exact).
 * The distribution is symmetric, so P(U >= u) = P(U <= mn - u): only the coefficients up to mn - u are needed, and
 * each step reads only lower coefficients, so the polynomials are cut there. Cost O(m^2 n) with m the smaller sample.
 */
function exactSurvival(u: number, n1: number, n2: number): number {
  const m = Math.min(n1, n2);
  const n = Math.max(n1, n2);
  const top = m * n - u;
  if (top < 0) return 0;
  let coef: bigint[] = [1n];
  for (let i = 1; i <= m; i++) {
    const len = Math.min(top + 1, coef.length + n);
    const next = new Array<bigint>(len);
    for (let k = 0; k < len; k++) {
      // (1 - q^(n+i)) * coef, then divided by (1 - q^i) as a running sum with stride i.
      const grown = (k < coef.length ? coef[k] : 0n) - (k >= n + i && k - n - i < coef.length ? coef[k - n - i] : 0n);
      next[k] = grown + (k >= i ? next[k - i] : 0n);
    }
    coef = next;
  }
  let tail = 0n;
  for (const c of coef) tail += c;
  return bigRatio(tail, binomial(m + n, m));
}

/** C(a, b) exactly. */
function binomial(a: number, b: number): bigint {
  let c = 1n;
  for (let j = 1; j <= b; j++) c = (c * BigInt(a - b + j)) / BigInt(j);
  return c;
}

/** a / b as a double, also when b is beyond the double range. */
function bigRatio(a: bigint, b: bigint): number {
  const excess = b.toString(2).length - 1000;
  if (excess > 0) {
    const shift = BigInt(excess);
    return Number(a >> shift) / Number(b >> shift);
  }
  return Number(a) / Number(b);
}
