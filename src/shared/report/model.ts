/**
 * The quality report's data model: what goes in (labels with their newest score, per-case metadata) and the report
 * JSON that comes out (`sentinel report --json`, the app's Reports view, the HTML report). Field names of the JSON
 * are snake_case like the scores CSV. The report names cases by their case ID only: no patient names, no header
 * fields, no error messages (those may hold paths); metadata appears only aggregated.
 */
import type { LabelStatus } from '../scores';
import type { Summary } from '../stats/descriptive';

export const REPORT_FORMAT = 'sentinel-report';
export const REPORT_VERSION = 1;

/** One label as the report sees it: its newest score, or 'pending' for a scorable label not scored yet. */
export interface ReportLabel {
  caseId: string;
  organ: string;
  labelPath: string;
  status: LabelStatus | 'pending';
  /** Set when status is ok. */
  predictedDsc: number | null;
  worstSlice: number | null;
  worstSliceDsc: number | null;
  /** name@version of the model that scored it; '' when not scored. */
  model: string;
}

/** Per-case metadata, keyed by case ID (TotalSegmentator's meta.csv: age, gender, institute, ...). */
export type CaseMeta = ReadonlyMap<string, Readonly<Record<string, string>>>;

export interface ReportOptions {
  /** Metadata columns whose values split the distributions (institute, scanner, ...). */
  groupBy?: string[];
  /** Smallest group (per sex, or cases for a correlation) that gets a test; smaller ones say "not enough data". */
  minGroupSize?: number;
  /** How many of the lowest-scoring labels to list. */
  worstCount?: number;
  /** Named in the report: the scores file or dataset folder (a name, not a full path). */
  source?: string;
}

export const DEFAULT_MIN_GROUP_SIZE = 5;
export const DEFAULT_WORST_COUNT = 20;
export const HISTOGRAM_BINS = 20;
/** Lower edges of the age bands after the first: <40, 40-59, 60-79, 80+ (years). */
export const AGE_BAND_EDGES = [40, 60, 80] as const;
export const NOT_ENOUGH_DATA = 'not enough data';

/** A summary of a set of predicted DSC values, snake_case for the JSON. */
export interface SummaryJson {
  n: number;
  mean: number | null;
  sd: number | null;
  min: number | null;
  q1: number | null;
  median: number | null;
  q3: number | null;
  max: number | null;
  whisker_low: number | null;
  whisker_high: number | null;
  outliers: number[];
  /** Counts per bin of `histogram_edges` (numpy.histogram over [0, 1]). */
  histogram: number[];
}

export function summaryJson(s: Summary, histogram: number[]): SummaryJson {
  return {
    n: s.n,
    mean: s.mean,
    sd: s.sd,
    min: s.min,
    q1: s.q1,
    median: s.median,
    q3: s.q3,
    max: s.max,
    whisker_low: s.whiskerLow,
    whisker_high: s.whiskerHigh,
    outliers: s.outliers,
    histogram,
  };
}

export interface OrganSummary extends SummaryJson {
  organ: string;
}

export interface GroupSummary extends SummaryJson {
  /** The metadata value ('(missing)' for cases without one). */
  value: string;
  cases: number;
}

export interface GroupBy {
  column: string;
  groups: GroupSummary[];
}

export interface WorstLabel {
  case_id: string;
  organ: string;
  label_path: string;
  predicted_dsc: number;
  worst_slice: number | null;
  worst_slice_dsc: number | null;
  model: string;
}

export interface FailedLabel {
  case_id: string;
  organ: string;
  label_path: string;
  status: LabelStatus;
}

export interface Coverage {
  cases: number;
  labels: number;
  /** Labels with a predicted DSC (status ok). */
  scored: number;
  empty: number;
  unmapped: number;
  grid_mismatch: number;
  error: number;
  /** Scorable labels with no score yet (only in the app, while scoring runs). */
  pending: number;
  cases_with_meta: number;
  /** Labels that could not be scored (unmapped, grid mismatch, error, empty), at most FAILED_LIST_MAX. */
  failed: FailedLabel[];
}

export const FAILED_LIST_MAX = 200;

/** A test's result; statistic and p_value are null (and note says why) when it was not run. */
export interface TestResult {
  n: number;
  statistic: number | null;
  p_value: number | null;
  note: string | null;
}

export interface SexTest extends TestResult {
  /** Cases per sex; statistic is the Mann-Whitney U of the female group. */
  n_female: number;
  n_male: number;
  mean_female: number | null;
  mean_male: number | null;
  median_female: number | null;
  median_male: number | null;
  /** Rank-biserial correlation: positive when the female group scores higher. */
  effect_size: number | null;
  method: 'exact' | 'asymptotic' | null;
}

export interface SexOrganTest extends SexTest {
  organ: string;
  /** Benjamini-Hochberg over the per-organ sex tests that were run. */
  q_value: number | null;
}

export interface AgeTest extends TestResult {
  /** statistic is Spearman's rho between age and predicted DSC. */
  rho: number | null;
}

export interface AgeOrganTest extends AgeTest {
  organ: string;
  q_value: number | null;
}

export interface AgeBand extends SummaryJson {
  band: string;
  /** [lo, hi) in years; hi null for the last band. */
  lo: number | null;
  hi: number | null;
}

export interface SexBias {
  /** The metadata column read (sex or gender); null when the metadata has none. */
  column: string | null;
  /** Cases with a score but no usable sex value. */
  missing: number;
  overall: SexTest;
  per_organ: SexOrganTest[];
  /** Case means of each group, for the box plot. */
  female: SummaryJson;
  male: SummaryJson;
}

export interface AgeBias {
  column: string | null;
  missing: number;
  overall: AgeTest;
  per_organ: AgeOrganTest[];
  bands: AgeBand[];
  /** [age, case mean] per case, for the scatter plot (no case IDs). */
  points: [number, number][];
}

export interface Bias {
  /** One value per case (the mean over the case's scored labels; per organ, the case's value for that organ). */
  unit: 'case';
  min_group_size: number;
  sex: SexBias;
  age: AgeBias;
}

export interface Report {
  format: typeof REPORT_FORMAT;
  version: typeof REPORT_VERSION;
  source: string;
  /** Models whose scores are in the report (name@version). */
  models: string[];
  settings: { group_by: string[]; min_group_size: number; worst_count: number };
  histogram_edges: number[];
  coverage: Coverage;
  /** Every scored label (the dataset's distribution). */
  labels: SummaryJson;
  /** One value per case: the mean predicted DSC of its scored labels. */
  cases: SummaryJson;
  organs: OrganSummary[];
  groups: GroupBy[];
  worst: WorstLabel[];
  bias: Bias;
}
