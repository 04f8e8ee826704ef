import { describe, expect, it } from 'vitest';
import { EditRecorder, ToolError, interpolateSlices, sliceFrame, type SliceAxis } from '../../../src/renderer/src/tools';
import { emptyMask, grid, pixel, sameArray, slicePixels } from './helpers';

type Disc = { cu: number; cv: number; r: number };

function paintDisc(mask: Uint8Array, g: ReturnType<typeof grid>, axis: SliceAxis, s: number, d: Disc): void {
  const f = sliceFrame(g, axis, s);
  for (let v = 0; v < f.height; v++) {
    for (let u = 0; u < f.width; u++) {
      if (((u - d.cu) * f.spacingU) ** 2 + ((v - d.cv) * f.spacingV) ** 2 <= d.r * d.r) mask[f.origin + u * f.strideU + v * f.strideV] = 1;
    }
  }
}

/** Pixels that disagree with a disc, ignoring a band of `tol` mm around its circle. */
function mismatches(mask: Uint8Array, g: ReturnType<typeof grid>, axis: SliceAxis, s: number, d: Disc, tol: number): string[] {
  const f = sliceFrame(g, axis, s);
  const bad: string[] = [];
  for (let v = 0; v < f.height; v++) {
    for (let u = 0; u < f.width; u++) {
      const dist = Math.hypot((u - d.cu) * f.spacingU, (v - d.cv) * f.spacingV);
      const got = pixel(mask, f, u, v);
      if ((dist < d.r - tol && got !== 1) || (dist > d.r + tol && got !== 0)) bad.push(`${u},${v}`);
    }
  }
  return bad;
}

describe('interpolation between two slices', () => {
  it('grows a disc linearly between a small and a large one', () => {
    const g = grid(48, 48, 14, [0.8, 0.8, 2.5]);
    const mask = emptyMask(g);
    paintDisc(mask, g, 'axial', 2, { cu: 24, cv: 24, r: 4 });
    paintDisc(mask, g, 'axial', 10, { cu: 24, cv: 24, r: 14 });
    const res = interpolateSlices(new EditRecorder(mask, g), 'axial', 2, 10);
    expect(res.slices).toBe(7);
    for (let k = 3; k < 10; k++) {
      const r = 4 + ((k - 2) / 8) * 10;
      expect(mismatches(mask, g, 'axial', k, { cu: 24, cv: 24, r }, 0.8), `k=${k}`).toEqual([]);
    }
    expect(slicePixels(mask, g, 'axial', 1).size + slicePixels(mask, g, 'axial', 11).size).toBe(0);
  });

  it('moves a disc along a straight line (coronal and sagittal too)', () => {
    for (const axis of ['coronal', 'sagittal'] as const) {
      const g = grid(40, 36, 30, [1, 1.2, 1.5]);
      const f = sliceFrame(g, axis, 0);
      const mask = emptyMask(g);
      paintDisc(mask, g, axis, 4, { cu: 12, cv: 10, r: 6 });
      paintDisc(mask, g, axis, 8, { cu: 16, cv: 14, r: 6 });
      interpolateSlices(new EditRecorder(mask, g), axis, 4, 8);
      for (let s = 5; s < 8; s++) {
        const t = (s - 4) / 4;
        // Centroid of the slice's pixels in mm follows the centres' straight line.
        let su = 0;
        let sv = 0;
        const px = slicePixels(mask, g, axis, s);
        for (const key of px) {
          const [u, v] = key.split(',').map(Number);
          su += u;
          sv += v;
        }
        expect(px.size).toBeGreaterThan(0);
        expect(Math.abs(su / px.size - (12 + 4 * t)) * f.spacingU).toBeLessThan(0.5);
        expect(Math.abs(sv / px.size - (10 + 4 * t)) * f.spacingV).toBeLessThan(0.5);
      }
    }
  });

  it('copies a shape exactly when both slices hold the same shape, replacing what was between', () => {
    const g = grid(20, 16, 9);
    const mask = emptyMask(g);
    const shape = (k: number): void => {
      const f = sliceFrame(g, 'axial', k);
      for (let v = 3; v < 12; v++) for (let u = 2; u < 17; u++) if (u < 9 || v > 8) mask[f.origin + u + v * 20] = 1;
    };
    shape(1);
    shape(6);
    mask[sliceFrame(g, 'axial', 3).origin + 19 + 15 * 20] = 1; // stray voxel to be replaced
    const before = mask.slice();
    const rec = new EditRecorder(mask, g);
    interpolateSlices(rec, 'axial', 1, 6);
    const want = slicePixels(mask, g, 'axial', 1);
    for (let k = 2; k < 6; k++) expect(slicePixels(mask, g, 'axial', k)).toEqual(want);
    // One undo step restores the volume.
    const diff = rec.finish();
    expect(diff?.extent[4]).toBe(2);
    expect(diff?.extent[5]).toBe(5);
    diff?.revert(mask);
    expect(sameArray(mask, before)).toBe(true);
  });

  it('refuses an empty slice and leaves the volume untouched', () => {
    const g = grid(10, 10, 6);
    const mask = emptyMask(g);
    paintDisc(mask, g, 'axial', 1, { cu: 5, cv: 5, r: 2 });
    const before = mask.slice();
    let err: unknown;
    try {
      interpolateSlices(new EditRecorder(mask, g), 'axial', 1, 4);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ToolError);
    expect((err as ToolError).code).toBe('empty_slice');
    expect((err as ToolError).message).toMatch(/slice 4/);
    expect(sameArray(mask, before)).toBe(true);
    expect(() => interpolateSlices(new EditRecorder(mask, g), 'axial', 4, 1)).toThrow(/k1 < k2/);
    expect(() => interpolateSlices(new EditRecorder(mask, g), 'axial', 1, 6)).toThrow(/k1 < k2/);
  });
});
