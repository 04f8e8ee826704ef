/**
 * `sentinel eval` end to end, in-process: a scratch copy of six organs of the bundled sample degraded and scored
 * with the random-weight test model (so only the report's structure, counts and true DSCs are checked, never the
 * model's quality), and `--against` on the sample's two label sets of the same CT.
 */
import { copyFile, cp, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dilate, erode, shiftMask, type BinaryMask } from '../../src/core/eval/degrade';
import type { EvalReport, ReportLabel } from '../../src/core/eval/report';
import { mae, spearman } from '../../src/shared/stats/correlation';
import { readNifti, toCanonical } from '../../src/core/nifti';
import { dice } from '../../src/core/sentinel/preprocess';
import { REPO, SAMPLE, scratchDir, TINY, treeListing, type Scratch } from '../core/engine/fixtures';
import { runCliInProcess as sentinel, type CliRun } from './support/run-cli';

const ORGANS = ['liver', 'spleen', 'stomach', 'kidney_right', 'pancreas', 'gallbladder'];
const VARIANTS = 3;

const readReport = async (path: string): Promise<EvalReport> => JSON.parse(await readFile(path, 'utf8')) as EvalReport;
const canonical = async (path: string) => toCanonical((await readNifti(path)).volume).volume;

let scratch: Scratch;
let dataset: string;
let first: CliRun;
let report: EvalReport;
let listingBefore: Map<string, string>;

beforeAll(async () => {
  scratch = await scratchDir('eval');
  dataset = join(scratch.dir, 'ds');
  await mkdir(join(dataset, 's0001', 'segmentations'), { recursive: true });
  await copyFile(join(SAMPLE, 's0001', 'ct.nii.gz'), join(dataset, 's0001', 'ct.nii.gz'));
  for (const o of ORGANS) {
    await copyFile(join(SAMPLE, 's0001', 'segmentations', `${o}.nii.gz`), join(dataset, 's0001', 'segmentations', `${o}.nii.gz`));
  }
  listingBefore = await treeListing(dataset);
  first = await sentinel(['eval', dataset, '--variants', String(VARIANTS), '--seed', '7', '--model', TINY, '--out', join(scratch.dir, 'a.json'), '-q']);
  report = await readReport(join(scratch.dir, 'a.json'));
});

afterAll(async () => {
  await scratch?.cleanup();
});

describe('sentinel eval (degradations)', () => {
  it('finishes, prints a summary and writes the report with the run’s settings', () => {
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('Predicted vs true DSC');
    expect(first.stdout).toContain('Review efficiency');
    expect(first.stdout).toContain('TEST MODEL');
    expect(report).toMatchObject({
      schema: 'sentinel-eval/1',
      model: { name: 'tiny-random@0.1.0', purpose: 'test-only' },
      mode: 'degrade',
      variants: VARIANTS,
      seed: 7,
      against: null,
      badThreshold: 0.8,
    });
    expect(report.dataset).toBe(dataset);
  });

  it('counts one reference per organ and variants + 1 scored masks per reference', () => {
    expect(report.counts).toMatchObject({ cases: 1, references: ORGANS.length, records: ORGANS.length * (VARIANTS + 1), skipped: 0 });
    expect(report.labels).toHaveLength(ORGANS.length * (VARIANTS + 1));
    expect(report.counts.slices).toBe(report.labels.reduce((n, l) => n + l.slices.length, 0));
    expect(report.counts.bad).toBe(report.labels.filter((l) => l.trueDsc < 0.8).length);
    expect(report.trueDscHistogram.reduce((a, b) => a + b, 0)).toBe(report.counts.records);
    for (const o of ORGANS) {
      const mine = report.labels.filter((l) => l.organ === o);
      expect(mine.map((l) => l.variant)).toEqual([0, 1, 2, 3]);
      for (const l of mine) {
        expect(l.slices.length).toBeGreaterThan(0);
        expect(l.slices.length).toBeLessThanOrEqual(10);
        expect(l.sliceDsc).toHaveLength(l.slices.length);
        expect(l.sliceTrueDsc).toHaveLength(l.slices.length);
        expect(l.labelPath).toBe(`s0001/segmentations/${o}.nii.gz`);
      }
    }
  });

  it('gives the unchanged variant a true DSC of 1, on the volume and on every scored slice', () => {
    for (const l of report.labels.filter((x) => x.variant === 0)) {
      expect(l.kind).toBe('unchanged');
      expect(l.trueDsc).toBe(1);
      expect(l.sliceTrueDsc.every((d) => d === 1)).toBe(true);
    }
  });

  it('spreads the true DSC over a range', () => {
    const t = report.labels.filter((l) => l.variant > 0).map((l) => l.trueDsc);
    expect(Math.min(...t)).toBeLessThan(0.6);
    expect(t.some((d) => d >= 0.8 && d < 1)).toBe(true);
    expect(new Set(t).size).toBeGreaterThanOrEqual(10);
  });

  it('computes true DSCs that equal the degradation redone on the whole mask file', async () => {
    const checked: ReportLabel[] = [];
    for (const l of report.labels) {
      const p = l.params;
      if (!['erode', 'dilate', 'shift'].includes(l.kind)) continue;
      const ref = await canonical(join(dataset, l.labelPath));
      const binary: BinaryMask = { data: Uint8Array.from(ref.data, (v) => (v > 0 ? 1 : 0)), dims: ref.grid.dims };
      let redone: BinaryMask | null = null;
      if (l.kind === 'erode') redone = erode(binary, p.radius as number, p.connectivity as 6 | 26);
      if (l.kind === 'dilate') redone = dilate(binary, p.radius as number, p.connectivity as 6 | 26);
      if (l.kind === 'shift') redone = shiftMask(binary, p.offset as [number, number, number]);
      if (!redone) continue;
      checked.push(l);
      expect(l.trueDsc).toBeCloseTo(dice(redone.data, binary.data), 6);
      const plane = ref.grid.dims[0] * ref.grid.dims[1];
      l.slices.forEach((k, s) => {
        const slice = (a: Uint8Array) => a.subarray(k * plane, (k + 1) * plane);
        expect(l.sliceTrueDsc[s]).toBeCloseTo(dice(slice(redone.data), slice(binary.data)), 6);
      });
    }
    expect(checked.length).toBeGreaterThan(0);
  });

  it('reports metrics that agree with the per-label values, and the review curve against random and ideal', () => {
    const m = report.metrics;
    const predicted = report.labels.map((l) => l.predictedDsc);
    const truth = report.labels.map((l) => l.trueDsc);
    expect(m.label.n).toBe(report.counts.records);
    expect(m.slice.n).toBe(report.counts.slices);
    expect(m.label.mae).toBeCloseTo(mae(predicted, truth) as number, 5);
    expect(m.label.spearman).toBeCloseTo(spearman(predicted, truth) as number, 3);
    for (const a of [m.label, m.slice]) {
      for (const v of [a.pearson, a.spearman]) if (v !== null) expect(Math.abs(v)).toBeLessThanOrEqual(1);
    }
    expect(Object.keys(m.perOrgan).sort()).toEqual([...ORGANS].sort());
    for (const o of ORGANS) expect(m.perOrgan[o].label.n).toBe(VARIANTS + 1);
    expect(m.byKind.unchanged.n).toBe(ORGANS.length);
    const r = report.review;
    expect(r.labels).toBe(report.counts.records);
    expect(r.bad).toBe(report.counts.bad);
    expect(r.points.map((p) => p.found)).toEqual([0.5, 0.8, 0.9]);
    for (const p of r.points) {
      expect(p.needed).toBe(Math.ceil(p.found * r.bad));
      expect(p.ideal).toBeCloseTo(p.needed / r.labels, 6);
      expect(p.random).toBeCloseTo((p.needed * (r.labels + 1)) / ((r.bad + 1) * r.labels), 6);
      for (const v of [p.model, p.baseline]) {
        expect(v).toBeGreaterThanOrEqual(p.ideal - 1e-9);
        expect(v).toBeLessThanOrEqual(1);
      }
    }
    expect(report.baseline.name).toBe('relative_compactness');
  });

  it('is deterministic for a seed, and another seed degrades differently', async () => {
    const again = await sentinel(['eval', dataset, '--variants', String(VARIANTS), '--seed', '7', '--model', TINY, '--out', join(scratch.dir, 'b.json'), '-q']);
    expect(again.code).toBe(0);
    expect(await readFile(join(scratch.dir, 'b.json'), 'utf8')).toBe(await readFile(join(scratch.dir, 'a.json'), 'utf8'));
    const other = await sentinel(['eval', dataset, '--variants', String(VARIANTS), '--seed', '8', '--model', TINY, '--out', join(scratch.dir, 'c.json'), '-q', '--organs', 'liver']);
    expect(other.code).toBe(0);
    const c = await readReport(join(scratch.dir, 'c.json'));
    expect(c.organs).toEqual(['liver']);
    expect(c.counts.references).toBe(1);
    const liverA = report.labels.filter((l) => l.organ === 'liver').map((l) => [l.kind, l.trueDsc]);
    expect(c.labels.map((l) => [l.kind, l.trueDsc])).not.toEqual(liverA);
  });

  it('never writes into the dataset', async () => {
    expect(await treeListing(dataset)).toEqual(listingBefore);
  });
});

describe('sentinel eval --against', () => {
  it('scores the fast labels with the normal labels as truth; liver’s truth is the Dice of the two files', async () => {
    const out = join(scratch.dir, 'against.json');
    const run = await sentinel(['eval', join(SAMPLE, 's0001_fast'), '--against', join(SAMPLE, 's0001'), '--organs', ORGANS.join(','), '--model', TINY, '--out', out, '-q']);
    expect(run.code, run.stderr).toBe(0);
    const r = await readReport(out);
    expect(r).toMatchObject({ mode: 'against', variants: null, against: join(SAMPLE, 's0001') });
    expect(r.counts).toMatchObject({ cases: 1, references: ORGANS.length, records: ORGANS.length, skipped: 0 });
    expect(r.labels.every((l) => l.kind === 'as_is' && l.variant === 0)).toBe(true);
    const fast = await readNifti(join(SAMPLE, 's0001_fast', 'segmentations', 'liver.nii.gz'));
    const normal = await readNifti(join(SAMPLE, 's0001', 'segmentations', 'liver.nii.gz'));
    const liver = r.labels.find((l) => l.organ === 'liver');
    expect(liver?.trueDsc).toBeCloseTo(dice(fast.volume.data, normal.volume.data), 6);
    expect(liver?.trueDsc).toBeLessThan(1);
  });

  it('skips labels without a same-named truth, saying why', async () => {
    const out = join(scratch.dir, 'against-skip.json');
    const run = await sentinel(['eval', join(SAMPLE, 's0001'), '--against', join(SAMPLE, 's0001_fast'), '--organs', 'spleen,lung_middle_lobe_right', '--model', TINY, '--out', out, '-q']);
    expect(run.code, run.stderr).toBe(0);
    const r = await readReport(out);
    expect(r.counts).toMatchObject({ references: 1, records: 1, skipped: 1 });
    expect(r.skipped[0]).toMatchObject({ organ: 'lung_middle_lobe_right' });
    expect(r.skipped[0].reason).toMatch(/^no_truth/);
    expect(run.stdout).toContain('lung_middle_lobe_right: no_truth');
  });
});

describe('sentinel eval usage', () => {
  it('exits 2 on usage errors', async () => {
    expect((await sentinel(['eval'])).code).toBe(2);
    expect((await sentinel(['eval', SAMPLE, '--seed', 'x', '--model', TINY])).code).toBe(2);
    expect((await sentinel(['eval', SAMPLE, '--variants', '0', '--model', TINY])).code).toBe(2);
  });
  it('exits 1 without a model, saying how to pass one', async () => {
    // A resources folder with the organs but no models/, as an install without a bundled model would be.
    const resources = join(scratch.dir, 'resources-without-models');
    await cp(join(REPO, 'resources', 'organs'), join(resources, 'organs'), { recursive: true });
    const run = await sentinel(['eval', SAMPLE, '--out', join(scratch.dir, 'none.json')], { resourcesDir: resources });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/--model/);
  });
});
