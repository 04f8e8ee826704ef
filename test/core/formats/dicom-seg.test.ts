/**
 * DICOM SEG read against numpy (tools/golden/formats_fixtures.py) and against the other formats: dcmqi's liver SEG
 * gives exactly the voxels of its NRRD and of a NIfTI copy; a pydicom-written fractional SEG thresholds at half the
 * maximum; overlapping segments are flagged and each reads whole; frames off the reference grid are resampled.
 */
import { describe, expect, it } from 'vitest';
import { readSegmentMask, readVolumeFile, readVolumeInfo } from '../../../src/core/formats';
import type { Grid } from '../../../src/core/volume';
import { binary, canonical, count, fixture, maxAbsDiff, REF, sameVoxels, weightedChecksum } from './helpers';

/** The CT series' grid as numpy derived it from the slices' IPP/IOP. */
function ctGrid(): Grid {
  const a = REF.ct_grid.affine;
  const spacing = [0, 1, 2].map((c) => Math.hypot(a[c], a[4 + c], a[8 + c])) as Grid['spacing'];
  return { dims: REF.ct_grid.dims as Grid['dims'], spacing, affine: a };
}

function cropGrid(): Grid {
  const a = REF.series.crop.affine;
  const spacing = [0, 1, 2].map((c) => Math.hypot(a[c], a[4 + c], a[8 + c])) as Grid['spacing'];
  return { dims: REF.series.crop.dims as Grid['dims'], spacing, affine: a };
}

describe('DICOM SEG', () => {
  it('reads dcmqi liver.dcm: one segment, its name and colour (CIELab → the RGB Slicer uses for liver)', async () => {
    const info = await readVolumeInfo(fixture('dcmqi/liver.dcm'), { referenceGrid: ctGrid() });
    expect(info.format).toBe('dicom-seg');
    expect(info.overlapping).toBe(false);
    expect(info.resampled).toBe(false);
    expect(REF.dcmqi_seg.cielab[0]).toEqual([41661, 41167, 40792]);
    expect([...info.labelTable!.entries()]).toEqual([[1, { name: 'Liver', rgb: [221, 130, 101] }]]);
    expect(info.grid).toEqual(ctGrid());
  });

  it('gives the same liver voxels from NRRD, DICOM SEG and NIfTI', async () => {
    const ref = ctGrid();
    const fromNrrd = await readVolumeFile(fixture('dcmqi/liver_seg.nrrd'), { referenceGrid: ref });
    const fromSeg = await readVolumeFile(fixture('dcmqi/liver.dcm'), { referenceGrid: ref });
    const fromNifti = await readVolumeFile(fixture('nifti/liver.nii.gz'), { referenceGrid: ref });
    for (const f of [fromNrrd, fromSeg, fromNifti]) {
      expect(f.resampled).toBe(false);
      expect(f.warnings).toEqual([]);
    }
    const masks = [fromNrrd, fromSeg, fromNifti].map((f) => canonical({ grid: f.grid, data: binary(f.volume.data) }));
    expect(maxAbsDiff(masks[1].grid.affine, masks[0].grid.affine)).toBeLessThan(1e-4);
    expect(maxAbsDiff(masks[2].grid.affine, masks[0].grid.affine)).toBeLessThan(1e-4);
    expect(sameVoxels(masks[0].data, masks[1].data)).toBe(true);
    expect(sameVoxels(masks[0].data, masks[2].data)).toBe(true);
    // And in the CT's own voxel order, the numpy reference.
    expect(weightedChecksum(binary(fromSeg.volume.data))).toBe(REF.labels_on_ct.liver.checksum);
    expect(count(fromSeg.volume.data)).toBe(REF.labels_on_ct.liver.count);
  });

  it('stacks the frames on their own grid when no reference grid is given (here: the CT grid again)', async () => {
    const f = await readVolumeFile(fixture('dcmqi/liver.dcm'));
    expect(f.grid.dims).toEqual(REF.ct_grid.dims);
    expect(maxAbsDiff(f.grid.affine, REF.ct_grid.affine)).toBeLessThan(1e-4);
    expect(weightedChecksum(binary(f.volume.data))).toBe(REF.labels_on_ct.liver.checksum);
  });

  it('thresholds a fractional SEG at half of Maximum Fractional Value (127 of 255 out, 128 in)', async () => {
    const f = await readVolumeFile(fixture(REF.fractional.file), { referenceGrid: cropGrid() });
    expect(f.resampled).toBe(false);
    expect(count(f.volume.data)).toBe(REF.fractional.count);
    expect(weightedChecksum(binary(f.volume.data))).toBe(REF.fractional.checksum);
    expect(f.warnings.join(' ')).toMatch(/at least half of 255/);
    const m = await readSegmentMask(fixture(REF.fractional.file), 1, { referenceGrid: cropGrid() });
    expect(weightedChecksum(m.data)).toBe(REF.fractional.checksum);
  });

  it('flags overlapping segments; the label map keeps the higher number, each segment reads whole', async () => {
    const path = fixture(REF.seg_overlap.file);
    const ref = ctGrid();
    const info = await readVolumeInfo(path, { referenceGrid: ref });
    expect(info.overlapping).toBe(true);
    expect([...info.labelTable!.keys()]).toEqual([1, 2]);
    const f = await readVolumeFile(path, { referenceGrid: ref });
    expect(f.warnings.join(' ')).toMatch(/segments overlap \(1&2; 522 voxels\)/);
    expect(count(f.volume.data, (v) => v === 2)).toBe(REF.labels_on_ct.heart.count);
    expect(count(f.volume.data, (v) => v === 1)).toBe(REF.labels_on_ct.liver.count - REF.labels_on_ct.liver_and_heart.count);
    expect(weightedChecksum((await readSegmentMask(path, 1, { referenceGrid: ref })).data)).toBe(REF.labels_on_ct.liver.checksum);
    expect(weightedChecksum((await readSegmentMask(path, 2, { referenceGrid: ref })).data)).toBe(REF.labels_on_ct.heart.checksum);
    await expect(readSegmentMask(path, 3)).rejects.toThrow(/no segment number 3/);
  });

  it('resamples frames that do not lie on the reference grid, with a warning', async () => {
    // The crop grid shifted by half a voxel in i: no frame pixel lands on a voxel centre.
    const g = cropGrid();
    const shifted: Grid = { ...g, affine: g.affine.map((x, i) => (i === 3 ? x + 0.5 * g.affine[0] : x)) };
    const info = await readVolumeInfo(fixture(REF.fractional.file), { referenceGrid: shifted });
    expect(info.resampled).toBe(true);
    expect(info.grid).toEqual(shifted);
    const f = await readVolumeFile(fixture(REF.fractional.file), { referenceGrid: shifted });
    expect(f.resampled).toBe(true);
    expect(f.warnings.join(' ')).toMatch(/resampled by nearest neighbour/);
    expect(f.grid).toEqual(shifted);
  });
});
