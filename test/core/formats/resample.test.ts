/**
 * Masks on another grid than the CT: nearest-neighbour resampling against numpy's (tools/golden/formats_fixtures.py
 * resamples by world coordinates, without shortcuts), and the same grid in another voxel order moved losslessly.
 */
import { describe, expect, it } from 'vitest';
import { readSegmentMask, readVolumeFile, readVolumeInfo, resampleNearest } from '../../../src/core/formats';
import type { Grid } from '../../../src/core/volume';
import { binary, count, fixture, REF, weightedChecksum } from './helpers';

function ctGrid(): Grid {
  const a = REF.ct_grid.affine;
  return { dims: REF.ct_grid.dims as Grid['dims'], spacing: [0, 1, 2].map((c) => Math.hypot(a[c], a[4 + c], a[8 + c])) as Grid['spacing'], affine: a };
}

describe('resampling onto the CT grid', () => {
  it('resamples a half-resolution liver mask to the CT grid as numpy does, with a warning', async () => {
    const path = fixture('nrrd/liver_half.nrrd');
    const info = await readVolumeInfo(path, { referenceGrid: ctGrid() });
    expect(info.resampled).toBe(true);
    expect(info.fileGrid.dims).toEqual([256, 256, 3]);
    expect(info.grid).toEqual(ctGrid());
    expect(info.warnings.join(' ')).toMatch(/resampled by nearest neighbour when read/);
    const f = await readVolumeFile(path, { referenceGrid: ctGrid() });
    expect(f.grid).toEqual(ctGrid());
    expect(count(f.volume.data)).toBe(REF.resampled_half_on_ct.count);
    expect(weightedChecksum(f.volume.data)).toBe(REF.resampled_half_on_ct.checksum);
    expect(f.warnings.join(' ')).toMatch(/256x256x3 at 1\.621x1\.621x1 mm\) differs from the image's \(512x512x3 at 0\.811x0\.811x1 mm\): resampled by nearest neighbour/);
    const m = await readSegmentMask(path, 1, { referenceGrid: ctGrid() });
    expect(weightedChecksum(m.data)).toBe(REF.resampled_half_on_ct.checksum);
  });

  it('moves a mask stored in another voxel order onto the CT order losslessly, without a warning', async () => {
    const flipped = await readVolumeFile(fixture('nrrd/liver_ras_flipped.nhdr'), { referenceGrid: ctGrid() });
    // Same world grid: not resampled, and left in the file's own order (callers canonicalise).
    expect(flipped.resampled).toBe(false);
    expect(flipped.warnings).toEqual([]);
    const r = resampleNearest(flipped.volume, ctGrid());
    expect(r.warning).toBeNull();
    expect(r.volume.grid).toEqual(ctGrid());
    expect(weightedChecksum(binary(r.volume.data))).toBe(REF.labels_on_ct.liver.checksum);
  });

  it('keeps the voxel type, leaves uncovered target voxels 0, and maps a shifted grid by whole voxels', () => {
    const src = { grid: { dims: [4, 1, 1], spacing: [1, 1, 1], affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] } as Grid, data: new Int16Array([1, 2, 3, 4]) };
    // Target: 6 voxels of 1 mm starting 2 mm to the left: voxels 0–1 fall outside the source.
    const target: Grid = { dims: [6, 1, 1], spacing: [1, 1, 1], affine: [1, 0, 0, -2, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] };
    const r = resampleNearest(src, target);
    expect(r.volume.data).toBeInstanceOf(Int16Array);
    expect([...r.volume.data]).toEqual([0, 0, 1, 2, 3, 4]);
    expect(r.warning).toMatch(/resampled by nearest neighbour/);
  });
});
