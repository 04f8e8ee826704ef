/**
 * `sentinel export --what nnunet` of a dataset whose CTs are DICOM series (ct/, one slice without .dcm) and whose
 * masks are NRRD, DICOM SEG and a downsampled NRRD, with real processes: `sentinel score`, then the export, then
 * `sentinel convert` for comparison. imagesTr must be the very NIfTI `sentinel convert` makes of the series (voxels
 * and geometry), on the grid pydicom gives (reference.json); labelsTr must hold each organ's voxels as numpy counts
 * them (107,098 liver voxels, shared/data/README.md; the downsampled liver resampled by numpy's nearest neighbour;
 * the "heart" minus the 522 voxels the liver, first in label order, keeps), on the image's grid, in a folder that an
 * independent nnU-Net v2 validator accepts. The bundled default model scores (else the random-weight test model).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNifti, sameGrid } from '../../src/core/nifti';
import { parseCsv } from '../../src/shared/csv-text';
import { buildFormatsDataset, LIVER_HALF, makeCase } from '../core/formats-dataset';
import { checkNnunetRaw } from '../core/export/nnunet-spec';
import { REF } from '../core/formats/helpers';
import { MODEL_ARGS, runCliProcess as sentinel, type CliRun } from './support/run-cli';

let tmp = '';
let root = '';
let conv = '';
let liverOnly = '';
let liverHeart = '';
const runs: Record<string, CliRun> = {};

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'sentinel-export-formats-'));
  root = await buildFormatsDataset(tmp);
  await makeCase(join(root, 'half'), { 'liver.nrrd': LIVER_HALF });
  conv = join(tmp, 'nifti');
  const scores = join(tmp, 'scores.csv');
  runs.score = await sentinel(['score', root, '--out', scores, ...MODEL_ARGS]);
  const common = ['--what', 'nnunet', '--scores', scores, '--threshold', '0'];
  runs.exportLiver = await sentinel(['export', root, '--to', join(tmp, 'out'), ...common, '--organs', 'liver', '--dataset-id', '601', '--dataset-name', 'Liver']);
  runs.exportHeart = await sentinel(['export', root, '--to', join(tmp, 'out'), ...common, '--organs', 'liver,heart', '--dataset-id', '602', '--dataset-name', 'LiverHeart']);
  runs.convert = await sentinel(['convert', root, '--to', 'nifti', '--out', conv]);
  liverOnly = join(tmp, 'out', 'Dataset601_Liver');
  liverHeart = join(tmp, 'out', 'Dataset602_LiverHeart');
}, 300_000);

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const count = (data: ArrayLike<number>, value: number): number => {
  let n = 0;
  for (let i = 0; i < data.length; i++) if (data[i] === value) n++;
  return n;
};

describe('sentinel export --what nnunet of DICOM series with NRRD / DICOM SEG masks', () => {
  it('runs score, both exports and convert without an error', () => {
    for (const [name, r] of Object.entries(runs)) expect(r.code, `${name}: ${r.stderr}`).toBe(0);
  });

  it('writes a valid nnU-Net v2 raw dataset of the three cases', async () => {
    const check = await checkNnunetRaw(liverOnly);
    expect(check.problems).toEqual([]);
    expect(check.cases).toEqual(['half', 'nrrd', 'seg']);
    expect(check.labels).toEqual({ background: 0, liver: 1 });
    expect(runs.exportLiver.stderr).toMatch(/note: half: liver: mask grid differs from the CT's \(dims 256x256x3 vs 512x512x3.*resampled onto the CT grid/);
  });

  it("puts `sentinel convert`'s NIfTI of each series in imagesTr: same voxels, same geometry, pydicom's grid", async () => {
    for (const c of ['half', 'nrrd', 'seg']) {
      const image = await readNifti(join(liverOnly, 'imagesTr', `${c}_0000.nii.gz`));
      const converted = await readNifti(join(conv, c, 'ct.nii.gz'));
      expect(image.header.datatype, c).toBe(converted.header.datatype);
      expect(image.volume.grid.dims, c).toEqual(converted.volume.grid.dims);
      expect(image.volume.grid.spacing, c).toEqual(converted.volume.grid.spacing);
      expect(image.volume.grid.affine, c).toEqual(converted.volume.grid.affine);
      expect(Buffer.from(image.volume.data.buffer).equals(Buffer.from(converted.volume.data.buffer)), c).toBe(true);
      // The grid pydicom computes from the series' IPP/IOP (file order; the export is in closest-RAS order).
      const ref = { dims: REF.ct_grid.dims as [number, number, number], spacing: REF.series.full.spacing as [number, number, number], affine: REF.ct_grid.affine };
      expect(sameGrid(image.volume.grid, ref).same, c).toBe(true);
      let sum = 0;
      for (const v of image.volume.data) sum += v;
      expect(sum, c).toBe(REF.series.full.sum);
    }
  });

  it('writes no patient identifier of the DICOM headers into the images', async () => {
    for (const c of ['nrrd', 'seg']) {
      const raw = gunzipSync(await readFile(join(liverOnly, 'imagesTr', `${c}_0000.nii.gz`)));
      expect(raw.includes(Buffer.from('JANCT000')), c).toBe(false);
    }
  });

  it("gives labelsTr each case's liver voxels on the image's grid (numpy counts), voxel for voxel with the conversion", async () => {
    const expected: Record<string, number> = { nrrd: REF.labels_on_ct.liver.count, seg: REF.labels_on_ct.liver.count, half: REF.resampled_half_on_ct.count };
    expect(expected.nrrd).toBe(107_098);
    for (const [c, n] of Object.entries(expected)) {
      const map = await readNifti(join(liverOnly, 'labelsTr', `${c}.nii.gz`));
      const image = await readNifti(join(liverOnly, 'imagesTr', `${c}_0000.nii.gz`));
      expect(map.volume.grid.affine, c).toEqual(image.volume.grid.affine);
      expect(count(map.volume.data, 1), c).toBe(n);
      const mask = (await readNifti(join(conv, c, 'segmentations', 'liver.nii.gz'))).volume.data;
      let differ = 0;
      for (let i = 0; i < mask.length; i++) if ((map.volume.data[i] === 1) !== mask[i] > 0) differ++;
      expect(differ, c).toBe(0);
    }
    const rows = parseCsv(await readFile(join(liverOnly, 'included.csv'), 'utf8')).filter((r) => r.length > 1);
    expect(rows.slice(1).map((r) => [r[0], r[1], r[5], r[6]])).toEqual([
      ['half', 'liver', String(REF.resampled_half_on_ct.count), '0'],
      ['nrrd', 'liver', '107098', '0'],
      ['seg', 'liver', '107098', '0'],
    ]);
  });

  it('keeps overlapping voxels with the first organ: the "heart" loses the 522 voxels it shares with the liver', async () => {
    const check = await checkNnunetRaw(liverHeart);
    expect(check.problems).toEqual([]);
    expect(check.cases).toEqual(['nrrd']);
    const map = await readNifti(join(liverHeart, 'labelsTr', 'nrrd.nii.gz'));
    expect(count(map.volume.data, 1)).toBe(REF.labels_on_ct.liver.count);
    expect(count(map.volume.data, 2)).toBe(REF.labels_on_ct.heart.count - REF.labels_on_ct.liver_and_heart.count);
    const excluded = parseCsv(await readFile(join(liverHeart, 'excluded.csv'), 'utf8')).filter((r) => r.length > 1);
    expect(excluded.slice(1).map((r) => r[0]).sort()).toEqual(['half', 'seg']);
    expect(excluded.slice(1).every((r) => /heart: no label/.test(r[1]))).toBe(true);
    const rows = parseCsv(await readFile(join(liverHeart, 'included.csv'), 'utf8')).filter((r) => r.length > 1);
    expect(rows.find((r) => r[1] === 'heart')?.[6]).toBe(String(REF.labels_on_ct.liver_and_heart.count));
  });
});
