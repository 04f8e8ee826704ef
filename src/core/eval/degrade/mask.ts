/**
 * The binary masks the degradations work on: one byte per voxel (1 inside, 0 outside), i fastest, on the
 * canonical (closest-RAS) voxel grid or any box cut from it. Every degradation returns a new mask and never
 * changes its input.
 */
import { SentinelError } from '../../errors';
import type { Vec3 } from '../../volume';

export interface BinaryMask {
  data: Uint8Array;
  dims: Readonly<Vec3>;
}

export function checkMask(mask: BinaryMask, what = 'mask'): void {
  const [nx, ny, nz] = mask.dims;
  if (![nx, ny, nz].every((n) => Number.isInteger(n) && n >= 1)) {
    throw new SentinelError('invalid_argument', `${what}: dims ${mask.dims.join('×')} are not positive integers`);
  }
  if (mask.data.length !== nx * ny * nz) {
    throw new SentinelError('invalid_argument', `${what}: ${mask.data.length} voxels, its dims say ${nx * ny * nz}`);
  }
}

export function checkSameDims(a: BinaryMask, b: BinaryMask, what: string): void {
  checkMask(a, what);
  checkMask(b, what);
  if (a.dims.some((n, i) => n !== b.dims[i])) {
    throw new SentinelError('grid_mismatch', `${what}: dims ${a.dims.join('×')} and ${b.dims.join('×')} differ`);
  }
}

/** An empty mask of the given dims. */
export function emptyMask(dims: Readonly<Vec3>): BinaryMask {
  return { data: new Uint8Array(dims[0] * dims[1] * dims[2]), dims: [dims[0], dims[1], dims[2]] };
}

export function copyMask(mask: BinaryMask): BinaryMask {
  return { data: mask.data.slice(), dims: [mask.dims[0], mask.dims[1], mask.dims[2]] };
}

export function countInside(mask: BinaryMask): number {
  let n = 0;
  const d = mask.data;
  for (let p = 0; p < d.length; p++) if (d[p] !== 0) n++;
  return n;
}

/**
 * Whether voxel p (at i, j, k) has a 6-neighbour inside the grid whose inside-ness differs from its own: the
 * boundary test shared by erosion, boundary noise and the shape prior. Neighbours outside the grid do not count.
 */
export function onBoundary6(data: Uint8Array, dims: Readonly<Vec3>, i: number, j: number, k: number, p: number): boolean {
  const [nx, ny, nz] = dims;
  const plane = nx * ny;
  const v = data[p] !== 0;
  return (
    (i > 0 && (data[p - 1] !== 0) !== v) ||
    (i < nx - 1 && (data[p + 1] !== 0) !== v) ||
    (j > 0 && (data[p - nx] !== 0) !== v) ||
    (j < ny - 1 && (data[p + nx] !== 0) !== v) ||
    (k > 0 && (data[p - plane] !== 0) !== v) ||
    (k < nz - 1 && (data[p + plane] !== 0) !== v)
  );
}
