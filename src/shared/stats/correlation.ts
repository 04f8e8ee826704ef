/**
 * Agreement statistics between predicted and true DSC: Pearson's r, Spearman's rho (average ranks for ties, as
 * scipy.stats.spearmanr does) and the mean absolute error. Pure functions over plain number arrays.
 * Undefined results (fewer than two pairs, a constant side) are null, never NaN, so they survive JSON.
 * Shared: the eval report (core) and the quality report (CLI and app) use this one implementation.
 */
import tCdf from '@stdlib/stats-base-dists-t-cdf';

function checkPairs(x: ArrayLike<number>, y: ArrayLike<number>, what: string): void {
  if (x.length !== y.length) {
    throw new RangeError(`${what}: ${x.length} predictions against ${y.length} true values`);
  }
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) {
      throw new RangeError(`${what}: pair ${i} is not finite (${x[i]}, ${y[i]})`);
    }
  }
}

/** Pearson's correlation coefficient; null with fewer than two pairs or when either side is constant. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
  checkPairs(x, y, 'pearson');
  const n = x.length;
  if (n < 2) return null;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  // Centred sums (two passes) rather than raw moments: no cancellation when values sit close together.
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return null;
  const r = sxy / Math.sqrt(sxx * syy);
  // Rounding can push |r| a hair past 1.
  return Math.max(-1, Math.min(1, r));
}

/** Ranks from 1, tied values sharing the mean of the ranks they span (scipy's rankdata 'average'). */
export function averageRanks(x: ArrayLike<number>): number[] {
  const n = x.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a] - x[b] || a - b);
  const ranks = new Array<number>(n);
  let i = 0;
  while (i < n) {
    let j = i + 1;
    while (j < n && x[order[j]] === x[order[i]]) j++;
    // Positions i..j-1 (0-based) hold ranks i+1..j; their mean is (i + 1 + j) / 2.
    const r = (i + 1 + j) / 2;
    for (let t = i; t < j; t++) ranks[order[t]] = r;
    i = j;
  }
  return ranks;
}

/** Spearman's rank correlation: Pearson's r of the average ranks. */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
  checkPairs(x, y, 'spearman');
  return pearson(averageRanks(x), averageRanks(y));
}

/** Mean absolute error; null for no pairs. */
export function mae(predicted: ArrayLike<number>, truth: ArrayLike<number>): number | null {
  checkPairs(predicted, truth, 'mae');
  if (predicted.length === 0) return null;
  let s = 0;
  for (let i = 0; i < predicted.length; i++) s += Math.abs(predicted[i] - truth[i]);
  return s / predicted.length;
}

export interface Agreement {
  n: number;
  pearson: number | null;
  spearman: number | null;
  mae: number | null;
}

/** The three agreement numbers for one set of (predicted, true) pairs. */
export function agreement(predicted: ArrayLike<number>, truth: ArrayLike<number>): Agreement {
  return { n: predicted.length, pearson: pearson(predicted, truth), spearman: spearman(predicted, truth), mae: mae(predicted, truth) };
}

export interface CorrelationTest {
  n: number;
  /** Spearman's rho; null when undefined (fewer than two pairs, a constant side). */
  rho: number | null;
  /** Two-sided p-value; null with fewer than three pairs (no degrees of freedom) or when rho is undefined. */
  pValue: number | null;
}

/**
 * Spearman's rho with its two-sided p-value from Student's t with n - 2 degrees of freedom, as
 * scipy.stats.spearmanr computes it: t = rho * sqrt((n - 2) / ((1 + rho)(1 - rho))).
 */
export function spearmanTest(x: ArrayLike<number>, y: ArrayLike<number>): CorrelationTest {
  const rho = spearman(x, y);
  const n = x.length;
  if (rho === null || n < 3) return { n, rho, pValue: null };
  const dof = n - 2;
  const denom = (1 + rho) * (1 - rho);
  // |rho| = 1 makes t infinite and p exactly 0, as scipy gives.
  const t = denom <= 0 ? Infinity : Math.abs(rho) * Math.sqrt(dof / denom);
  // The lower tail at -|t| rather than 1 - cdf(|t|): no cancellation for small p-values.
  const p = t === Infinity ? 0 : 2 * tCdf(-t, dof);
  return { n, rho, pValue: Math.min(1, p) };
}
