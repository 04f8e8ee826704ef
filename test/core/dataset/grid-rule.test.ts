/** The grid rule on hand-made grids: same after reorientation, resampled, mismatch (shifted, outside). */
import { describe, expect, it } from 'vitest';
import { boxesOverlap, judgeGrid } from '../../../src/core/dataset';
import type { Grid } from '../../../src/core/volume';

/** 100×80×20 voxels of 1×1×2.5 mm, RAS, origin (−50, −40, 0). */
const CT: Grid = { dims: [100, 80, 20], spacing: [1, 1, 2.5], affine: [1, 0, 0, -50, 0, 1, 0, -40, 0, 0, 2.5, 0, 0, 0, 0, 1] };

describe('judgeGrid', () => {
  it('takes the same voxels stored LAS, or LPS as a DICOM series is, as the same grid', () => {
    const las: Grid = { ...CT, affine: [-1, 0, 0, 49, 0, 1, 0, -40, 0, 0, 2.5, 0, 0, 0, 0, 1] };
    const lps: Grid = { ...CT, affine: [-1, 0, 0, 49, 0, -1, 0, 39, 0, 0, 2.5, 0, 0, 0, 0, 1] };
    expect(judgeGrid(CT, CT)).toEqual({ kind: 'same' });
    expect(judgeGrid(las, CT)).toEqual({ kind: 'same' });
    expect(judgeGrid(lps, CT)).toEqual({ kind: 'same' });
  });

  it('resamples another resolution or a crop that overlaps the CT', () => {
    const half: Grid = { dims: [50, 40, 20], spacing: [2, 2, 2.5], affine: [2, 0, 0, -49.5, 0, 2, 0, -39.5, 0, 0, 2.5, 0, 0, 0, 0, 1] };
    const crop: Grid = { dims: [30, 30, 10], spacing: [1, 1, 2.5], affine: [1, 0, 0, -20, 0, 1, 0, -10, 0, 0, 2.5, 5, 0, 0, 0, 1] };
    expect(judgeGrid(half, CT)).toEqual({ kind: 'resample', reason: 'dims 50x40x20 vs 100x80x20' });
    expect(judgeGrid(crop, CT).kind).toBe('resample');
  });

  it('keeps the CT sampling moved elsewhere, and a grid outside the CT, as mismatches', () => {
    const shifted: Grid = { ...CT, affine: CT.affine.map((v, i) => (i === 3 ? v + 10 : v)) };
    expect(judgeGrid(shifted, CT)).toEqual({ kind: 'mismatch', reason: 'origin differs by 10 mm' });
    const far: Grid = { dims: [10, 10, 10], spacing: [1, 1, 1], affine: [1, 0, 0, 500, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] };
    expect(judgeGrid(far, CT)).toMatchObject({ kind: 'mismatch', reason: expect.stringMatching(/outside the CT$/) });
  });

  it('counts boxes that only touch as not overlapping', () => {
    // CT x from -50.5 to 49.5; this one from 49.5 to 59.5.
    const beside: Grid = { dims: [10, 80, 20], spacing: [1, 1, 2.5], affine: [1, 0, 0, 50, 0, 1, 0, -40, 0, 0, 2.5, 0, 0, 0, 0, 1] };
    expect(boxesOverlap(beside, CT)).toBe(false);
    expect(boxesOverlap({ ...beside, affine: beside.affine.map((v, i) => (i === 3 ? 49 : v)) }, CT)).toBe(true);
  });
});
