/** Small 4×4 affine helpers (row-major, last row 0 0 0 1) for mapping between voxel grids. */
import { SentinelError } from '../errors';
import type { Vec3 } from '../volume';

/** The inverse of an affine; a singular one is an error (a grid with a zero-length or repeated axis). */
export function invertAffine(a: readonly number[]): number[] {
  const [m00, m01, m02, t0, m10, m11, m12, t1, m20, m21, m22, t2] = a;
  const c00 = m11 * m22 - m12 * m21;
  const c01 = m12 * m20 - m10 * m22;
  const c02 = m10 * m21 - m11 * m20;
  const det = m00 * c00 + m01 * c01 + m02 * c02;
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) throw new SentinelError('invalid_argument', 'the grid\'s affine is singular');
  const inv = [
    c00 / det, (m02 * m21 - m01 * m22) / det, (m01 * m12 - m02 * m11) / det,
    c01 / det, (m00 * m22 - m02 * m20) / det, (m02 * m10 - m00 * m12) / det,
    c02 / det, (m01 * m20 - m00 * m21) / det, (m00 * m11 - m01 * m10) / det,
  ];
  const out = new Array<number>(16).fill(0);
  for (let r = 0; r < 3; r++) {
    out[r * 4] = inv[r * 3];
    out[r * 4 + 1] = inv[r * 3 + 1];
    out[r * 4 + 2] = inv[r * 3 + 2];
    out[r * 4 + 3] = -(inv[r * 3] * t0 + inv[r * 3 + 1] * t1 + inv[r * 3 + 2] * t2);
  }
  out[15] = 1;
  return out;
}

export function multiplyAffine(a: readonly number[], b: readonly number[]): number[] {
  const out = new Array<number>(16).fill(0);
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 4; c++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += a[r * 4 + k] * b[k * 4 + c];
      out[r * 4 + c] = s;
    }
  }
  return out;
}

/** a · (x, y, z, 1). */
export function applyPoint(a: readonly number[], p: readonly number[]): Vec3 {
  return [0, 1, 2].map((r) => a[r * 4] * p[0] + a[r * 4 + 1] * p[1] + a[r * 4 + 2] * p[2] + a[r * 4 + 3]) as Vec3;
}

/** a's linear part · v (a direction, no translation). */
export function applyVector(a: readonly number[], v: readonly number[]): Vec3 {
  return [0, 1, 2].map((r) => a[r * 4] * v[0] + a[r * 4 + 1] * v[1] + a[r * 4 + 2] * v[2]) as Vec3;
}

/** LPS (DICOM's patient frame) ↔ RAS: x and y change sign. */
export function lpsToRas(p: readonly number[]): Vec3 {
  return [-p[0], -p[1], p[2]];
}
