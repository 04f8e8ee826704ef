/** The tables of the HTML report, as escaped HTML strings. */
import { fmtDsc, fmtP, fmtStat } from './format';
import type { AgeBand, AgeOrganTest, AgeTest, Coverage, GroupBy, OrganSummary, SexOrganTest, SexTest, SummaryJson, WorstLabel } from './model';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** A table from a header and rows of already-formatted cells (escaped here). */
export function table(header: string[], rows: string[][], cls = ''): string {
  const head = header.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const SUMMARY_HEADER = ['n', 'mean', 'sd', 'min', 'q1', 'median', 'q3', 'max'];
const summaryCells = (s: SummaryJson): string[] => [String(s.n), fmtDsc(s.mean), fmtDsc(s.sd), fmtDsc(s.min), fmtDsc(s.q1), fmtDsc(s.median), fmtDsc(s.q3), fmtDsc(s.max)];

export function summaryTable(rows: { name: string; summary: SummaryJson }[], first: string): string {
  return table([first, ...SUMMARY_HEADER], rows.map((r) => [r.name, ...summaryCells(r.summary)]), 'num');
}

export function organTable(organs: OrganSummary[]): string {
  return summaryTable(organs.map((o) => ({ name: o.organ, summary: o })), 'organ');
}

export function groupTable(g: GroupBy): string {
  return table([g.column, 'cases', ...SUMMARY_HEADER], g.groups.map((v) => [v.value, String(v.cases), ...summaryCells(v)]), 'num');
}

export function coverageTable(c: Coverage): string {
  return table(
    ['cases', 'labels', 'scored', 'empty', 'unmapped', 'grid mismatch', 'error', 'not scored yet', 'cases with metadata'],
    [[c.cases, c.labels, c.scored, c.empty, c.unmapped, c.grid_mismatch, c.error, c.pending, c.cases_with_meta].map(String)],
    'num',
  );
}

export function failedTable(c: Coverage): string {
  return table(['case', 'organ', 'label', 'status'], c.failed.map((f) => [f.case_id, f.organ, f.label_path, f.status]));
}

export function worstTable(worst: WorstLabel[]): string {
  return table(
    ['#', 'case', 'organ', 'predicted DSC', 'worst slice', 'worst slice DSC', 'label'],
    worst.map((w, i) => [String(i + 1), w.case_id, w.organ, fmtDsc(w.predicted_dsc), w.worst_slice === null ? '—' : String(w.worst_slice), fmtDsc(w.worst_slice_dsc), w.label_path]),
  );
}

const sexCells = (t: SexTest): string[] => [
  String(t.n_female),
  String(t.n_male),
  fmtDsc(t.mean_female),
  fmtDsc(t.mean_male),
  t.note ?? fmtStat(t.statistic),
  fmtStat(t.effect_size),
  fmtP(t.p_value),
  t.method ?? '—',
];

export function sexTable(overall: SexTest, perOrgan: SexOrganTest[]): string {
  const rows = [['overall (case means)', ...sexCells(overall), '—'], ...perOrgan.map((t) => [t.organ, ...sexCells(t), fmtP(t.q_value)])];
  return table(['', 'female', 'male', 'mean female', 'mean male', 'U', 'effect (r)', 'p', 'method', 'q (BH)'], rows, 'num');
}

const ageCells = (t: AgeTest): string[] => [String(t.n), t.note ?? fmtStat(t.statistic), fmtP(t.p_value)];

export function ageTable(overall: AgeTest, perOrgan: AgeOrganTest[]): string {
  const rows = [['overall (case means)', ...ageCells(overall), '—'], ...perOrgan.map((t) => [t.organ, ...ageCells(t), fmtP(t.q_value)])];
  return table(['', 'cases', 'Spearman rho', 'p', 'q (BH)'], rows, 'num');
}

export function bandTable(bands: AgeBand[]): string {
  return summaryTable(bands.map((b) => ({ name: b.band, summary: b })), 'age band (years)');
}
