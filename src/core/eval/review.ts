/**
 * Review efficiency: an annotator goes through the labels in queue order (lowest score first) and wants to find a
 * share of the bad labels (true DSC below a threshold). How much of the dataset must be reviewed for that, for
 * the model's order, a baseline's order, a random order and the ideal order.
 * Tied scores are in no particular order, so the expected position within a tie is used: among g labels in
 * random order of which b are bad, the m-th bad one is expected at position m (g + 1) / (b + 1). The same formula
 * over the whole set gives the random order's expectation.
 */
import { SentinelError } from '../errors';

/** Expected share of labels reviewed, in ascending `scores` order, until the `needed`-th bad label is found. */
export function reviewShare(scores: readonly number[], bad: readonly boolean[], needed: number): number {
  if (scores.length !== bad.length) {
    throw new SentinelError('invalid_argument', `reviewShare: ${scores.length} scores against ${bad.length} flags`);
  }
  const n = scores.length;
  const totalBad = bad.filter(Boolean).length;
  if (!Number.isInteger(needed) || needed < 1 || needed > totalBad) {
    throw new SentinelError('invalid_argument', `reviewShare: cannot find ${needed} of ${totalBad} bad labels`);
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let before = 0;
  let badBefore = 0;
  let g = 0;
  while (before < n) {
    let end = before + 1;
    while (end < n && scores[order[end]] === scores[order[before]]) end++;
    g = end - before;
    let b = 0;
    for (let t = before; t < end; t++) if (bad[order[t]]) b++;
    if (badBefore + b >= needed) {
      const m = needed - badBefore;
      return (before + (m * (g + 1)) / (b + 1)) / n;
    }
    badBefore += b;
    before = end;
  }
  // Unreachable: needed <= totalBad.
  return 1;
}

/** The random order's expected share: the m-th of B bad labels among n sits at m (n + 1) / (B + 1) on average. */
export function randomShare(n: number, totalBad: number, needed: number): number {
  return (needed * (n + 1)) / ((totalBad + 1) * n);
}

/** The ideal order reviews exactly the bad labels first. */
export function idealShare(n: number, needed: number): number {
  return needed / n;
}

export interface ReviewPoint {
  /** Share of the bad labels to find (0.5, 0.8, 0.9). */
  found: number;
  /** Bad labels that makes: ceil(found × bad). */
  needed: number;
  /** Share of all labels reviewed, by each order. */
  model: number;
  baseline: number | null;
  random: number;
  ideal: number;
}

export interface ReviewSummary {
  /** A label is bad when its true DSC is below this. */
  threshold: number;
  labels: number;
  bad: number;
  /** Empty when no label is bad. */
  points: ReviewPoint[];
}

export function reviewEfficiency(
  truth: readonly number[],
  predicted: readonly number[],
  baseline: readonly number[] | null,
  threshold = 0.8,
  fractions: readonly number[] = [0.5, 0.8, 0.9],
): ReviewSummary {
  const bad = truth.map((t) => t < threshold);
  const n = truth.length;
  const totalBad = bad.filter(Boolean).length;
  const points: ReviewPoint[] =
    totalBad === 0
      ? []
      : fractions.map((found) => {
          // The small epsilon keeps 0.9 × 10 at 9 despite floating point.
          const needed = Math.max(1, Math.ceil(found * totalBad - 1e-9));
          return {
            found,
            needed,
            model: reviewShare(predicted, bad, needed),
            baseline: baseline ? reviewShare(baseline, bad, needed) : null,
            random: randomShare(n, totalBad, needed),
            ideal: idealShare(n, needed),
          };
        });
  return { threshold, labels: n, bad: totalBad, points };
}
