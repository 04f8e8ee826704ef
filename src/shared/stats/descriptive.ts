/**
 * Descriptive statistics of a sample, defined as numpy defines them so that the reference values can come from
 * numpy: quantiles by linear interpolation (numpy.percentile's default), the standard deviation with n - 1, and
 * histograms binned exactly as numpy.histogram bins (including its handling of values on an edge).
 */

/** Ascending copy (the input is left alone). */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/** Quantile q in [0, 1] of an ascending sample by linear interpolation between order statistics. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  const t = pos - lo;
  const a = sorted[lo];
  const b = sorted[hi];
  // numpy's lerp: from the nearer end, so q = 1 gives the maximum exactly.
  return t < 0.5 ? a + (b - a) * t : b - (b - a) * (1 - t);
}

export function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s / values.length;
}

/** Sample standard deviation (n - 1 in the denominator); null below two values. */
export function sampleSd(values: ArrayLike<number>, m = mean(values)): number | null {
  const n = values.length;
  if (n < 2) return null;
  let s = 0;
  for (let i = 0; i < n; i++) s += (values[i] - m) * (values[i] - m);
  return Math.sqrt(s / (n - 1));
}

export interface Summary {
  n: number;
  mean: number | null;
  sd: number | null;
  min: number | null;
  q1: number | null;
  median: number | null;
  q3: number | null;
  max: number | null;
  /** Tukey's whiskers: the most extreme values within 1.5 IQR of the quartiles. */
  whiskerLow: number | null;
  whiskerHigh: number | null;
  /** Values beyond the whiskers. */
  outliers: number[];
}

export function summarise(values: ArrayLike<number>): Summary {
  const n = values.length;
  if (n === 0) {
    return { n, mean: null, sd: null, min: null, q1: null, median: null, q3: null, max: null, whiskerLow: null, whiskerHigh: null, outliers: [] };
  }
  const s = sortedCopy(values);
  const m = mean(s);
  const q1 = quantileSorted(s, 0.25);
  const q3 = quantileSorted(s, 0.75);
  const lowFence = q1 - 1.5 * (q3 - q1);
  const highFence = q3 + 1.5 * (q3 - q1);
  let whiskerLow = s[n - 1];
  let whiskerHigh = s[0];
  const outliers: number[] = [];
  for (const v of s) {
    if (v < lowFence || v > highFence) outliers.push(v);
    else {
      if (v < whiskerLow) whiskerLow = v;
      if (v > whiskerHigh) whiskerHigh = v;
    }
  }
  return {
    n,
    mean: m,
    sd: sampleSd(s, m),
    min: s[0],
    q1,
    median: quantileSorted(s, 0.5),
    q3,
    max: s[n - 1],
    whiskerLow,
    whiskerHigh,
    outliers,
  };
}

/**
 * Counts in `bins` equal bins over [lo, hi], the last bin closed, values outside left out: numpy.histogram with
 * range=(lo, hi). Edges are lo + i * step like numpy.linspace, and a value is moved down or up one bin when the
 * rounded edge says so, as numpy does.
 */
export function histogram(values: ArrayLike<number>, bins: number, lo: number, hi: number): number[] {
  const counts = new Array<number>(bins).fill(0);
  const edges = histogramEdges(bins, lo, hi);
  const norm = bins / (hi - lo);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v >= lo && v <= hi)) continue;
    let k = Math.trunc((v - lo) * norm);
    if (k === bins) k--;
    if (v < edges[k]) k--;
    else if (v >= edges[k + 1] && k !== bins - 1) k++;
    counts[k]++;
  }
  return counts;
}

/** The bins + 1 edges of `histogram`. */
export function histogramEdges(bins: number, lo: number, hi: number): number[] {
  const step = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + i * step);
  edges[bins] = hi;
  return edges;
}
