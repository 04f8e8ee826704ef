/**
 * Masks kept as boxes cut from the canonical grid: a label's bounding box grown by a margin, so degrading and
 * comparing a small organ costs what the organ costs, not what the whole CT does. The margin is at least the
 * largest reach of any degradation, so nothing a degradation adds is clipped by the box (only by the grid).
 */
import { SentinelError } from '../errors';
import type { Vec3, VoxelArray } from '../volume';
import type { BinaryMask } from './degrade/mask';

/** A box of the grid: voxels origin .. origin + dims - 1 along each axis. */
export interface Box {
  origin: Vec3;
  dims: Vec3;
}

/** A binary mask that lives in `box` (mask.dims equals box.dims); zero everywhere outside it. */
export interface BoxedMask {
  box: Box;
  mask: BinaryMask;
}

export interface Extent {
  min: Vec3;
  max: Vec3;
}

/**
 * The inclusive extent of every foreground value in one pass: keyed by value, or all under key 1 when `binary`
 * (a mask file, where any value > 0 is inside). Runs of one value along a row are handled at their ends only.
 */
export function extentsByValue(data: VoxelArray, dims: Readonly<Vec3>, binary: boolean): Map<number, Extent> {
  const [nx, ny, nz] = dims;
  if (data.length !== nx * ny * nz) {
    throw new SentinelError('invalid_argument', `volume has ${data.length} voxels, its dims say ${nx * ny * nz}`);
  }
  const out = new Map<number, Extent>();
  const grow = (key: number, i0: number, i1: number, j: number, k: number): void => {
    const e = out.get(key);
    if (!e) {
      out.set(key, { min: [i0, j, k], max: [i1, j, k] });
      return;
    }
    if (i0 < e.min[0]) e.min[0] = i0;
    if (i1 > e.max[0]) e.max[0] = i1;
    if (j < e.min[1]) e.min[1] = j;
    if (j > e.max[1]) e.max[1] = j;
    if (k < e.min[2]) e.min[2] = k;
    if (k > e.max[2]) e.max[2] = k;
  };
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const row = k * nx * ny + j * nx;
      let i = 0;
      while (i < nx) {
        const v = data[row + i];
        const key = binary ? (v > 0 ? 1 : 0) : v;
        let end = i + 1;
        if (binary) while (end < nx && data[row + end] > 0 === key > 0) end++;
        else while (end < nx && data[row + end] === v) end++;
        if (key > 0) grow(key, i, end - 1, j, k);
        i = end;
      }
    }
  }
  return out;
}

/** The extent grown by `margin` voxels on every side, clipped to the grid. */
export function paddedBox(extent: Extent, margin: number, gridDims: Readonly<Vec3>): Box {
  const origin: Vec3 = [0, 0, 0];
  const dims: Vec3 = [0, 0, 0];
  for (let a = 0; a < 3; a++) {
    const lo = Math.max(0, extent.min[a] - margin);
    const hi = Math.min(gridDims[a] - 1, extent.max[a] + margin);
    origin[a] = lo;
    dims[a] = hi - lo + 1;
  }
  return { origin, dims };
}

/** The smallest box holding both. */
export function unionBox(a: Box, b: Box): Box {
  const origin: Vec3 = [0, 0, 0];
  const dims: Vec3 = [0, 0, 0];
  for (let x = 0; x < 3; x++) {
    origin[x] = Math.min(a.origin[x], b.origin[x]);
    dims[x] = Math.max(a.origin[x] + a.dims[x], b.origin[x] + b.dims[x]) - origin[x];
  }
  return { origin, dims };
}

export function sameBox(a: Box, b: Box): boolean {
  return a.origin.every((v, i) => v === b.origin[i]) && a.dims.every((v, i) => v === b.dims[i]);
}

/** The voxels of `box` as a binary mask: inside where the value is > 0, or equals `label` when given. */
export function cropBinary(data: VoxelArray, gridDims: Readonly<Vec3>, box: Box, label?: number): BinaryMask {
  const [nx, ny] = gridDims;
  const [bx, by, bz] = box.dims;
  const [ox, oy, oz] = box.origin;
  const out = new Uint8Array(bx * by * bz);
  for (let k = 0; k < bz; k++) {
    for (let j = 0; j < by; j++) {
      const from = (k + oz) * nx * ny + (j + oy) * nx + ox;
      const to = k * bx * by + j * bx;
      if (label === undefined) for (let i = 0; i < bx; i++) out[to + i] = data[from + i] > 0 ? 1 : 0;
      else for (let i = 0; i < bx; i++) out[to + i] = data[from + i] === label ? 1 : 0;
    }
  }
  return { data: out, dims: [bx, by, bz] };
}

/** `m` seen through `box`: the overlap copied, zero elsewhere. Returns m's own mask when the boxes are equal. */
export function reframe(m: BoxedMask, box: Box): BinaryMask {
  if (sameBox(m.box, box)) return m.mask;
  const out = new Uint8Array(box.dims[0] * box.dims[1] * box.dims[2]);
  copyOverlap(m.mask.data, m.box, out, box);
  return { data: out, dims: [box.dims[0], box.dims[1], box.dims[2]] };
}

/** Writes the mask into a whole-grid buffer (`target` covers `gridDims`), inside voxels as 1. */
export function pasteInto(target: Uint8Array, gridDims: Readonly<Vec3>, m: BoxedMask): void {
  copyOverlap(m.mask.data, m.box, target, { origin: [0, 0, 0], dims: [gridDims[0], gridDims[1], gridDims[2]] });
}

/** Zeroes `box` in a whole-grid buffer (undoes pasteInto without touching the rest). */
export function clearBox(target: Uint8Array, gridDims: Readonly<Vec3>, box: Box): void {
  const [nx, ny] = gridDims;
  for (let k = 0; k < box.dims[2]; k++) {
    for (let j = 0; j < box.dims[1]; j++) {
      const from = (k + box.origin[2]) * nx * ny + (j + box.origin[1]) * nx + box.origin[0];
      target.fill(0, from, from + box.dims[0]);
    }
  }
}

function copyOverlap(src: Uint8Array, srcBox: Box, dst: Uint8Array, dstBox: Box): void {
  const lo = [0, 1, 2].map((a) => Math.max(srcBox.origin[a], dstBox.origin[a]));
  const hi = [0, 1, 2].map((a) => Math.min(srcBox.origin[a] + srcBox.dims[a], dstBox.origin[a] + dstBox.dims[a]));
  if (lo.some((v, a) => v >= hi[a])) return;
  const [sx, sy] = srcBox.dims;
  const [dx, dy] = dstBox.dims;
  for (let z = lo[2]; z < hi[2]; z++) {
    for (let y = lo[1]; y < hi[1]; y++) {
      const s = (z - srcBox.origin[2]) * sx * sy + (y - srcBox.origin[1]) * sx - srcBox.origin[0];
      const d = (z - dstBox.origin[2]) * dx * dy + (y - dstBox.origin[1]) * dx - dstBox.origin[0];
      for (let x = lo[0]; x < hi[0]; x++) dst[d + x] = src[s + x] !== 0 ? 1 : 0;
    }
  }
}
