/**
 * The done-when of DICOM/NRRD support, end to end with real processes: `sentinel score` on a dataset whose cases
 * are DICOM series with NRRD or DICOM SEG masks gives the same scores as on its `sentinel convert` NIfTI output.
 * The bundled default model scores (when the repository has none, the random-weight test model: a pipeline check).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readVolumeFile } from '../../src/core/formats';
import { readNifti, reorient, toCanonical, writeNifti } from '../../src/core/nifti';
import { buildFormatsDataset, DCMQI, LIVER_HALF, makeCase, SLICER } from '../core/formats-dataset';
import { HAS_DEFAULT_MODEL, MODEL_ARGS, readCsvRows, runCliProcess as sentinel, type CliRun } from './support/run-cli';

type Row = Record<string, string>;

let tmp = '';
let root = '';
let conv = '';
let original: Row[] = [];
let converted: Row[] = [];
const runs: Record<string, CliRun> = {};

const row = (list: Row[], caseId: string, organ: string): Row => {
  const r = list.find((x) => x.case === caseId && x.organ === organ);
  if (!r) throw new Error(`no row ${caseId}/${organ} in ${list.map((x) => `${x.case}/${x.organ}`).join(', ')}`);
  return r;
};

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'sentinel-convert-'));
  root = await buildFormatsDataset(tmp);
  // The liver again as the dcm2niix-style LAS NIfTI over the series, and downsampled (resampled when scored).
  await makeCase(join(root, 'las'), {});
  const canonical = toCanonical((await readVolumeFile(join(DCMQI, 'liver_seg.nrrd'))).volume).volume;
  await writeNifti(join(root, 'las/segmentations/liver.nii.gz'), { volume: reorient(canonical, { perm: [0, 1, 2], flip: [true, false, false] }) });
  await makeCase(join(root, 'half'), { 'liver.nrrd': LIVER_HALF });
  // A Slicer segmentation with two named segments: one label per segment.
  await makeCase(join(root, 'slicer'), { 'segmentation.seg.nrrd': SLICER });
  conv = join(tmp, 'nifti');
  runs.score = await sentinel(['score', root, '--out', join(tmp, 'original.csv'), ...MODEL_ARGS]);
  runs.convert = await sentinel(['convert', root, '--to', 'nifti', '--out', conv]);
  runs.scoreConverted = await sentinel(['score', conv, '--out', join(tmp, 'converted.csv'), ...MODEL_ARGS]);
  original = await readCsvRows(join(tmp, 'original.csv'));
  converted = await readCsvRows(join(tmp, 'converted.csv'));
}, 300_000);

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('sentinel convert and score on DICOM series with NRRD / DICOM SEG masks', () => {
  it('runs every step without a fatal error', () => {
    for (const [name, r] of Object.entries(runs)) expect(r.code, `${name}: ${r.stderr}`).toBe(0);
  });

  it('writes the NIfTI conversion in the TotalSegmentator layout, CT values and masks as the sources hold them', async () => {
    expect((await readdir(conv)).sort()).toEqual(['half', 'las', 'nrrd', 'seg', 'slicer']);
    expect((await readdir(join(conv, 'slicer/segmentations'))).sort()).toEqual(['Liver.nii.gz', 'Thoracic spine.nii.gz']);
    expect((await readdir(join(conv, 'nrrd/segmentations'))).sort()).toEqual(['heart.nii.gz', 'liver.nii.gz', 'spine.nii.gz']);
    const ct = await readNifti(join(conv, 'nrrd/ct.nii.gz'));
    expect(ct.volume.grid.dims).toEqual([512, 512, 3]);
    // Reference values of the series from pydicom (tools/golden/formats_fixtures.py → test/fixtures/formats/reference.json).
    const ref = JSON.parse(await readFile('test/fixtures/formats/reference.json', 'utf8')) as { series: { full: { sum: number; min: number; max: number } } };
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (const v of ct.volume.data) {
      sum += v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect([sum, min, max]).toEqual([ref.series.full.sum, ref.series.full.min, ref.series.full.max]);
    // 107,098 liver voxels (shared/data/README.md), from the NRRD and from the DICOM SEG alike.
    for (const file of ['nrrd/segmentations/liver.nii.gz', 'seg/segmentations/liver.nii.gz']) {
      const mask = await readNifti(join(conv, file));
      expect(Array.from(mask.volume.data).reduce((a, v) => a + v, 0), file).toBe(107_098);
    }
  });

  it('gives the same scores and slices on the converted dataset as on the original', () => {
    expect(original.length).toBe(8);
    expect(converted.length).toBe(original.length);
    for (const a of original) {
      const b = row(converted, a.case, a.organ);
      const where = `${a.case}/${a.organ}`;
      expect(b.status, where).toBe(a.status);
      expect(b.slice_indices, where).toBe(a.slice_indices);
      if (a.status === 'ok') expect(Math.abs(Number(b.predicted_dsc) - Number(a.predicted_dsc)), where).toBeLessThanOrEqual(1e-6);
      expect(b.label_path, where).toBe(`${a.case}/segmentations/${a.organ}.nii.gz`);
    }
    expect(row(original, 'nrrd', 'spine').status).toBe('unmapped');
  });

  it('scores the liver the same from NRRD, DICOM SEG, a .seg.nrrd segment and the LAS NIfTI; a downsampled liver is resampled with a warning', () => {
    const liver = row(original, 'nrrd', 'liver');
    expect(liver.status).toBe('ok');
    expect(liver.message).toBe('');
    expect(row(original, 'slicer', 'Liver').label_path).toBe('slicer/segmentations/segmentation.seg.nrrd#1');
    for (const other of [row(original, 'seg', 'liver'), row(original, 'las', 'liver'), row(original, 'slicer', 'Liver')]) {
      expect(other.status).toBe('ok');
      expect(other.predicted_dsc).toBe(liver.predicted_dsc);
      expect(other.slice_dsc).toBe(liver.slice_dsc);
    }
    const half = row(original, 'half', 'liver');
    expect(half.status).toBe('ok');
    expect(half.message).toMatch(/resampled onto the CT grid, nearest neighbour/);
    expect(Number(half.predicted_dsc)).toBeGreaterThan(0);
  });

  it.skipIf(!HAS_DEFAULT_MODEL)('scores the "heart" mask, which really lies over the stomach, lower than the liver', () => {
    expect(Number(row(original, 'nrrd', 'heart').predicted_dsc)).toBeLessThan(Number(row(original, 'nrrd', 'liver').predicted_dsc));
  });

  it('refuses an output inside the dataset, a non-empty output and other target formats', async () => {
    const inside = await sentinel(['convert', root, '--out', join(root, 'nifti')]);
    expect(inside.code).toBe(1);
    expect(inside.stderr).toMatch(/inside the dataset/);
    expect(existsSync(join(root, 'nifti'))).toBe(false);
    const busy = join(tmp, 'busy');
    await mkdir(busy);
    await writeFile(join(busy, 'keep.txt'), 'mine\n');
    const notEmpty = await sentinel(['convert', root, '--out', busy]);
    expect(notEmpty.code).toBe(1);
    expect(notEmpty.stderr).toMatch(/not empty/);
    expect(await readdir(busy)).toEqual(['keep.txt']);
    const other = await sentinel(['convert', root, '--to', 'nrrd', '--out', join(tmp, 'x')]);
    expect(other.code).toBe(2);
  });
});
