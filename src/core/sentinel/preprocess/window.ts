/**
 * Per-pixel value maps of the reference: the CT window (numpy float32 clip and rescale) on a crop, the mask as 0/1
 * floats, and torchvision's Normalize. Every step rounds to float32 where the reference's float32 arrays do, so
 * results match it bit for bit before the resize.
 */
import type { VoxelArray } from '../../volume';
import type { CropBox, Normalisation } from './types';

/**
 * The crop `box` of slice k of a CT (dims nx × ny per slice), clipped to `window` and rescaled to [0, 1]:
 * float32(clip(float32(x), lo, hi) - lo) / (hi - lo), as numpy computes it on a float32 array.
 * Only the crop is converted, never the whole CT.
 */
export function windowedCrop(
  ct: VoxelArray,
  nx: number,
  ny: number,
  k: number,
  box: CropBox,
  window: readonly [number, number],
  out?: Float32Array,
): Float32Array {
  const w = box.colEnd - box.colStart;
  const h = box.rowEnd - box.rowStart;
  const dst = out ?? new Float32Array(w * h);
  const lo = Math.fround(window[0]);
  const hi = Math.fround(window[1]);
  const range = Math.fround(window[1] - window[0]);
  let p = 0;
  for (let j = box.rowStart; j < box.rowEnd; j++) {
    const row = k * nx * ny + j * nx;
    for (let i = box.colStart; i < box.colEnd; i++) {
      let v = Math.fround(ct[row + i]);
      // `!(v >= lo)` also catches NaN: a NaN voxel is outside the window (its low end), never a NaN input
      // (scoring/voxel-checks.ts notes it). Bit-identical to the reference for every other value.
      if (!(v >= lo)) v = lo;
      else if (v > hi) v = hi;
      dst[p++] = Math.fround(v - lo) / range;
    }
  }
  return dst;
}

/** The crop `box` of slice k of a mask as 0/1 floats (inside: > 0, or === label). */
export function maskCrop(
  mask: VoxelArray,
  nx: number,
  ny: number,
  k: number,
  box: CropBox,
  label?: number,
  out?: Float32Array,
): Float32Array {
  const dst = out ?? new Float32Array((box.colEnd - box.colStart) * (box.rowEnd - box.rowStart));
  let p = 0;
  for (let j = box.rowStart; j < box.rowEnd; j++) {
    const row = k * nx * ny + j * nx;
    for (let i = box.colStart; i < box.colEnd; i++) {
      const v = mask[row + i];
      dst[p++] = (label === undefined ? v > 0 : v === label) ? 1 : 0;
    }
  }
  return dst;
}

/** (x - mean) / std in place, in float32 like torchvision's Normalize on a float32 tensor. */
export function normaliseInPlace(values: Float32Array, norm: Normalisation): void {
  const mean = Math.fround(norm.mean);
  const std = Math.fround(norm.std);
  for (let p = 0; p < values.length; p++) values[p] = Math.fround(values[p] - mean) / std;
}
