/** How the report's numbers are written, the same in the HTML report and the app. */

/** A predicted DSC or a mean of them: three decimals; an em dash for none. */
export function fmtDsc(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(3);
}

/** A p- or q-value: three significant digits, scientific below 0.001. */
export function fmtP(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (v === 0) return '0';
  return v < 0.001 ? v.toExponential(2) : v.toPrecision(3);
}

/** A test statistic (U, rho, effect size). */
export function fmtStat(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return Number.isInteger(v * 2) && Math.abs(v) >= 1 ? String(v) : v.toFixed(3);
}

/** What the report says about the unit of the bias analysis (in the HTML report and the app). */
export const UNIT_NOTE =
  'Bias tests compare cases, not pooled labels: "overall" uses one value per case (the mean predicted DSC of its scored labels), ' +
  'and per organ one value per case (its label for that organ). One value per patient avoids pseudo-replication.';

export const METHOD_NOTE =
  'Sex: two-sided Mann-Whitney U (statistic: U of the female group; exact null distribution when a group has at most 8 cases and ' +
  'nothing is tied, otherwise the normal approximation with tie and continuity corrections, as scipy.stats.mannwhitneyu); ' +
  'effect size: rank-biserial correlation (positive: female cases score higher). Age: Spearman rho with the p-value from ' +
  "Student's t (as scipy.stats.spearmanr). Per-organ p-values are adjusted by Benjamini-Hochberg within each family (q).";
