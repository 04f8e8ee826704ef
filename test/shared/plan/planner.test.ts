/**
 * The budget planner against independent references: brute force over every subset of the same size (the best
 * weighted choice, and the average gain of a uniformly random pick, which the closed form must equal), and the
 * mean DSC recomputed by replacing the chosen labels' values.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  budgetLabels,
  DEFAULT_FIXED_DSC,
  parseOrganWeightList,
  parseOrganWeightsJson,
  planCorrections,
  PlanError,
  type PlanLabel,
} from '../../../src/shared/plan';

const ORGANS = ['liver', 'spleen', 'aorta', 'kidney_left'];

const label = (caseId: string, organ: string, predictedDsc: number | null, over: Partial<PlanLabel> = {}): PlanLabel => ({
  caseId,
  organ,
  labelPath: `${caseId}/segmentations/${organ}.nii.gz`,
  predictedDsc,
  worstSlice: 3,
  status: predictedDsc === null ? 'error' : 'ok',
  model: 'm@1',
  ...over,
});

/** Distinct scored labels: case × organ, DSC on a coarse grid so that ties happen. */
const labelsArb = (max: number) =>
  fc
    .uniqueArray(fc.record({ c: fc.integer({ min: 0, max: 4 }), o: fc.constantFrom(...ORGANS) }), { selector: (x) => `${x.c}/${x.o}`, maxLength: max })
    .chain((keys) =>
      fc.tuple(fc.constant(keys), fc.array(fc.integer({ min: 0, max: 20 }), { minLength: keys.length, maxLength: keys.length })),
    )
    .map(([keys, dsc]) => keys.map((k, i) => label(`c${k.c}`, k.o, dsc[i] / 20)));

const weightsArb = fc.dictionary(fc.constantFrom(...ORGANS), fc.constantFrom(0, 0.5, 1, 2, 3), { maxKeys: 4 });

/** Every k-subset of 0..n-1. */
function* subsets(n: number, k: number, from = 0, acc: number[] = []): Generator<number[]> {
  if (acc.length === k) {
    yield acc;
    return;
  }
  for (let i = from; i <= n - (k - acc.length); i++) yield* subsets(n, k, i + 1, [...acc, i]);
}

describe('budget planner', () => {
  it('chooses the top k candidates by weight × (fixed DSC − predicted DSC), within the budget, in order', () => {
    fc.assert(
      fc.property(labelsArb(14), weightsArb, fc.integer({ min: 0, max: 16 }), fc.constantFrom(0.8, 0.95, 1), (labels, weights, budget, fixedDsc) => {
        const plan = planCorrections(labels, { budget: { labels: budget }, organWeights: weights, fixedDsc });
        const w = (l: PlanLabel): number => weights[l.organ] ?? 1;
        const prio = (l: PlanLabel): number => w(l) * Math.max(0, fixedDsc - (l.predictedDsc as number));
        const candidates = labels.filter((l) => w(l) > 0);
        expect(plan.items.length).toBe(Math.min(budget, candidates.length));
        expect(plan.items.map((p) => p.rank)).toEqual(plan.items.map((_, i) => i + 1));
        const chosen = new Set(plan.items.map((p) => p.labelPath));
        const minChosen = Math.min(...plan.items.map((p) => prio(labels.find((l) => l.labelPath === p.labelPath) as PlanLabel)));
        for (const l of candidates) if (!chosen.has(l.labelPath)) expect(prio(l)).toBeLessThanOrEqual(minChosen);
        for (let i = 1; i < plan.items.length; i++) expect(plan.items[i].priority).toBeLessThanOrEqual(plan.items[i - 1].priority);
        // No organ of weight 0 is chosen.
        for (const p of plan.items) expect(weights[p.organ] ?? 1).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('its weighted gain is the best of every subset of the same size (brute force)', () => {
    fc.assert(
      fc.property(labelsArb(9), weightsArb, fc.integer({ min: 1, max: 9 }), (labels, weights, budget) => {
        const plan = planCorrections(labels, { budget: { labels: budget }, organWeights: weights });
        const candidates = labels.filter((l) => (weights[l.organ] ?? 1) > 0);
        const value = (l: PlanLabel): number => (weights[l.organ] ?? 1) * Math.max(0, DEFAULT_FIXED_DSC - (l.predictedDsc as number));
        let best = 0;
        for (const s of subsets(candidates.length, Math.min(budget, candidates.length))) best = Math.max(best, s.reduce((a, i) => a + value(candidates[i]), 0));
        const got = plan.items.reduce((a, p) => a + value(labels.find((l) => l.labelPath === p.labelPath) as PlanLabel), 0);
        expect(got).toBeCloseTo(best, 12);
      }),
      { numRuns: 200 },
    );
  });

  it('the random baseline equals the average over every subset of the same size, and the plan beats it with weights 1', () => {
    fc.assert(
      fc.property(labelsArb(10), fc.integer({ min: 0, max: 10 }), fc.constantFrom(0.9, 0.95, 1), (labels, budget, fixedDsc) => {
        fc.pre(labels.length > 0);
        const plan = planCorrections(labels, { budget: { labels: budget }, fixedDsc });
        const e = plan.estimate;
        const n = labels.length;
        const dsc = labels.map((l) => l.predictedDsc as number);
        const meanBefore = dsc.reduce((a, b) => a + b, 0) / n;
        let total = 0;
        let count = 0;
        for (const s of subsets(n, e.chosen)) {
          const after = dsc.map((d, i) => (s.includes(i) ? Math.max(d, fixedDsc) : d));
          total += after.reduce((a, b) => a + b, 0) / n - meanBefore;
          count++;
        }
        expect(e.randomGain).toBeCloseTo(total / count, 12);
        expect(e.gain).toBeGreaterThanOrEqual(e.randomGain - 1e-12);
      }),
      { numRuns: 200 },
    );
  });

  it('mean DSC after = the mean with each chosen label raised to the fixed DSC; per organ likewise', () => {
    fc.assert(
      fc.property(labelsArb(16), weightsArb, fc.integer({ min: 0, max: 20 }), (labels, weights, budget) => {
        fc.pre(labels.length > 0);
        const plan = planCorrections(labels, { budget: { labels: budget }, organWeights: weights, fixedDsc: 0.9 });
        const chosen = new Set(plan.items.map((p) => p.labelPath));
        const after = labels.map((l) => (chosen.has(l.labelPath) ? Math.max(l.predictedDsc as number, 0.9) : (l.predictedDsc as number)));
        const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
        expect(plan.estimate.meanDscBefore).toBeCloseTo(mean(labels.map((l) => l.predictedDsc as number)), 12);
        expect(plan.estimate.meanDscAfter).toBeCloseTo(mean(after), 12);
        expect(plan.estimate.gain).toBeCloseTo(mean(after) - mean(labels.map((l) => l.predictedDsc as number)), 12);
        for (const o of plan.organs) {
          const idx = labels.map((l, i) => (l.organ === o.organ ? i : -1)).filter((i) => i >= 0);
          expect(o.labels).toBe(idx.length);
          expect(o.chosen).toBe(idx.filter((i) => chosen.has(labels[i].labelPath)).length);
          expect(o.meanDscAfter).toBeCloseTo(mean(idx.map((i) => after[i])), 12);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('is deterministic: the input order does not change the plan', () => {
    fc.assert(
      fc.property(labelsArb(16), weightsArb, fc.integer({ min: 0, max: 20 }), fc.integer(), (labels, weights, budget, seed) => {
        const shuffled = [...labels];
        let s = seed >>> 0;
        for (let i = shuffled.length - 1; i > 0; i--) {
          s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
          const j = s % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
        }
        const a = planCorrections(labels, { budget: { labels: budget }, organWeights: weights });
        const b = planCorrections(shuffled, { budget: { labels: budget }, organWeights: weights });
        expect(b.items).toEqual(a.items);
        expect(b.excluded).toEqual(a.excluded);
        expect(b.estimate.gain).toBeCloseTo(a.estimate.gain, 12);
      }),
      { numRuns: 200 },
    );
  });

  it('breaks ties by lower predicted DSC, then case and label path', () => {
    const labels = [label('c2', 'liver', 0.5), label('c1', 'spleen', 0.5), label('c1', 'liver', 0.5), label('c1', 'aorta', 0.97), label('c0', 'aorta', 0.96)];
    const plan = planCorrections(labels, { budget: { labels: 5 } });
    expect(plan.items.map((p) => `${p.caseId}/${p.organ}`)).toEqual(['c1/liver', 'c1/spleen', 'c2/liver', 'c0/aorta', 'c1/aorta']);
    // Labels above the fixed DSC gain nothing but still fill the budget, lowest first.
    expect(plan.items.slice(3).map((p) => p.gain)).toEqual([0, 0]);
  });

  it('a budget in minutes allows floor(minutes / minutes per label) labels and reports the minutes used', () => {
    expect(budgetLabels({ minutes: 30, minutesPerLabel: 3 })).toBe(10);
    expect(budgetLabels({ minutes: 29.9, minutesPerLabel: 3 })).toBe(9);
    expect(budgetLabels({ minutes: 30, minutesPerLabel: 0.1 })).toBe(300);
    // 3 × 0.1 is 0.30000000000000004 in floating point; the estimate reads 0.3.
    const three = planCorrections([label('c0', 'liver', 0.5), label('c0', 'spleen', 0.6), label('c0', 'aorta', 0.7)], {
      budget: { minutes: 0.3, minutesPerLabel: 0.1 },
    });
    expect(three.items).toHaveLength(3);
    expect(three.estimate.minutes).toBe(0.3);
    fc.assert(
      fc.property(labelsArb(12), fc.double({ min: 0, max: 100, noNaN: true }), fc.double({ min: 0.25, max: 20, noNaN: true }), (labels, minutes, per) => {
        const plan = planCorrections(labels, { budget: { minutes, minutesPerLabel: per } });
        expect(plan.estimate.minutes).toBeCloseTo(plan.items.length * per, 6);
        expect(plan.items.length * per).toBeLessThanOrEqual(minutes + 1e-6);
        expect(plan.items.length).toBe(Math.min(labels.length, plan.estimate.budgetLabels));
      }),
    );
  });

  it('plans only scored ok labels; the others are listed with a reason; held labels count in the mean but are not chosen', () => {
    const labels: PlanLabel[] = [
      label('c1', 'liver', 0.2),
      label('c1', 'spleen', 0.3, { hold: 'already reviewed (accept)' }),
      label('c1', 'aorta', null),
      label('c1', 'mystery', null, { status: 'unmapped' }),
      label('c2', 'liver', null, { status: 'unscored' }),
      label('c2', 'aorta', 0.4),
      label('c2', 'spleen', 0.1),
    ];
    const plan = planCorrections(labels, { budget: { labels: 10 }, organWeights: { spleen: 0, pancreas: 2 }, fixedDsc: 1 });
    expect(plan.items.map((p) => p.labelPath)).toEqual(['c1/segmentations/liver.nii.gz', 'c2/segmentations/aorta.nii.gz']);
    expect(plan.excluded.map((x) => [x.caseId, x.organ, x.reason])).toEqual([
      ['c1', 'aorta', 'status error'],
      ['c1', 'mystery', 'status unmapped'],
      ['c1', 'spleen', 'already reviewed (accept)'],
      ['c2', 'liver', 'not scored yet'],
      ['c2', 'spleen', 'organ weight 0'],
    ]);
    expect(plan.estimate.population).toBe(4);
    expect(plan.estimate.candidates).toBe(2);
    expect(plan.estimate.meanDscBefore).toBeCloseTo((0.2 + 0.3 + 0.4 + 0.1) / 4, 12);
    expect(plan.estimate.meanDscAfter).toBeCloseTo((1 + 0.3 + 1 + 0.1) / 4, 12);
    // Random pick of 2 among the 2 candidates: the same labels.
    expect(plan.estimate.randomGain).toBeCloseTo(plan.estimate.gain, 12);
    expect(plan.unusedWeights).toEqual(['pancreas']);
  });

  it('a later row for the same label supersedes an earlier one', () => {
    const plan = planCorrections([label('c1', 'liver', 0.1), label('c1', 'spleen', 0.5), label('c1', 'liver', 0.9)], { budget: { labels: 1 } });
    expect(plan.items.map((p) => [p.organ, p.predictedDsc])).toEqual([['spleen', 0.5]]);
    expect(plan.estimate.population).toBe(2);
  });

  it('no scored labels: an empty plan with no estimate', () => {
    const plan = planCorrections([label('c1', 'liver', null)], { budget: { labels: 3 } });
    expect(plan.items).toEqual([]);
    expect(plan.estimate).toMatchObject({ population: 0, chosen: 0, meanDscBefore: null, meanDscAfter: null, gain: 0, randomGain: 0 });
  });

  it('refuses options it cannot work with', () => {
    const l = [label('c1', 'liver', 0.5)];
    expect(() => planCorrections(l, { budget: { labels: -1 } })).toThrow(PlanError);
    expect(() => planCorrections(l, { budget: { labels: 1.5 } })).toThrow(/whole number/);
    expect(() => planCorrections(l, { budget: { minutes: 10, minutesPerLabel: 0 } })).toThrow(/minutes per label/);
    expect(() => planCorrections(l, { budget: { minutes: -1, minutesPerLabel: 3 } })).toThrow(/minutes/);
    expect(() => planCorrections(l, { budget: { labels: 1 }, fixedDsc: 0 })).toThrow(/\(0, 1\]/);
    expect(() => planCorrections(l, { budget: { labels: 1 }, fixedDsc: 1.2 })).toThrow(/\(0, 1\]/);
    expect(() => planCorrections(l, { budget: { labels: 1 }, organWeights: { liver: -1 } })).toThrow(/weight of liver/);
  });
});

describe('organ weights', () => {
  it('reads organ=w lists and JSON objects', () => {
    expect(parseOrganWeightList('liver=2, spleen=0.5,,aorta=0')).toEqual({ liver: 2, spleen: 0.5, aorta: 0 });
    expect(parseOrganWeightsJson('{"liver": 2, "kidney_left": 1.5}')).toEqual({ liver: 2, kidney_left: 1.5 });
  });

  it('says what is wrong', () => {
    expect(() => parseOrganWeightList('liver')).toThrow(/"liver" is not organ=weight/);
    expect(() => parseOrganWeightList('liver=-1')).toThrow(/>= 0/);
    expect(() => parseOrganWeightList('liver=two')).toThrow(/liver=two/);
    expect(() => parseOrganWeightList('liver=1,liver=2')).toThrow(/liver is given twice/);
    expect(() => parseOrganWeightsJson('{"liver": "2"}')).toThrow(/liver/);
    expect(() => parseOrganWeightsJson('[1, 2]')).toThrow(/organ name → weight/);
    expect(() => parseOrganWeightsJson('{liver: 2')).toThrow(/not JSON/);
  });
});
