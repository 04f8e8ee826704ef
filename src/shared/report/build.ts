/**
 * Builds the report from labels and case metadata: one implementation for the CLI, the app and the HTML report.
 * Pure and deterministic (no clock): the same labels and metadata give the same JSON everywhere.
 */
import { histogramEdges } from '../stats/descriptive';
import { biasAnalysis, summaryOf } from './bias';
import {
  DEFAULT_MIN_GROUP_SIZE,
  DEFAULT_WORST_COUNT,
  FAILED_LIST_MAX,
  HISTOGRAM_BINS,
  REPORT_FORMAT,
  REPORT_VERSION,
  type CaseMeta,
  type Coverage,
  type GroupBy,
  type OrganSummary,
  type Report,
  type ReportLabel,
  type ReportOptions,
  type WorstLabel,
} from './model';

export const MISSING_VALUE = '(missing)';

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

type Scored = ReportLabel & { predictedDsc: number };

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const meanOf = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;

export function buildReport(labels: readonly ReportLabel[], meta: CaseMeta, options: ReportOptions = {}): Report {
  const minGroupSize = options.minGroupSize ?? DEFAULT_MIN_GROUP_SIZE;
  const worstCount = options.worstCount ?? DEFAULT_WORST_COUNT;
  const groupBy = options.groupBy ?? [];
  if (!Number.isInteger(minGroupSize) || minGroupSize < 1) throw new RangeError(`the minimum group size must be a whole number >= 1, got ${minGroupSize}`);

  // One order whatever the caller's (CSV rows, database reads): sums then add up in the same order everywhere.
  const ordered = [...labels].sort((a, b) => byText(a.caseId, b.caseId) || byText(a.labelPath, b.labelPath));
  const scored = ordered.filter((l): l is Scored => l.status === 'ok' && l.predictedDsc !== null && Number.isFinite(l.predictedDsc));
  const byCase = new Map<string, number[]>();
  const byOrgan = new Map<string, number[]>();
  // Per organ, per case: the case's values for that organ (one label as a rule; averaged when a case has two).
  const byOrganCase = new Map<string, Map<string, number[]>>();
  for (const l of scored) {
    pushTo(byCase, l.caseId, l.predictedDsc);
    pushTo(byOrgan, l.organ, l.predictedDsc);
    let cases = byOrganCase.get(l.organ);
    if (!cases) byOrganCase.set(l.organ, (cases = new Map()));
    pushTo(cases, l.caseId, l.predictedDsc);
  }
  const caseMeans = new Map([...byCase].map(([id, v]) => [id, meanOf(v)]));
  const organCaseMeans = new Map([...byOrganCase].map(([organ, cases]) => [organ, new Map([...cases].map(([id, v]) => [id, meanOf(v)]))]));

  const organs: OrganSummary[] = [...byOrgan.keys()].sort(byText).map((organ) => ({ organ, ...summaryOf(byOrgan.get(organ) as number[]) }));

  return {
    format: REPORT_FORMAT,
    version: REPORT_VERSION,
    source: options.source ?? '',
    models: [...new Set(scored.map((l) => l.model).filter(Boolean))].sort(byText),
    settings: { group_by: [...groupBy], min_group_size: minGroupSize, worst_count: worstCount },
    histogram_edges: histogramEdges(HISTOGRAM_BINS, 0, 1),
    coverage: coverage(ordered, meta),
    labels: summaryOf(scored.map((l) => l.predictedDsc)),
    cases: summaryOf([...caseMeans.values()]),
    organs,
    groups: groupBy.map((column) => groupSummary(column, scored, meta)),
    worst: worstLabels(scored, worstCount),
    bias: biasAnalysis(caseMeans, organCaseMeans, meta, minGroupSize),
  };
}

function coverage(labels: readonly ReportLabel[], meta: CaseMeta): Coverage {
  const c: Coverage = { cases: 0, labels: labels.length, scored: 0, empty: 0, unmapped: 0, grid_mismatch: 0, error: 0, pending: 0, cases_with_meta: 0, failed: [] };
  const cases = new Set<string>();
  for (const l of labels) {
    cases.add(l.caseId);
    if (l.status === 'ok') {
      if (l.predictedDsc !== null && Number.isFinite(l.predictedDsc)) c.scored++;
      else c.pending++;
      continue;
    }
    c[l.status]++;
    if (l.status !== 'pending' && c.failed.length < FAILED_LIST_MAX) c.failed.push({ case_id: l.caseId, organ: l.organ, label_path: l.labelPath, status: l.status });
  }
  c.cases = cases.size;
  c.cases_with_meta = [...cases].filter((id) => meta.has(id)).length;
  c.failed.sort((a, b) => byText(a.case_id, b.case_id) || byText(a.label_path, b.label_path));
  return c;
}

function groupSummary(column: string, scored: Scored[], meta: CaseMeta): GroupBy {
  const values = new Map<string, number[]>();
  const cases = new Map<string, Set<string>>();
  for (const l of scored) {
    const value = meta.get(l.caseId)?.[column]?.trim() || MISSING_VALUE;
    pushTo(values, value, l.predictedDsc);
    let set = cases.get(value);
    if (!set) cases.set(value, (set = new Set()));
    set.add(l.caseId);
  }
  const groups = [...values.keys()].sort(byText).map((value) => ({ value, cases: (cases.get(value) as Set<string>).size, ...summaryOf(values.get(value) as number[]) }));
  return { column, groups };
}

function worstLabels(scored: Scored[], count: number): WorstLabel[] {
  return [...scored]
    .sort((a, b) => a.predictedDsc - b.predictedDsc || byText(a.caseId, b.caseId) || byText(a.labelPath, b.labelPath))
    .slice(0, count)
    .map((l) => ({
      case_id: l.caseId,
      organ: l.organ,
      label_path: l.labelPath,
      predicted_dsc: l.predictedDsc,
      worst_slice: l.worstSlice,
      worst_slice_dsc: l.worstSliceDsc,
      model: l.model,
    }));
}
