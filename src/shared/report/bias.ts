/**
 * Bias analysis from case metadata, after the Quality Sentinel paper's Figure 5: is the predicted quality of the
 * labels different between sexes (Mann-Whitney U, rank-biserial effect size) or does it change with age
 * (Spearman's rho; descriptive age bands)? Overall and per organ, the per-organ p-values adjusted by
 * Benjamini-Hochberg within each family (sex, age).
 *
 * The unit is the case: overall compares case means (the mean over a case's scored labels), per organ the case's
 * value for that organ. One value per patient avoids pseudo-replication: a patient's ~100 labels are not 100
 * independent observations of their sex or age.
 */
import { mannWhitneyU } from '../stats/mann-whitney';
import { spearmanTest } from '../stats/correlation';
import { benjaminiHochberg } from '../stats/multiple-testing';
import { histogram, summarise } from '../stats/descriptive';
import { ageColumn, parseAge, parseSex, sexColumn, type Sex } from './meta-values';
import {
  AGE_BAND_EDGES,
  HISTOGRAM_BINS,
  NOT_ENOUGH_DATA,
  summaryJson,
  type AgeBand,
  type AgeBias,
  type AgeTest,
  type Bias,
  type CaseMeta,
  type SexBias,
  type SexTest,
  type SummaryJson,
} from './model';

/** Values per case ID. */
export type CaseValues = ReadonlyMap<string, number>;

export function summaryOf(values: number[]): SummaryJson {
  return summaryJson(summarise(values), histogram(values, HISTOGRAM_BINS, 0, 1));
}

export function biasAnalysis(caseMeans: CaseValues, perOrgan: ReadonlyMap<string, CaseValues>, meta: CaseMeta, minGroupSize: number): Bias {
  return { unit: 'case', min_group_size: minGroupSize, sex: sexBias(caseMeans, perOrgan, meta, minGroupSize), age: ageBias(caseMeans, perOrgan, meta, minGroupSize) };
}

const sortedEntries = (values: CaseValues): [string, number][] => [...values].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

function sexBias(caseMeans: CaseValues, perOrgan: ReadonlyMap<string, CaseValues>, meta: CaseMeta, minGroupSize: number): SexBias {
  const column = sexColumn(meta);
  const sexOf = new Map<string, Sex>();
  if (column !== null) {
    for (const [id, row] of meta) {
      const s = parseSex(row[column]);
      if (s) sexOf.set(id, s);
    }
  }
  const split = (values: CaseValues): { female: number[]; male: number[] } => {
    const female: number[] = [];
    const male: number[] = [];
    for (const [id, v] of sortedEntries(values)) {
      const s = sexOf.get(id);
      if (s === 'female') female.push(v);
      else if (s === 'male') male.push(v);
    }
    return { female, male };
  };
  const test = (values: CaseValues): SexTest => sexTest(split(values), minGroupSize, column === null ? 'no sex column in the metadata' : null);
  const overall = split(caseMeans);
  const organs = [...perOrgan.keys()].sort();
  const tests = organs.map((organ) => ({ organ, ...test(perOrgan.get(organ) as CaseValues) }));
  const q = benjaminiHochberg(tests.map((t) => t.p_value));
  return {
    column,
    missing: [...caseMeans.keys()].filter((id) => !sexOf.has(id)).length,
    overall: test(caseMeans),
    per_organ: tests.map((t, i) => ({ ...t, q_value: q[i] })),
    female: summaryOf(overall.female),
    male: summaryOf(overall.male),
  };
}

function sexTest(g: { female: number[]; male: number[] }, minGroupSize: number, noColumn: string | null): SexTest {
  const f = summarise(g.female);
  const m = summarise(g.male);
  const base = {
    n: g.female.length + g.male.length,
    n_female: g.female.length,
    n_male: g.male.length,
    mean_female: f.mean,
    mean_male: m.mean,
    median_female: f.median,
    median_male: m.median,
  };
  if (noColumn !== null || g.female.length < minGroupSize || g.male.length < minGroupSize) {
    return { ...base, statistic: null, p_value: null, effect_size: null, method: null, note: noColumn ?? NOT_ENOUGH_DATA };
  }
  const r = mannWhitneyU(g.female, g.male, 'auto');
  return { ...base, statistic: r.u, p_value: r.pValue, effect_size: r.rankBiserial, method: r.method, note: null };
}

function ageBias(caseMeans: CaseValues, perOrgan: ReadonlyMap<string, CaseValues>, meta: CaseMeta, minGroupSize: number): AgeBias {
  const column = ageColumn(meta);
  const ageOf = new Map<string, number>();
  if (column !== null) {
    for (const [id, row] of meta) {
      const a = parseAge(row[column]);
      if (a !== null) ageOf.set(id, a);
    }
  }
  const pairs = (values: CaseValues): [number, number][] =>
    sortedEntries(values).flatMap(([id, v]) => {
      const a = ageOf.get(id);
      return a === undefined ? [] : [[a, v] as [number, number]];
    });
  const test = (values: CaseValues): AgeTest => ageTest(pairs(values), minGroupSize, column === null ? 'no age column in the metadata' : null);
  const organs = [...perOrgan.keys()].sort();
  const tests = organs.map((organ) => ({ organ, ...test(perOrgan.get(organ) as CaseValues) }));
  const q = benjaminiHochberg(tests.map((t) => t.p_value));
  const points = pairs(caseMeans);
  return {
    column,
    missing: [...caseMeans.keys()].filter((id) => !ageOf.has(id)).length,
    overall: test(caseMeans),
    per_organ: tests.map((t, i) => ({ ...t, q_value: q[i] })),
    bands: ageBands(points),
    points,
  };
}

function ageTest(pairs: [number, number][], minGroupSize: number, noColumn: string | null): AgeTest {
  const n = pairs.length;
  if (noColumn !== null || n < Math.max(minGroupSize, 3)) return { n, statistic: null, rho: null, p_value: null, note: noColumn ?? NOT_ENOUGH_DATA };
  const r = spearmanTest(
    pairs.map((p) => p[0]),
    pairs.map((p) => p[1]),
  );
  return { n, statistic: r.rho, rho: r.rho, p_value: r.pValue, note: r.rho === null ? 'undefined: age or score is constant' : null };
}

function ageBands(points: [number, number][]): AgeBand[] {
  const edges: (number | null)[] = [null, ...AGE_BAND_EDGES, null];
  const bands: AgeBand[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    const lo = edges[i];
    const hi = edges[i + 1];
    const values = points.filter(([a]) => (lo === null || a >= lo) && (hi === null || a < hi)).map((p) => p[1]);
    const band = lo === null ? `<${hi}` : hi === null ? `${lo}+` : `${lo}-${hi - 1}`;
    bands.push({ band, lo, hi, ...summaryOf(values) });
  }
  return bands;
}
