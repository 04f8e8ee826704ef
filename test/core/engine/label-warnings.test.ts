/**
 * loadLabel's warnings: what the editor shows about how a label is displayed. A downsampled NRRD liver is resampled
 * onto the DICOM series' grid (the grid rule's message; its voxel count is numpy's, reference.json), a segment of a
 * Slicer file whose layers overlap is shown whole, a mask file holding two foreground values is shown as "> 0", and
 * a plain mask on the CT's grid has no warnings at all.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../src/core/engine/engine';
import { buildFormatsDataset, DCMQI, LIVER_HALF, makeCase, SLICER_LAYERS } from '../formats-dataset';
import { REF } from '../formats/helpers';
import { TINY } from './fixtures';

let tmp = '';
let root = '';
let engine: Engine;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'sentinel-label-warnings-'));
  root = await buildFormatsDataset(tmp);
  await makeCase(join(root, 'half'), { 'liver.nrrd': LIVER_HALF });
  await makeCase(join(root, 'slicer'), { 'layers.seg.nrrd': SLICER_LAYERS });
  // dcmqi's liver + spine map (values 1 and 2) stored as if it were one organ's mask.
  await makeCase(join(root, 'twovalues'), { 'liver.nrrd': join(DCMQI, 'liver_spine_seg.nrrd') });
  engine = new Engine({ modelPath: TINY, executionProviders: ['cpu'], threads: 1, workspacesDir: join(tmp, 'workspaces') });
  await engine.openProject(root);
}, 60_000);

afterAll(async () => {
  await engine?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const load = (caseId: string, labelPath: string) => engine.loadLabel({ root, caseId, labelPath });

describe('loadLabel warnings', () => {
  it('says a downsampled mask is shown resampled onto the CT grid', async () => {
    const v = await load('half', 'half/segmentations/liver.nrrd');
    expect(v.geometry.dims).toEqual([512, 512, 3]);
    expect(v.mask.reduce((a, x) => a + x, 0)).toBe(REF.resampled_half_on_ct.count);
    expect(v.warnings).toHaveLength(1);
    expect(v.warnings?.[0]).toMatch(/^mask grid differs from the CT's \(dims 256x256x3 vs 512x512x3.*\): resampled onto the CT grid, nearest neighbour/);
  });

  it('has none for a binary mask on the CT grid, from NRRD or DICOM SEG', async () => {
    expect((await load('nrrd', 'nrrd/segmentations/liver.nrrd')).warnings).toBeUndefined();
    expect((await load('seg', 'seg/segmentations/liver.dcm')).warnings).toBeUndefined();
  });

  it('says a segment of a file whose segments overlap is shown whole', async () => {
    const v = await load('slicer', 'slicer/segmentations/layers.seg.nrrd#1');
    expect(v.warnings).toEqual([
      'the segments of slicer/segmentations/layers.seg.nrrd overlap: this segment is shown and saved whole, the other segments keep their voxels',
    ]);
  });

  it('says a mask file with two foreground values is shown with every voxel > 0 inside', async () => {
    const v = await load('twovalues', 'twovalues/segmentations/liver.nrrd');
    expect(v.warnings).toEqual(['the mask is not binary (values 1 and 2): every voxel > 0 counts as inside']);
    expect(v.mask.reduce((a, x) => a + x, 0)).toBe(REF.labels_on_ct.liver.count + REF.labels_on_ct.spine.count);
  });
});
