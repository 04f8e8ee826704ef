/**
 * The rules for odd voxel values (src/core/scoring/voxel-checks.ts, sentinel/preprocess/window.ts):
 * NaN and ±Inf CT voxels are outside the CT window (NaN and -Inf at its low end, +Inf at its high end) and noted;
 * a mask file is binary when it holds 0 and one positive value (1, 255, 7 ...); otherwise every voxel > 0 is
 * inside and the label's message says so. Expected values are worked out by hand here.
 */
import { describe, expect, it } from 'vitest';
import { ctValueNote, maskValueNote } from '../../src/core/scoring/voxel-checks';
import { preprocessLabel, windowedCrop } from '../../src/core/sentinel/preprocess';
import type { Grid } from '../../src/core/volume';

describe('CT values', () => {
  it('NaN and -Inf count as the window\'s low end, +Inf as its high end; others as before', () => {
    const ct = new Float32Array([NaN, -Infinity, Infinity, -1000, -200, 0, 200, 1000]);
    const out = windowedCrop(ct, 8, 1, 0, { rowStart: 0, rowEnd: 1, colStart: 0, colEnd: 8 }, [-200, 200]);
    expect(Array.from(out)).toEqual([0, 0, 1, 0, 0, 0.5, 1, 1]);
  });

  it('notes non-finite voxels of a float CT, with their counts; integer and clean CTs get no note', () => {
    expect(ctValueNote(new Float32Array([1, NaN, Infinity, -Infinity, NaN]))).toBe('the CT has 2 NaN and 2 infinite voxels, treated as outside the CT window');
    expect(ctValueNote(new Float64Array([0, NaN]))).toBe('the CT has 1 NaN voxel, treated as outside the CT window');
    expect(ctValueNote(new Float32Array([-1024, 3071.5]))).toBeNull();
    expect(ctValueNote(new Int16Array([-1024, 3071]))).toBeNull();
  });

  it('a label over a CT with NaN inside the mask still gets a finite input tensor', () => {
    const dims: [number, number, number] = [8, 8, 3];
    const grid: Grid = { dims, spacing: [1, 1, 1], affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] };
    const ct = new Float32Array(192).map((_, i) => (i % 7) * 40 - 120);
    const mask = new Uint8Array(192);
    for (const i of [64 + 27, 64 + 28, 64 + 35, 64 + 36]) mask[i] = 1;
    ct[64 + 27] = NaN;
    ct[64 + 36] = Infinity;
    const p = preprocessLabel({ grid, data: ct }, { grid, data: mask }, { size: 16 });
    expect(p.slices).toEqual([1]);
    expect(p.tensors.every(Number.isFinite)).toBe(true);
  });
});

describe('mask values', () => {
  it('0 and one positive value is binary, whatever that value', () => {
    expect(maskValueNote(new Uint8Array([0, 1, 1, 0]))).toBeNull();
    expect(maskValueNote(new Uint8Array([0, 255, 255]))).toBeNull();
    expect(maskValueNote(new Int16Array([0, 7, 0, 7]))).toBeNull();
    expect(maskValueNote(new Float32Array([0, 1, 1]))).toBeNull();
    expect(maskValueNote(new Uint8Array(1000))).toBeNull();
  });

  it('several positive values: a note naming two of them', () => {
    expect(maskValueNote(new Uint8Array([0, 1, 2, 255]))).toBe('the mask is not binary (values 1 and 2): every voxel > 0 counts as inside');
    // Found by the word-at-a-time scan too: far into the array, at an unaligned offset.
    const big = new Uint8Array(100_003);
    big[10] = 1;
    big[99_999] = 3;
    expect(maskValueNote(big.subarray(1))).toMatch(/values 1 and 3/);
    expect(maskValueNote(new Int32Array([0, 4, 9]))).toMatch(/values 4 and 9/);
  });

  it('fractions and negatives: noted, with the rule for each', () => {
    expect(maskValueNote(new Float32Array([0, 1, 0.3]))).toBe('the mask is not binary (fractional values such as 0.30000001192092896): every voxel > 0 counts as inside');
    expect(maskValueNote(new Float64Array([0, 1, -1]))).toBe('the mask is not binary (negative or NaN values such as -1, which count as outside): every voxel > 0 counts as inside');
    expect(maskValueNote(new Int8Array([0, -3, 1]))).toMatch(/negative/);
  });
});
