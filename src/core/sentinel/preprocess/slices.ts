/**
 * Which slices of a label the model sees: the slices (along k) that hold a mask voxel, thinned to at most
 * `maxSlices` by the reference's index rule.
 */
import { SentinelError } from '../../errors';
import type { VoxelArray } from '../../volume';
import type { VolumeLike } from './types';

/**
 * Sorted indices k of the slices holding at least one inside voxel (value > 0, or value === label).
 * One pass over the mask at most: each slice is a contiguous run and the scan leaves it at its first inside voxel.
 */
export function maskSliceIndices(mask: VolumeLike, label?: number): number[] {
  const [nx, ny, nz] = mask.grid.dims;
  const plane = nx * ny;
  checkLength(mask.data, plane * nz);
  const out: number[] = [];
  for (let k = 0; k < nz; k++) {
    if (sliceHasVoxel(mask.data, k * plane, (k + 1) * plane, label)) out.push(k);
  }
  return out;
}

function sliceHasVoxel(data: VoxelArray, from: number, to: number, label: number | undefined): boolean {
  // Two loops rather than a per-voxel test of `label`: this is the hottest scan of the preprocessing.
  if (label === undefined && data instanceof Uint8Array) return anyNonZeroByte(data, from, to);
  if (label === undefined) {
    for (let p = from; p < to; p++) if (data[p] > 0) return true;
  } else {
    for (let p = from; p < to; p++) if (data[p] === label) return true;
  }
  return false;
}

/** Whether data[from, to) holds a non-zero byte, read four bytes at a time (most mask slices are empty). */
function anyNonZeroByte(data: Uint8Array, from: number, to: number): boolean {
  let p = from;
  while (p < to && ((data.byteOffset + p) & 3) !== 0) if (data[p++] !== 0) return true;
  const words = (to - p) >> 2;
  if (words > 0) {
    const view = new Uint32Array(data.buffer, data.byteOffset + p, words);
    for (let w = 0; w < words; w++) if (view[w] !== 0) return true;
    p += words * 4;
  }
  for (; p < to; p++) if (data[p] !== 0) return true;
  return false;
}

/**
 * Thins a sorted list of slice indices: all of them when there are at most `maxSlices`, else the elements at
 * floor(n / maxSlices * t) for t = 0 .. maxSlices - 1 (the authors' `int(len / 10 * idx)`, same float arithmetic).
 */
export function pickSlices(sorted: readonly number[], maxSlices = 10): number[] {
  if (!Number.isInteger(maxSlices) || maxSlices < 1) {
    throw new SentinelError('invalid_argument', `maxSlices must be a positive integer, got ${maxSlices}`);
  }
  const n = sorted.length;
  if (n <= maxSlices) return sorted.slice();
  const out: number[] = [];
  for (let t = 0; t < maxSlices; t++) out.push(sorted[Math.floor((n / maxSlices) * t)]);
  return out;
}

/** The slices of a label the model sees (see `maskSliceIndices` and `pickSlices`). */
export function chooseSlices(mask: VolumeLike, maxSlices = 10, label?: number): number[] {
  return pickSlices(maskSliceIndices(mask, label), maxSlices);
}

/**
 * For a multi-label map, every non-zero value's sorted slice indices, in one pass over the map.
 * Masks come in long runs of one value, so a value is looked up only where it changes.
 */
export function sliceIndicesByLabel(map: VolumeLike): Map<number, number[]> {
  const [nx, ny, nz] = map.grid.dims;
  const plane = nx * ny;
  const data = map.data;
  checkLength(data, plane * nz);
  const out = new Map<number, number[]>();
  for (let k = 0; k < nz; k++) {
    let prev = 0;
    for (let p = k * plane, end = p + plane; p < end; p++) {
      const v = data[p];
      if (v === prev) continue;
      prev = v;
      if (v === 0) continue;
      let list = out.get(v);
      if (!list) out.set(v, (list = []));
      if (list[list.length - 1] !== k) list.push(k);
    }
  }
  return out;
}

export function checkLength(data: VoxelArray, expected: number): void {
  if (data.length !== expected) {
    throw new SentinelError('invalid_argument', `volume has ${data.length} voxels, its dims say ${expected}`);
  }
}
