/**
 * Bringing a mask onto another grid. The same grid in another voxel order is a lossless permutation; a different
 * grid is resampled by nearest neighbour (each target voxel takes the mask voxel its centre falls in), with a
 * warning that says what changed.
 */
import { closestCanonical, inverseOrientation, reorient, sameGrid } from '../nifti';
import type { Grid, Volume, VoxelArray } from '../volume';
import { voxelCount } from '../volume';
import { invertAffine, multiplyAffine } from './affine';

function fmt(x: number): string {
  return String(Math.round(x * 1000) / 1000);
}

function describe(g: Grid): string {
  return `${g.dims.join('x')} at ${g.spacing.map(fmt).join('x')} mm`;
}

/** Same voxels in the world, possibly stored in another order. */
export function sameWorldGrid(a: Grid, b: Grid): boolean {
  return sameGrid(a, b).same;
}

/** Permutes a volume on the same world grid as `target` into target's voxel order (lossless). */
export function toVoxelOrder(volume: Volume, target: Grid): Volume {
  const toCanon = closestCanonical(volume.grid.affine);
  const canon = reorient(volume, toCanon);
  const back = inverseOrientation(closestCanonical(target.affine));
  const out = reorient(canon, back);
  return { grid: target, data: out.data };
}

function allocLike(src: VoxelArray, n: number): VoxelArray {
  const Ctor = src.constructor as new (length: number) => VoxelArray;
  return new Ctor(n);
}

function nonzero(a: VoxelArray): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== 0) n++;
  return n;
}

export function resampleNearest(volume: Volume, target: Grid): { volume: Volume; warning: string | null } {
  const src = volume.grid;
  if (sameWorldGrid(src, target)) return { volume: toVoxelOrder(volume, target), warning: null };
  // Target voxel index → source voxel index: inv(A_src) · A_target, applied incrementally along each axis.
  const m = multiplyAffine(invertAffine(src.affine), target.affine);
  const [tx, ty, tz] = target.dims;
  const [sx, sy, sz] = src.dims;
  const out = allocLike(volume.data, voxelCount(target));
  const data = volume.data;
  let o = 0;
  for (let k = 0; k < tz; k++) {
    for (let j = 0; j < ty; j++) {
      // Source coordinates of target voxel (0, j, k); each step in i adds column 0 of m.
      let x = m[1] * j + m[2] * k + m[3];
      let y = m[5] * j + m[6] * k + m[7];
      let z = m[9] * j + m[10] * k + m[11];
      for (let i = 0; i < tx; i++, o++, x += m[0], y += m[4], z += m[8]) {
        const a = Math.floor(x + 0.5);
        const b = Math.floor(y + 0.5);
        const c = Math.floor(z + 0.5);
        if (a >= 0 && a < sx && b >= 0 && b < sy && c >= 0 && c < sz) out[o] = data[a + sx * (b + sy * c)];
      }
    }
  }
  const vs = src.spacing[0] * src.spacing[1] * src.spacing[2];
  const vt = target.spacing[0] * target.spacing[1] * target.spacing[2];
  const before = nonzero(data) * vs;
  const after = nonzero(out) * vt;
  const warning =
    `the mask's grid (${describe(src)}) differs from the image's (${describe(target)}): resampled by nearest neighbour; ` +
    `labelled volume ${fmt(before / 1000)} → ${fmt(after / 1000)} ml`;
  return { volume: { grid: target, data: out }, warning };
}
