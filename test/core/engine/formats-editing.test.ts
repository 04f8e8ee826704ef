/**
 * Editing labels stored as NRRD and DICOM SEG over a DICOM series CT, through the Engine: loadLabel puts the CT and
 * the mask on the series' closest-RAS grid, saveMask writes the file back in its own format (atomic write, the
 * version before in the history), the bytes read back equal the edit, revert restores the original bytes, and a
 * downsampled mask is edited on the CT's grid and saved on its own, changing only what the edit touched.
 */
import { readFile, readdir, rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../src/core/engine/engine';
import { detectVolumeFormat, readSegmentMask, readVolumeInfo, readVolumeFile } from '../../../src/core/formats';
import { toCanonical } from '../../../src/core/nifti';
import type { LabelVolumes } from '../../../src/shared/api';
import { buildFormatsDataset, LIVER_HALF, makeCase, NRRD_DIR, SLICER_LAYERS } from '../formats-dataset';
import { TINY } from './fixtures';

const LIVER = 'nrrd/segmentations/liver.nrrd';
const HEART = 'nrrd/segmentations/heart.nrrd';
const SEG = 'seg/segmentations/liver.dcm';
const HALF = 'half/segmentations/liver.nrrd';
const LAYERS = 'slicer/segmentations/layers.seg.nrrd';

/** The file's label as 0/1 in closest-RAS order, read back by core/formats. */
async function canonicalMask(file: string): Promise<{ data: Uint8Array; dims: number[]; values: Set<number> }> {
  const v = toCanonical((await readVolumeFile(file)).volume).volume;
  return { data: Uint8Array.from(v.data, (x) => (x > 0 ? 1 : 0)), dims: v.grid.dims, values: new Set(v.data) };
}

/** Sets a box [i0,i1)×[j0,j1) on slice k to `value` in a closest-RAS mask of dims `d`. */
function paintBox(mask: Uint8Array, d: number[], box: [number, number, number, number, number], value: 0 | 1): Uint8Array {
  const out = mask.slice();
  const [i0, i1, j0, j1, k] = box;
  for (let j = j0; j < j1; j++) for (let i = i0; i < i1; i++) out[i + j * d[0] + k * d[0] * d[1]] = value;
  return out;
}

const count = (m: Uint8Array): number => m.reduce((a, v) => a + v, 0);

describe('Engine: editing NRRD and DICOM SEG labels over a DICOM series', () => {
  let tmp = '';
  let root = '';
  let engine: Engine;

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'sentinel-formats-edit-'));
    root = await buildFormatsDataset(tmp);
    await makeCase(join(root, 'half'), { 'liver.nrrd': LIVER_HALF });
    await makeCase(join(root, 'slicer'), { 'layers.seg.nrrd': SLICER_LAYERS });
    await makeCase(join(root, 'nhdr'), { 'liver.nhdr': join(NRRD_DIR, 'liver_ras_flipped.nhdr'), 'liver_ras_flipped.raw.gz': join(NRRD_DIR, 'liver_ras_flipped.raw.gz') });
    engine = new Engine({ modelPath: TINY, executionProviders: ['cpu'], threads: 1, workspacesDir: join(tmp, 'workspaces') });
    await engine.openProject(root);
  }, 60_000);

  afterAll(async () => {
    await engine?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('saves an NRRD label as NRRD, with the original in the history, and reads back the edit exactly; revert restores it', async () => {
    const original = await readFile(join(root, LIVER));
    const loaded: LabelVolumes = await engine.loadLabel({ root, caseId: 'nrrd', labelPath: LIVER });
    const d = loaded.geometry.dims;
    expect(d).toEqual([512, 512, 3]);
    expect(Array.from(loaded.mask)).toEqual(Array.from((await canonicalMask(join(root, LIVER))).data));
    expect(count(loaded.mask)).toBe(107_098);
    expect(loaded.contextNames).toEqual(['heart', 'spine']);

    const edited = paintBox(paintBox(loaded.mask, d, [20, 60, 30, 50, 1], 1), d, [0, 512, 0, 256, 2], 0);
    const r = await engine.saveMask({ root, caseId: 'nrrd', labelPath: LIVER, mask: edited, annotator: 'alice', baseVersion: loaded.version });
    expect(r).toMatchObject({ savedTo: LIVER, inWorkspace: false, changed: true });

    const bytes = await readFile(join(root, LIVER));
    expect(bytes.subarray(0, 8).toString('latin1')).toBe('NRRD0004');
    expect(await detectVolumeFormat(join(root, LIVER))).toBe('nrrd');
    const back = await canonicalMask(join(root, LIVER));
    expect(back.dims).toEqual(d);
    expect(Buffer.from(back.data).equals(Buffer.from(edited))).toBe(true);
    expect([...back.values].sort()).toEqual([0, 1]);

    const history = await engine.listHistory({ root, caseId: 'nrrd', labelPath: LIVER });
    expect(history.map((h) => [h.kind, h.annotator, h.current])).toEqual([['save', 'alice', true], ['original', null, false]]);
    const dir = join(root, '.sentinel/history/nrrd/segmentations/liver.nrrd');
    const kept = (await readdir(dir)).filter((n) => n.endsWith('.nrrd'));
    expect(kept).toHaveLength(1);
    expect(Buffer.compare(await readFile(join(dir, kept[0])), original)).toBe(0);

    const reverted = await engine.revert({ root, caseId: 'nrrd', labelPath: LIVER, version: history[1].version, annotator: 'alice' });
    expect(reverted.changed).toBe(true);
    expect(Buffer.compare(await readFile(join(root, LIVER)), original)).toBe(0);
  });

  it('keeps the value a binary NRRD mask marks its voxels with (3 for the "heart")', async () => {
    const loaded = await engine.loadLabel({ root, caseId: 'nrrd', labelPath: HEART });
    const edited = paintBox(loaded.mask, loaded.geometry.dims, [200, 210, 200, 210, 0], 1);
    await engine.saveMask({ root, caseId: 'nrrd', labelPath: HEART, mask: edited, annotator: 'bob', baseVersion: loaded.version });
    const back = await canonicalMask(join(root, HEART));
    expect([...back.values].sort()).toEqual([0, 3]);
    expect(Buffer.from(back.data).equals(Buffer.from(edited))).toBe(true);
  });

  it('saves a DICOM SEG label as a DICOM SEG that reads back as the edit', async () => {
    const loaded = await engine.loadLabel({ root, caseId: 'seg', labelPath: SEG });
    expect(count(loaded.mask)).toBe(107_098);
    const edited = paintBox(loaded.mask, loaded.geometry.dims, [0, 512, 300, 512, 0], 0);
    expect(count(edited)).toBeLessThan(count(loaded.mask));
    const r = await engine.saveMask({ root, caseId: 'seg', labelPath: SEG, mask: edited, annotator: 'carol', baseVersion: loaded.version });
    expect(r.changed).toBe(true);
    expect(await detectVolumeFormat(join(root, SEG))).toBe('dicom-seg');
    const again = await engine.loadLabel({ root, caseId: 'seg', labelPath: SEG });
    expect(Buffer.from(again.mask).equals(Buffer.from(edited))).toBe(true);
    expect(again.version).toBe(r.version);
  });

  it('saves one segment of a Slicer file whose segments overlap, leaving the other segment as it was', async () => {
    const file = join(root, LAYERS);
    const liverBefore = Uint8Array.from((await readSegmentMask(file, 1)).data);
    const loaded = await engine.loadLabel({ root, caseId: 'slicer', labelPath: `${LAYERS}#2` });
    expect(loaded.organ).toBe('Heart');
    expect(count(loaded.mask)).toBe(41_449);
    const edited = paintBox(loaded.mask, loaded.geometry.dims, [0, 512, 0, 512, 0], 0);
    const r = await engine.saveMask({ root, caseId: 'slicer', labelPath: `${LAYERS}#2`, mask: edited, annotator: 'erin', baseVersion: loaded.version });
    expect(r).toMatchObject({ changed: true, takenFrom: [] });
    const info = await readVolumeInfo(file);
    expect([info.format, info.overlapping, [...(info.labelTable ?? new Map()).values()].map((s) => s.name)]).toEqual(['seg-nrrd', true, ['Liver', 'Heart']]);
    const again = await engine.loadLabel({ root, caseId: 'slicer', labelPath: `${LAYERS}#2` });
    expect(Buffer.from(again.mask).equals(Buffer.from(edited))).toBe(true);
    expect(Buffer.from((await readSegmentMask(file, 1)).data).equals(Buffer.from(liverBefore))).toBe(true);
  });

  it('opens a detached NRRD header (.nhdr + data file) but refuses to save it, writing nothing', async () => {
    const file = join(root, 'nhdr/segmentations/liver.nhdr');
    const before = await readFile(file);
    const loaded = await engine.loadLabel({ root, caseId: 'nhdr', labelPath: 'nhdr/segmentations/liver.nhdr' });
    expect(count(loaded.mask)).toBe(107_098);
    const edited = paintBox(loaded.mask, loaded.geometry.dims, [0, 10, 0, 10, 0], 1);
    await expect(engine.saveMask({ root, caseId: 'nhdr', labelPath: 'nhdr/segmentations/liver.nhdr', mask: edited, annotator: 'x', baseVersion: loaded.version }))
      .rejects.toThrow(/detached NRRD header/);
    expect(Buffer.compare(await readFile(file), before)).toBe(0);
  });

  it('edits a downsampled mask on the CT grid and saves it on its own grid, changing only the voxels the edit touched', async () => {
    const before = await canonicalMask(join(root, HALF));
    expect(before.dims).toEqual([256, 256, 3]);
    const loaded = await engine.loadLabel({ root, caseId: 'half', labelPath: HALF });
    expect(loaded.geometry.dims).toEqual([512, 512, 3]);
    // A box aligned on pairs of CT voxels covers whole voxels of the half-resolution file: [100,140) → [50,70).
    const edited = paintBox(loaded.mask, loaded.geometry.dims, [100, 140, 100, 140, 1], 1);
    await engine.saveMask({ root, caseId: 'half', labelPath: HALF, mask: edited, annotator: 'dan', baseVersion: loaded.version });
    const after = await canonicalMask(join(root, HALF));
    expect(after.dims).toEqual([256, 256, 3]);
    const expected = paintBox(before.data, before.dims, [50, 70, 50, 70, 1], 1);
    expect(Buffer.from(after.data).equals(Buffer.from(expected))).toBe(true);
  });
});
