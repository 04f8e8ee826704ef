/**
 * Lossless reorientation (axis permutations and flips only, never resampling) to the voxel order closest to RAS,
 * as nibabel's io_orientation / as_closest_canonical choose it. Pure: used on volumes from any format.
 */
import type { Grid, Orientation, Vec3, Volume, VoxelArray } from '../volume';
import { nearestOrthogonal } from './geometry';

type Mat3 = [number, number, number, number, number, number, number, number, number];

export const IDENTITY_ORIENTATION: Orientation = { perm: [0, 1, 2], flip: [false, false, false] };

export function isIdentityOrientation(o: Orientation): boolean {
  return o.perm[0] === 0 && o.perm[1] === 1 && o.perm[2] === 2 && !o.flip[0] && !o.flip[1] && !o.flip[2];
}

/**
 * The permutation and flips that bring the voxel axes closest to R, A, S. Like nibabel: the affine's rotation is
 * made orthogonal (polar factor, so shears and zooms do not matter), then each voxel axis in turn takes the world
 * axis it points along most, and that world axis is no longer available to the axes after it.
 */
export function closestCanonical(affine: readonly number[]): Orientation {
  const m: Mat3 = [affine[0], affine[1], affine[2], affine[4], affine[5], affine[6], affine[8], affine[9], affine[10]];
  for (let c = 0; c < 3; c++) {
    const n = Math.hypot(m[c], m[3 + c], m[6 + c]);
    if (n > 0 && Number.isFinite(n)) for (let r = 0; r < 3; r++) m[r * 3 + c] /= n;
  }
  const r = nearestOrthogonal(m);
  const worldOf: number[] = [-1, -1, -1];
  const negative: boolean[] = [false, false, false];
  for (let inAx = 0; inAx < 3; inAx++) {
    let best = -1;
    let bestAbs = 1e-12; // an all-zero column (degenerate axis) takes a leftover world axis below
    for (let row = 0; row < 3; row++) {
      const v = Math.abs(r[row * 3 + inAx]);
      if (v > bestAbs) {
        bestAbs = v;
        best = row;
      }
    }
    if (best < 0) continue;
    worldOf[inAx] = best;
    negative[inAx] = r[best * 3 + inAx] < 0;
    for (let c = 0; c < 3; c++) r[best * 3 + c] = 0;
  }
  for (let inAx = 0; inAx < 3; inAx++) {
    if (worldOf[inAx] < 0) worldOf[inAx] = [0, 1, 2].find((w) => !worldOf.includes(w)) ?? inAx;
  }
  const perm: Vec3 = [0, 1, 2];
  const flip: [boolean, boolean, boolean] = [false, false, false];
  for (let inAx = 0; inAx < 3; inAx++) {
    perm[worldOf[inAx]] = inAx;
    flip[worldOf[inAx]] = negative[inAx];
  }
  return { perm, flip };
}

/** The orientation that undoes `o`: reorient(reorient(v, o), inverseOrientation(o)) equals v. */
export function inverseOrientation(o: Orientation): Orientation {
  const perm: Vec3 = [0, 1, 2];
  const flip: [boolean, boolean, boolean] = [false, false, false];
  for (let a = 0; a < 3; a++) {
    perm[o.perm[a]] = a;
    flip[o.perm[a]] = o.flip[a];
  }
  return { perm, flip };
}

function checkOrientation(o: Orientation): void {
  const seen = new Set(o.perm);
  if (seen.size !== 3 || !o.perm.every((p) => p === 0 || p === 1 || p === 2)) {
    throw new RangeError(`orientation perm [${o.perm.join(', ')}] is not a permutation of 0, 1, 2`);
  }
}

/** The grid after reorienting: dims and spacing permuted, affine changed so each voxel keeps its world position. */
export function reorientGrid(grid: Grid, o: Orientation): Grid {
  checkOrientation(o);
  const { dims, spacing, affine } = grid;
  // Input index v = T·u: v[perm[a]] = flip[a] ? n - 1 - u[a] : u[a]. New affine = affine · T.
  const t = new Array<number>(16).fill(0);
  t[15] = 1;
  for (let a = 0; a < 3; a++) {
    const p = o.perm[a];
    t[p * 4 + a] = o.flip[a] ? -1 : 1;
    t[p * 4 + 3] = o.flip[a] ? dims[p] - 1 : 0;
  }
  const out = new Array<number>(16).fill(0);
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 4; c++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += affine[r * 4 + k] * t[k * 4 + c];
      out[r * 4 + c] = s;
    }
  }
  return {
    dims: [dims[o.perm[0]], dims[o.perm[1]], dims[o.perm[2]]],
    spacing: [spacing[o.perm[0]], spacing[o.perm[1]], spacing[o.perm[2]]],
    affine: out,
  };
}

/** Same-size unsigned views, so one copy loop serves every voxel type (bits are moved, never converted). */
function wordView(data: VoxelArray): Uint8Array | Uint16Array | Uint32Array | Float64Array {
  const { buffer, byteOffset, length } = data;
  switch (data.BYTES_PER_ELEMENT) {
    case 1: return new Uint8Array(buffer, byteOffset, length);
    case 2: return new Uint16Array(buffer, byteOffset, length);
    case 4: return new Uint32Array(buffer, byteOffset, length);
    default: return new Float64Array(buffer, byteOffset, length);
  }
}

function permuteWords<T extends Uint8Array | Uint16Array | Uint32Array | Float64Array>(
  src: T, dst: T, n: Vec3, start: number, step: Vec3,
): void {
  const [n0, n1, n2] = n;
  const [s0, s1, s2] = step;
  let o = 0;
  for (let k = 0; k < n2; k++) {
    const pk = start + k * s2;
    for (let j = 0; j < n1; j++, o += n0) {
      const p = pk + j * s1;
      if (s0 === 1) {
        dst.set(src.subarray(p, p + n0), o);
      } else if (s0 === -1) {
        // A reversed row: copy, then let the engine's native reverse do the flip.
        dst.set(src.subarray(p - n0 + 1, p + 1), o);
        dst.subarray(o, o + n0).reverse();
      } else {
        let q = p;
        for (let i = 0; i < n0; i++, q += s0) dst[o + i] = src[q];
      }
    }
  }
}

/** An array of the same type and length; uninitialised under Node (every element is written next). */
function allocLike(src: VoxelArray): VoxelArray {
  const Ctor = src.constructor as { new (length: number): VoxelArray; new (buf: ArrayBuffer, offset: number, length: number): VoxelArray };
  if (typeof Buffer === 'undefined') return new Ctor(src.length);
  const buf = Buffer.allocUnsafeSlow(src.byteLength).buffer as ArrayBuffer;
  return new Ctor(buf, 0, src.length);
}

/**
 * Permutes and flips the voxels so that output axis a is input axis perm[a] (reversed when flip[a]).
 * The identity returns the same data array, uncopied.
 */
export function reorient(volume: Volume, o: Orientation): Volume {
  const grid = reorientGrid(volume.grid, o);
  if (isIdentityOrientation(o)) return { grid, data: volume.data };
  const { dims } = volume.grid;
  const strideIn = [1, dims[0], dims[0] * dims[1]];
  let start = 0;
  const step: Vec3 = [0, 0, 0];
  for (let a = 0; a < 3; a++) {
    const p = o.perm[a];
    step[a] = o.flip[a] ? -strideIn[p] : strideIn[p];
    if (o.flip[a]) start += (dims[p] - 1) * strideIn[p];
  }
  const src = volume.data;
  const out = allocLike(src);
  permuteWords(wordView(src), wordView(out), grid.dims, start, step);
  return { grid, data: out };
}

/** Reorients to the voxel order closest to RAS; inverseOrientation(orientation) leads back to the file's order. */
export function toCanonical(volume: Volume): { volume: Volume; orientation: Orientation } {
  const orientation = closestCanonical(volume.grid.affine);
  return { volume: reorient(volume, orientation), orientation };
}

export interface GridTolerance {
  /** Largest difference in voxel size along an axis (mm). Default 0.001. */
  spacingMm?: number;
  /** Largest distance between the centres of voxel (0, 0, 0) (mm). Default 0.01. */
  originMm?: number;
  /** Largest difference between components of the unit axis directions. Default 1e-4. */
  directionCos?: number;
}

/** A grid's geometry in its closest-canonical voxel order. */
export function canonicalGrid(g: Grid): Grid {
  return reorientGrid(g, closestCanonical(g.affine));
}

function fmt(x: number): string {
  if (x === 0) return '0';
  return Math.abs(x) >= 0.1 ? String(Math.round(x * 100) / 100) : x.toPrecision(2);
}

function unitColumn(affine: readonly number[], c: number): [number, number, number] {
  const v: [number, number, number] = [affine[c], affine[4 + c], affine[8 + c]];
  const n = Math.hypot(...v) || 1;
  return [v[0] / n, v[1] / n, v[2] / n];
}

/**
 * Whether two grids cover the same voxels in the world. Both are first brought to their closest-canonical voxel
 * order (geometry only), so the same grid stored LAS in one file and RAS in another compares equal.
 */
export function sameGrid(a: Grid, b: Grid, tol: GridTolerance = {}): { same: boolean; reason?: string } {
  const ca = canonicalGrid(a);
  const cb = canonicalGrid(b);
  if (ca.dims.some((n, i) => n !== cb.dims[i])) {
    return { same: false, reason: `dims ${ca.dims.join('x')} vs ${cb.dims.join('x')}` };
  }
  const spacingTol = tol.spacingMm ?? 1e-3;
  if (ca.spacing.some((s, i) => !(Math.abs(s - cb.spacing[i]) <= spacingTol))) {
    return { same: false, reason: `spacing ${ca.spacing.map(fmt).join('x')} vs ${cb.spacing.map(fmt).join('x')} mm` };
  }
  const dirTol = tol.directionCos ?? 1e-4;
  let dirDiff = 0;
  for (let c = 0; c < 3; c++) {
    const ua = unitColumn(ca.affine, c);
    const ub = unitColumn(cb.affine, c);
    for (let r = 0; r < 3; r++) dirDiff = Math.max(dirDiff, Math.abs(ua[r] - ub[r]));
  }
  if (!(dirDiff <= dirTol)) {
    return { same: false, reason: `axis directions differ (by up to ${fmt(dirDiff)} in direction cosine)` };
  }
  const originTol = tol.originMm ?? 1e-2;
  const d = Math.hypot(ca.affine[3] - cb.affine[3], ca.affine[7] - cb.affine[7], ca.affine[11] - cb.affine[11]);
  if (!(d <= originTol)) return { same: false, reason: `origin differs by ${fmt(d)} mm` };
  return { same: true };
}
