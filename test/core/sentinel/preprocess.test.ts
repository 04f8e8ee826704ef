/**
 * Unit tests of the preprocessing steps on small volumes whose expected values are worked out by hand in the
 * comments (the golden test compares with the Python reference on real CT).
 */
import { describe, expect, it } from 'vitest';
import { SentinelError } from '../../../src/core/errors';
import {
  chooseSlices,
  cropBox,
  dice,
  maskSliceIndices,
  pickSlices,
  planBilinearResize,
  preprocessLabel,
  preprocessSlice,
  resizeBilinearPillow,
  sliceBoundingBox,
  sliceIndicesByLabel,
  windowedCrop,
} from '../../../src/core/sentinel/preprocess';
import type { Vec3, VoxelArray } from '../../../src/core/volume';

function vol(dims: Vec3, data: VoxelArray) {
  return { grid: { dims }, data };
}

/** A volume nx × ny × nz with `fill(i, j, k)` as the voxel values. */
function volumeOf<T extends VoxelArray>(dims: Vec3, make: (n: number) => T, fill: (i: number, j: number, k: number) => number) {
  const [nx, ny, nz] = dims;
  const data = make(nx * ny * nz);
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) data[i + j * nx + k * nx * ny] = fill(i, j, k);
  return vol(dims, data);
}

describe('slice choice', () => {
  it('keeps every slice when there are at most maxSlices', () => {
    expect(pickSlices([3, 4, 9], 10)).toEqual([3, 4, 9]);
    expect(pickSlices([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 10)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
  it('takes index floor(n / maxSlices * t) when there are more', () => {
    const ks = Array.from({ length: 30 }, (_, t) => 100 + t);
    // n = 30: indices 0, 3, 6, ..., 27.
    expect(pickSlices(ks, 10)).toEqual([100, 103, 106, 109, 112, 115, 118, 121, 124, 127]);
    // n = 12: 1.2 t floors to 0, 1, 2, 3, 4, 6, 7, 8, 9, 10.
    expect(pickSlices(ks.slice(0, 12), 10)).toEqual([100, 101, 102, 103, 104, 106, 107, 108, 109, 110]);
    // n = 5, maxSlices 2: 2.5 t gives indices 0 and 2.
    expect(pickSlices([1, 2, 3, 4, 5], 2)).toEqual([1, 3]);
  });
  it('rejects a maxSlices that is not a positive integer', () => {
    expect(() => pickSlices([1, 2], 0)).toThrow(SentinelError);
    expect(() => pickSlices([1, 2], 2.5)).toThrow(SentinelError);
  });
  it('finds the slices holding a mask voxel, or one label of a map', () => {
    const map = volumeOf([4, 3, 6], (n) => new Uint8Array(n), (i, j, k) => (k === 1 && i === 3 && j === 2 ? 2 : k === 4 && i === 0 ? 7 : 0));
    expect(maskSliceIndices(map)).toEqual([1, 4]);
    expect(maskSliceIndices(map, 7)).toEqual([4]);
    expect(chooseSlices(map, 1)).toEqual([1]);
    expect(sliceIndicesByLabel(map)).toEqual(new Map([[2, [1]], [7, [4]]]));
  });
  it('finds a lone voxel anywhere in a uint8 mask, whatever the buffer alignment', () => {
    // The uint8 scan reads whole 32-bit words; plane 3 × 3 = 9 bytes puts slices at every alignment.
    const dims: Vec3 = [3, 3, 5];
    for (let shift = 0; shift < 4; shift++) {
      for (let p = 0; p < 45; p++) {
        const data = new Uint8Array(45 + shift).subarray(shift);
        data[p] = 1;
        expect(maskSliceIndices(vol(dims, data))).toEqual([Math.floor(p / 9)]);
      }
    }
  });
  it('counts negative values as outside (inside means > 0)', () => {
    const m = vol([2, 1, 2], new Int16Array([-1, 0, 0, 1]));
    expect(maskSliceIndices(m)).toEqual([1]);
  });
});

describe('crop box', () => {
  it('adds the margin (exclusive end) and widens the shorter side by diff // 2 each way', () => {
    // rows 30..40 -> [10, 60), h = 50; cols 50..55 -> [30, 75), w = 45; diff 5 -> 2 each side: [28, 77).
    expect(cropBox({ rowMin: 30, rowMax: 40, colMin: 50, colMax: 55 }, 100, 120, 20)).toEqual({
      rowStart: 10, rowEnd: 60, colStart: 28, colEnd: 77,
    });
  });
  it('clips every end to the image', () => {
    // rows 0..5 -> [0, 10) (clipped), cols 0..0 -> [0, 20); diff 10 -> rows [-5, 15) clipped to [0, 10).
    expect(cropBox({ rowMin: 0, rowMax: 5, colMin: 0, colMax: 0 }, 10, 50, 20)).toEqual({
      rowStart: 0, rowEnd: 10, colStart: 0, colEnd: 20,
    });
  });
  it('finds the inclusive bounding box of a slice', () => {
    const m = volumeOf([6, 5, 2], (n) => new Uint8Array(n), (i, j, k) => (k === 1 && ((i === 1 && j === 3) || (i === 4 && j === 2)) ? 1 : 0));
    expect(sliceBoundingBox(m, 1)).toEqual({ rowMin: 2, rowMax: 3, colMin: 1, colMax: 4 });
    expect(sliceBoundingBox(m, 0)).toBeNull();
    expect(() => sliceBoundingBox(m, 2)).toThrow(SentinelError);
  });
});

describe('Pillow bilinear resize', () => {
  it('enlarges with pixel-centre alignment and clamped edges', () => {
    // Output centres at input x = 0.25, 0.75, 1.25, 1.75 (in pixel units from the left edge).
    expect(Array.from(resizeBilinearPillow(new Float32Array([0, 1]), 2, 1, 4, 1))).toEqual([0, 0.25, 0.75, 1]);
  });
  it('antialiases when shrinking: a halving spreads the triangle over 3 pixels with weights 3/7, 3/7, 1/7', () => {
    const out = resizeBilinearPillow(new Float32Array([0, 0, 0, 7]), 4, 1, 2, 1);
    expect(out[0]).toBeCloseTo(0, 6);
    expect(out[1]).toBeCloseTo(3, 6);
    const col = resizeBilinearPillow(new Float32Array([7, 0, 0, 0]), 1, 4, 1, 2);
    expect(col[0]).toBeCloseTo(3, 6);
  });
  it('copies when size and box are unchanged, and keeps a constant image constant', () => {
    const src = Float32Array.from({ length: 35 }, (_, p) => Math.sin(p));
    expect(resizeBilinearPillow(src, 7, 5, 7, 5)).toEqual(src);
    const flat = resizeBilinearPillow(new Float32Array(97 * 61).fill(0.3), 97, 61, 31, 17);
    for (const v of flat) expect(v).toBeCloseTo(0.3, 6);
  });
  it('rejects bad sizes and boxes', () => {
    expect(() => planBilinearResize(0, 3, 2, 2)).toThrow(SentinelError);
    expect(() => planBilinearResize(4, 3, 2, 2, [0, 0, 5, 3])).toThrow(SentinelError);
    expect(() => resizeBilinearPillow(new Float32Array(3), 2, 2, 1, 1)).toThrow(SentinelError);
  });
});

describe('CT window', () => {
  it('clips to [-200, 200] and rescales to [0, 1]', () => {
    const ct = vol([5, 1, 1], new Int16Array([-1000, -200, 0, 100, 1000]));
    const box = { rowStart: 0, rowEnd: 1, colStart: 0, colEnd: 5 };
    expect(Array.from(windowedCrop(ct.data, 5, 1, 0, box, [-200, 200]))).toEqual([0, 0, 0.5, 0.75, 1]);
  });
});

describe('preprocessSlice / preprocessLabel', () => {
  // 60 × 50 × 4: CT at 0 HU (window -> 0.5 -> normalised 0) except one bright column; mask a block on slices 1..2.
  const dims: Vec3 = [60, 50, 4];
  const ct = volumeOf(dims, (n) => new Int16Array(n), (i) => (i === 30 ? 1000 : 0));
  const mask = volumeOf(dims, (n) => new Uint8Array(n), (i, j, k) => (k >= 1 && k <= 2 && i >= 25 && i <= 34 && j >= 20 && j <= 24 ? 1 : 0));

  it('crops around the mask and normalises both channels', () => {
    const { tensor, box } = preprocessSlice(ct, mask, 1, { size: 16 });
    // rows 20..24 -> [0, 44), h = 44; cols 25..34 -> [5, 54), w = 49; diff 5 -> rows [0, 46).
    expect(box).toEqual({ rowStart: 0, rowEnd: 46, colStart: 5, colEnd: 54 });
    expect(tensor.length).toBe(2 * 16 * 16);
    const ctCh = tensor.subarray(0, 256);
    const maskCh = tensor.subarray(256);
    // Far from the bright column the CT is 0 HU: (0.5 - 0.5) / 0.25 = 0.
    expect(ctCh[0]).toBe(0);
    expect(Math.max(...ctCh)).toBeGreaterThan(0);
    expect(Math.min(...ctCh)).toBeGreaterThanOrEqual(0);
    // Mask channel spans [-1, 1]: -1 outside, 1 inside the block.
    expect(maskCh[0]).toBe(-1);
    expect(Math.min(...maskCh)).toBe(-1);
    expect(Math.max(...maskCh)).toBeLessThanOrEqual(1);
    expect(Math.max(...maskCh)).toBeGreaterThan(0.5);
  });

  it('batches the chosen slices and agrees with one slice at a time', () => {
    const prep = preprocessLabel(ct, mask, { size: 16 });
    expect(prep.slices).toEqual([1, 2]);
    expect(prep.tensors.length).toBe(2 * 2 * 16 * 16);
    expect(prep.tensors.subarray(512)).toEqual(preprocessSlice(ct, mask, 2, { size: 16 }).tensor);
  });

  it('scores one label of a label map like its binary mask', () => {
    const map = volumeOf(dims, (n) => new Uint8Array(n), (i, j, k) => (mask.data[i + j * 60 + k * 3000] ? 3 : i < 5 ? 9 : 0));
    const a = preprocessLabel(ct, map, { size: 16, label: 3 });
    const b = preprocessLabel(ct, mask, { size: 16 });
    expect(a.slices).toEqual(b.slices);
    expect(a.tensors).toEqual(b.tensors);
  });

  it('returns no slice for an empty mask, and errors as values for bad input', () => {
    const empty = vol(dims, new Uint8Array(60 * 50 * 4));
    expect(preprocessLabel(ct, empty, { size: 16 }).slices).toEqual([]);
    expect(() => preprocessSlice(ct, empty, 0, { size: 16 })).toThrow(expect.objectContaining({ code: 'empty' }));
    expect(() => preprocessLabel(ct, vol([60, 50, 3], new Uint8Array(9000)), { size: 16 })).toThrow(
      expect.objectContaining({ code: 'grid_mismatch' }),
    );
    expect(() => preprocessLabel(ct, mask, { size: 0 })).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
});

describe('dice', () => {
  it('is 2|A∩B| / (|A| + |B|), and 1 when both are empty', () => {
    // |A| = 3, |B| = 2, overlap 1 -> 2/5.
    expect(dice(new Uint8Array([1, 1, 1, 0]), new Uint8Array([0, 0, 1, 1]))).toBeCloseTo(0.4, 15);
    expect(dice(new Uint8Array(4), new Uint8Array(4))).toBe(1);
    expect(dice(new Uint8Array([1, 0]), new Uint8Array([0, 0]))).toBe(0);
    expect(dice(new Uint8Array([2, 5, 5]), new Uint8Array([5, 5, 0]), { labelA: 5, labelB: 5 })).toBe(0.5);
    expect(() => dice(new Uint8Array(2), new Uint8Array(3))).toThrow(SentinelError);
  });
});
