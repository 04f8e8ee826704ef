/**
 * The report's figures on the synthetic fixture (40 cases, SYNTHETIC sex and age) against the values scipy and
 * numpy computed from the same files (tools/golden/report_stats_reference.py): per organ, per case, per
 * institute, the worst labels, coverage and the bias analysis (case means, per organ one value per case, BH).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseMetaTable } from '../../../src/core/report/read-inputs';
import { buildReport, NOT_ENOUGH_DATA, reportLabelsFromScores, type SummaryJson } from '../../../src/shared/report';
import { parseScoresCsv } from '../../../src/shared/scores-csv';

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/report/${name}`, import.meta.url));

interface Described {
  n: number;
  mean: number | null;
  sd: number | null;
  min: number | null;
  q1: number | null;
  median: number | null;
  q3: number | null;
  max: number | null;
  histogram: number[];
}
interface SexRef {
  n: number;
  n_female: number;
  n_male: number;
  mean_female: number | null;
  mean_male: number | null;
  statistic: number | null;
  p_value: number | null;
  effect_size: number | null;
  method: string | null;
  q_value?: number | null;
  organ?: string;
}
interface AgeRef {
  n: number;
  statistic: number | null;
  p_value: number | null;
  q_value?: number | null;
  organ?: string;
}
interface ReportRef {
  min_group_size: number;
  coverage: Record<'ok' | 'empty' | 'unmapped' | 'grid_mismatch' | 'error', number>;
  cases: number;
  labels: Described;
  case_means: Described;
  organs: Record<string, Described>;
  institutes: Record<string, Described>;
  worst: string[];
  sex: { missing: number; overall: SexRef; per_organ: SexRef[] };
  age: { missing: number; overall: AgeRef; per_organ: AgeRef[]; bands: (Described & { lo: number | null; hi: number | null })[] };
}

const ref = (JSON.parse(readFileSync(fixture('report_stats_reference.json'), 'utf8')) as { report: ReportRef }).report;
const labels = reportLabelsFromScores(parseScoresCsv(readFileSync(fixture('synthetic-scores.csv'), 'utf8')));
const meta = parseMetaTable(readFileSync(fixture('synthetic-meta.csv'), 'utf8'), 'synthetic-meta.csv');
const report = buildReport(labels, meta.byCase, { groupBy: ['institute'], minGroupSize: ref.min_group_size, source: 'synthetic-scores.csv' });

function close(actual: number | null, expected: number | null, digits = 12): void {
  if (expected === null) return void expect(actual).toBeNull();
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(Math.max(Math.abs(expected), 1e-300) * 10 ** -digits + 1e-15);
}

function sameSummary(actual: SummaryJson, expected: Described): void {
  expect(actual.n).toBe(expected.n);
  for (const k of ['mean', 'sd', 'min', 'q1', 'median', 'q3', 'max'] as const) close(actual[k], expected[k]);
  expect(actual.histogram).toEqual(expected.histogram);
}

describe('report figures against numpy', () => {
  it('coverage', () => {
    const c = report.coverage;
    expect(c.cases).toBe(ref.cases);
    expect([c.scored, c.empty, c.unmapped, c.grid_mismatch, c.error]).toEqual([ref.coverage.ok, ref.coverage.empty, ref.coverage.unmapped, ref.coverage.grid_mismatch, ref.coverage.error]);
    expect(c.failed.map((f) => f.status).sort()).toEqual(['empty', 'error', 'grid_mismatch', 'unmapped']);
    expect(c.cases_with_meta).toBe(ref.cases);
  });
  it('all labels and case means', () => {
    sameSummary(report.labels, ref.labels);
    sameSummary(report.cases, ref.case_means);
  });
  it('per organ', () => {
    expect(report.organs.map((o) => o.organ)).toEqual(Object.keys(ref.organs).sort());
    for (const o of report.organs) sameSummary(o, ref.organs[o.organ]);
  });
  it('per institute', () => {
    const g = report.groups[0];
    expect(g.column).toBe('institute');
    expect(g.groups.map((v) => v.value)).toEqual(Object.keys(ref.institutes).sort());
    for (const v of g.groups) sameSummary(v, ref.institutes[v.value]);
  });
  it('worst labels, lowest first', () => {
    expect(report.worst.map((w) => w.label_path)).toEqual(ref.worst);
  });
});

describe('bias analysis against scipy (cases as the unit)', () => {
  it('sex overall: Mann-Whitney U of case means', () => {
    const t = report.bias.sex.overall;
    const e = ref.sex.overall;
    expect([t.n, t.n_female, t.n_male]).toEqual([e.n, e.n_female, e.n_male]);
    close(t.mean_female, e.mean_female);
    close(t.mean_male, e.mean_male);
    expect(t.statistic).toBe(e.statistic);
    close(t.p_value, e.p_value, 10);
    close(t.effect_size, e.effect_size);
    expect(t.method).toBe(e.method);
    expect(report.bias.sex.missing).toBe(ref.sex.missing);
    expect(report.bias.sex.column).toBe('gender');
  });
  it('sex per organ with Benjamini-Hochberg q-values, including an exact test and a too-small group', () => {
    const got = report.bias.sex.per_organ;
    expect(got.map((t) => t.organ)).toEqual(ref.sex.per_organ.map((t) => t.organ));
    expect(ref.sex.per_organ.some((t) => t.method === 'exact')).toBe(true);
    got.forEach((t, i) => {
      const e = ref.sex.per_organ[i];
      expect([t.n, t.n_female, t.n_male]).toEqual([e.n, e.n_female, e.n_male]);
      expect(t.statistic).toBe(e.statistic);
      close(t.p_value, e.p_value, 10);
      close(t.q_value, e.q_value ?? null, 10);
      close(t.effect_size, e.effect_size);
      expect(t.method).toBe(e.method);
      expect(t.note).toBe(e.p_value === null ? NOT_ENOUGH_DATA : null);
    });
  });
  it('age overall and per organ: Spearman rho with BH q-values', () => {
    const o = report.bias.age.overall;
    expect(o.n).toBe(ref.age.overall.n);
    close(o.statistic, ref.age.overall.statistic);
    close(o.p_value, ref.age.overall.p_value, 9);
    expect(report.bias.age.missing).toBe(ref.age.missing);
    report.bias.age.per_organ.forEach((t, i) => {
      const e = ref.age.per_organ[i];
      expect(t.organ).toBe(e.organ);
      expect(t.n).toBe(e.n);
      close(t.statistic, e.statistic);
      close(t.p_value, e.p_value, 9);
      close(t.q_value, e.q_value ?? null, 9);
      expect(t.note).toBe(e.p_value === null ? NOT_ENOUGH_DATA : null);
    });
  });
  it('age bands', () => {
    expect(report.bias.age.bands.map((b) => [b.lo, b.hi])).toEqual(ref.age.bands.map((b) => [b.lo, b.hi]));
    report.bias.age.bands.forEach((b, i) => sameSummary(b, ref.age.bands[i]));
  });
});

describe('report rules', () => {
  it('says "not enough data" below the minimum group size instead of a p-value', () => {
    const big = buildReport(labels, meta.byCase, { minGroupSize: 30 });
    expect(big.bias.sex.overall.note).toBe(NOT_ENOUGH_DATA);
    expect(big.bias.sex.overall.p_value).toBeNull();
    expect(big.bias.age.overall.p_value).not.toBeNull();
    expect(big.bias.sex.per_organ.every((t) => t.q_value === null)).toBe(true);
  });
  it('has no bias test without sex or age metadata, and says why', () => {
    const r = buildReport(labels, new Map());
    expect(r.bias.sex.column).toBeNull();
    expect(r.bias.sex.overall.note).toMatch(/no sex column/);
    expect(r.bias.age.overall.note).toMatch(/no age column/);
    expect(r.coverage.cases_with_meta).toBe(0);
  });
  it('is the same for the same input, whatever the row order', () => {
    const shuffled = [...labels].reverse();
    expect(buildReport(shuffled, meta.byCase, { groupBy: ['institute'], minGroupSize: 5, source: 'synthetic-scores.csv' })).toEqual(report);
  });
  it('names cases by ID only: no metadata values per case, no messages', () => {
    const text = JSON.stringify(report);
    expect(text).not.toMatch(/no DAP organ|unreadable|grid differs|no voxels/);
    // the age scatter carries [age, mean] pairs without case IDs
    expect(report.bias.age.points.every((p) => p.length === 2 && typeof p[0] === 'number')).toBe(true);
  });
  it('keeps the last row of a label listed twice', () => {
    const twice = reportLabelsFromScores([
      ...parseScoresCsv(readFileSync(fixture('synthetic-scores.csv'), 'utf8')).slice(0, 2),
      { ...parseScoresCsv(readFileSync(fixture('synthetic-scores.csv'), 'utf8'))[0], predictedDsc: 0.5 },
    ]);
    expect(twice).toHaveLength(2);
    expect(twice[0].predictedDsc).toBe(0.5);
  });
});
