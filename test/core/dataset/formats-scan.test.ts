/**
 * The scan of datasets whose CTs are DICOM series (a ct/ folder, one slice without .dcm) and whose masks are NRRD,
 * DICOM SEG or NIfTI on the series' dcm2niix-style LAS grid, and the grid rule (dataset/grid-rule.ts) on real
 * headers: same grid after reorientation, resampled, mismatch.
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judgeGrid, scanDataset, type DatasetManifest, type LabelEntry } from '../../../src/core/dataset';
import { readVolumeFile } from '../../../src/core/formats';
import { readNiftiHeader, reorient, toCanonical, writeNifti } from '../../../src/core/nifti';
import type { Grid } from '../../../src/core/volume';
import { buildFormatsDataset, CT_SLICES, DCMQI, LIVER_HALF, makeCase, SLICER, SLICER_LAYERS } from '../formats-dataset';

let tmp = '';
let root = '';
let m: DatasetManifest;

const label = (caseId: string, organ: string): LabelEntry => {
  const l = m.cases.find((c) => c.id === caseId)?.labels.find((x) => x.organ === organ);
  if (!l) throw new Error(`no ${caseId}/${organ}`);
  return l;
};

/** The liver mask as a NIfTI on the series' grid stored LAS, as dcm2niix stores a conversion of it. */
async function writeLasLiver(file: string, shiftMm = 0): Promise<Grid> {
  const canonical = toCanonical((await readVolumeFile(join(DCMQI, 'liver_seg.nrrd'))).volume).volume;
  const las = reorient(canonical, { perm: [0, 1, 2], flip: [true, false, false] });
  const grid = { ...las.grid, affine: las.grid.affine.map((v, i) => (i === 3 ? v + shiftMm : v)) };
  await writeNifti(file, { volume: { grid, data: las.data } });
  return grid;
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'sentinel-formats-scan-'));
  root = await buildFormatsDataset(tmp);
  // The NIfTI conversion's mask over the DICOM series, a downsampled mask, a shifted copy, one far away.
  await makeCase(join(root, 'las'), {});
  await writeLasLiver(join(root, 'las/segmentations/liver.nii.gz'));
  await makeCase(join(root, 'half'), { 'liver.nrrd': LIVER_HALF });
  await makeCase(join(root, 'shifted'), {});
  await writeLasLiver(join(root, 'shifted/segmentations/liver.nii.gz'), 10);
  await makeCase(join(root, 'outside'), {});
  await writeLasLiver(join(root, 'outside/segmentations/liver.nii.gz'), 1000);
  // A DICOM SEG without extension, a note and an unknown file beside it: only the SEG is a mask.
  await makeCase(join(root, 'bare'), { liver: join(DCMQI, 'liver.dcm') });
  await writeFile(join(root, 'bare/segmentations/notes.txt'), 'not a mask\n');
  await writeFile(join(root, 'bare/segmentations/README'), 'not a mask either\n');
  // Slicer segmentations: several named segments per file, once side by side and once in overlapping layers.
  await makeCase(join(root, 'slicer'), { 'segmentation.seg.nrrd': SLICER, 'layers.seg.nrrd': SLICER_LAYERS });
  m = await scanDataset(root);
}, 60_000);

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('scan of DICOM series with NRRD and DICOM SEG masks', () => {
  it('finds the ct/ series and the masks of every format, with header-level statuses', () => {
    expect(m.layout).toBe('totalsegmentator');
    expect(m.cases.map((c) => c.id)).toEqual(['bare', 'half', 'las', 'nrrd', 'outside', 'seg', 'shifted', 'slicer']);
    expect(m.issues.filter((i) => i.severity === 'error')).toEqual([]);
    const nrrd = m.cases.find((c) => c.id === 'nrrd');
    expect(nrrd?.ct.path).toBe('nrrd/ct');
    expect(nrrd?.ct.grid?.dims).toEqual([512, 512, 3]);
    expect(nrrd?.labels.map((l) => [l.organ, l.source.path, l.status])).toEqual([
      ['heart', 'nrrd/segmentations/heart.nrrd', 'ok'],
      ['liver', 'nrrd/segmentations/liver.nrrd', 'ok'],
      ['spine', 'nrrd/segmentations/spine.nrrd', 'unmapped'],
    ]);
    expect(label('nrrd', 'liver').message).toBeUndefined();
    expect(label('seg', 'liver')).toMatchObject({ source: { kind: 'file', path: 'seg/segmentations/liver.dcm' }, status: 'ok' });
    expect(label('seg', 'liver').message).toBeUndefined();
  });

  it('lists each segment of a multi-segment file as a label named by the segment, file#value', () => {
    const slicer = m.cases.find((c) => c.id === 'slicer');
    expect(slicer?.labels.map((l) => [l.organ, l.source])).toEqual([
      ['Liver', { kind: 'multilabel', path: 'slicer/segmentations/layers.seg.nrrd', value: 1 }],
      ['Heart', { kind: 'multilabel', path: 'slicer/segmentations/layers.seg.nrrd', value: 2 }],
      ['Liver', { kind: 'multilabel', path: 'slicer/segmentations/segmentation.seg.nrrd', value: 1 }],
      ['Thoracic spine', { kind: 'multilabel', path: 'slicer/segmentations/segmentation.seg.nrrd', value: 2 }],
    ]);
    expect(slicer?.labels.filter((l) => l.organ !== 'Thoracic spine').every((l) => l.status === 'ok')).toBe(true);
  });

  it('recognises a DICOM SEG by its preamble when its name has no extension, and nothing else', () => {
    const bare = m.cases.find((c) => c.id === 'bare');
    expect(bare?.labels.map((l) => [l.organ, l.source.path, l.status])).toEqual([['liver', 'bare/segmentations/liver', 'ok']]);
  });

  it('takes a mask on the dcm2niix-style LAS NIfTI of the series as the same grid, not a mismatch', async () => {
    const las = await readNiftiHeader(join(root, 'las/segmentations/liver.nii.gz'));
    expect(las.grid.affine[0]).toBeLessThan(0); // stored LAS indeed (voxel i runs to the left)
    const ct = m.cases.find((c) => c.id === 'las')?.ct.grid as Grid;
    // ... and in another voxel order than the series itself, so only the reorientation makes them equal.
    const signs = (g: Grid): number[] => [0, 5, 10].map((i) => Math.sign(g.affine[i]));
    expect(signs(las.grid)).not.toEqual(signs(ct));
    expect(judgeGrid(las.grid, ct)).toEqual({ kind: 'same' });
    expect(label('las', 'liver')).toMatchObject({ status: 'ok' });
    expect(label('las', 'liver').message).toBeUndefined();
  });

  it('resamples a downsampled mask with a warning, and keeps shifted or outside masks as mismatches', () => {
    const half = label('half', 'liver');
    expect(half.status).toBe('ok');
    expect(half.message).toMatch(/resampled onto the CT grid, nearest neighbour/);
    expect(half.message).toMatch(/dims 256x256x3 vs 512x512x3/);
    const shifted = label('shifted', 'liver');
    expect(shifted.status).toBe('grid_mismatch');
    expect(shifted.message).toMatch(/origin differs by 10 mm/);
    const outside = label('outside', 'liver');
    expect(outside.status).toBe('grid_mismatch');
    expect(outside.message).toMatch(/outside the CT/);
  });

  it('reads a case whose CT folder holds the series files under any names, and never writes', async () => {
    const before = await readFile(join(CT_SLICES, '03'));
    expect(before.subarray(128, 132).toString('latin1')).toBe('DICM');
    const copy = join(tmp, 'single');
    await mkdir(copy, { recursive: true });
    await cp(join(root, 'nrrd'), copy, { recursive: true });
    const single = await scanDataset(copy);
    expect(single.singleCase).toBe(true);
    expect(single.cases[0].ct.path).toBe('ct');
    expect(single.cases[0].labels.map((l) => l.status)).toEqual(['ok', 'ok', 'unmapped']);
  });
});
