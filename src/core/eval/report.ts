/**
 * The evaluation report (report.json; schema in docs/eval.md): what was evaluated with which model, the agreement
 * between predicted and true DSC at label and slice level (overall, per organ, per degradation kind), the review
 * efficiency against random, ideal and the shape-prior baseline, and every scored variant.
 * Deterministic for a seed: no timestamps or timings (the CLI prints those).
 */
import { relativeCompactness } from './baseline';
import { reviewEfficiency, type ReviewSummary } from './review';
import type { EvalMode, EvalRecord, EvalRun } from './run-eval';
import type { SkippedLabel } from './load-case';
import { agreement, pearson, spearman, type Agreement } from '../../shared/stats/correlation';

export const REPORT_SCHEMA = 'sentinel-eval/1';
/** A label is bad (worth finding in review) when its true DSC is below this. */
export const BAD_DSC = 0.8;

export interface KindSummary {
  n: number;
  trueDsc: { min: number; median: number; max: number };
  mae: number | null;
}

/** One scored mask in the report: its record, with the shape prior relative to its organ's median. */
export type ReportLabel = Omit<EvalRecord, 'compactness'> & {
  /** The baseline's score: compactness relative to the organ's median (lower = reviewed sooner). */
  baseline: number;
};

export interface EvalReport {
  schema: typeof REPORT_SCHEMA;
  model: { name: string; purpose: string };
  mode: EvalMode;
  dataset: string;
  against: string | null;
  /** Degradations per label (null in against mode). */
  variants: number | null;
  seed: number;
  organs: string[] | null;
  counts: {
    cases: number;
    /** Labels evaluated. */
    references: number;
    /** Scored masks (variants, or labels in against mode): the label-level sample. */
    records: number;
    /** Scored slices: the slice-level sample. */
    slices: number;
    skipped: number;
    /** Records whose true DSC is below badThreshold. */
    bad: number;
  };
  badThreshold: number;
  metrics: {
    label: Agreement;
    slice: Agreement;
    perOrgan: Record<string, { label: Agreement; slice: Agreement }>;
    byKind: Record<string, KindSummary>;
  };
  /** Counts of true DSC in [0, 0.1), [0.1, 0.2), ... [0.9, 1.0]. */
  trueDscHistogram: number[];
  review: ReviewSummary;
  baseline: { name: 'relative_compactness'; label: { pearson: number | null; spearman: number | null } };
  skipped: SkippedLabel[];
  issues: string[];
  labels: ReportLabel[];
}

export interface ReportSettings {
  model: { name: string; purpose: string };
  variants: number;
  seed: number;
  organs?: string[];
}

function sliceAgreement(records: readonly EvalRecord[]): Agreement {
  const predicted = records.flatMap((r) => r.sliceDsc);
  const truth = records.flatMap((r) => r.sliceTrueDsc);
  return agreement(predicted, truth);
}

function labelAgreement(records: readonly EvalRecord[]): Agreement {
  return agreement(
    records.map((r) => r.predictedDsc),
    records.map((r) => r.trueDsc),
  );
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = out.get(k);
    if (list) list.push(it);
    else out.set(k, [it]);
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function kindSummary(records: readonly EvalRecord[]): KindSummary {
  const t = records.map((r) => r.trueDsc).sort((a, b) => a - b);
  const m = t.length >> 1;
  return {
    n: records.length,
    trueDsc: { min: round6(t[0]), median: round6(t.length % 2 ? t[m] : (t[m - 1] + t[m]) / 2), max: round6(t[t.length - 1]) },
    mae: agreement(records.map((r) => r.predictedDsc), records.map((r) => r.trueDsc)).mae,
  };
}

export function buildReport(run: EvalRun, settings: ReportSettings): EvalReport {
  const records = run.records;
  const truth = records.map((r) => r.trueDsc);
  const predicted = records.map((r) => r.predictedDsc);
  const baseline = relativeCompactness(
    records.map((r) => r.compactness),
    records.map((r) => r.organ),
  );
  const histogram = new Array<number>(10).fill(0);
  for (const t of truth) histogram[Math.min(9, Math.floor(t * 10))]++;
  return {
    schema: REPORT_SCHEMA,
    model: settings.model,
    mode: run.mode,
    dataset: run.dataset,
    against: run.against,
    variants: run.mode === 'degrade' ? settings.variants : null,
    seed: settings.seed,
    organs: settings.organs && settings.organs.length > 0 ? settings.organs : null,
    counts: {
      cases: run.cases,
      references: run.references,
      records: records.length,
      slices: records.reduce((n, r) => n + r.slices.length, 0),
      skipped: run.skipped.length,
      bad: truth.filter((t) => t < BAD_DSC).length,
    },
    badThreshold: BAD_DSC,
    metrics: roundDeep({
      label: labelAgreement(records),
      slice: sliceAgreement(records),
      perOrgan: Object.fromEntries(
        [...groupBy(records, (r) => r.organ)].map(([organ, list]) => [organ, { label: labelAgreement(list), slice: sliceAgreement(list) }]),
      ),
      byKind: Object.fromEntries([...groupBy(records, (r) => r.kind)].map(([kind, list]) => [kind, kindSummary(list)])),
    }),
    trueDscHistogram: histogram,
    review: roundDeep(reviewEfficiency(truth, predicted, baseline, BAD_DSC)),
    baseline: {
      name: 'relative_compactness',
      label: roundDeep({ pearson: pearson(baseline, truth), spearman: spearman(baseline, truth) }),
    },
    skipped: run.skipped,
    issues: run.issues,
    labels: records.map((r, i) => ({
      caseId: r.caseId,
      organ: r.organ,
      labelPath: r.labelPath,
      organId: r.organId,
      variant: r.variant,
      kind: r.kind,
      params: r.params,
      target: r.target,
      trueDsc: round6(r.trueDsc),
      predictedDsc: round6(r.predictedDsc),
      baseline: round6(baseline[i]),
      slices: r.slices,
      sliceDsc: r.sliceDsc.map(round6),
      sliceTrueDsc: r.sliceTrueDsc.map(round6),
    })),
  };
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** Rounds every number in a plain JSON value to 6 decimals (the report's precision; metrics are computed first). */
function roundDeep<T>(value: T): T {
  if (typeof value === 'number') return (Number.isInteger(value) ? value : round6(value)) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => roundDeep(v)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, roundDeep(v)])) as T;
  }
  return value;
}
