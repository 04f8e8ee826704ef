/**
 * NIfTI geometry: the voxel → world (RAS+ mm) affine from sform, else qform, else pixdim (the standard's
 * method 1), and back from an affine to the quaternion fields when a changed geometry is written.
 */
import type { Grid, Vec3 } from '../volume';
import type { NiftiHeader } from './types';

export type AffineSource = 'sform' | 'qform' | 'pixdim';

type Mat3 = [number, number, number, number, number, number, number, number, number];

/** Voxel size from pixdim, made positive; a missing or zero size falls back to the affine's column length, then 1. */
export function headerSpacing(header: Pick<NiftiHeader, 'pixdim'>, affine?: readonly number[]): Vec3 {
  const out: Vec3 = [1, 1, 1];
  for (let a = 0; a < 3; a++) {
    const p = Math.abs(header.pixdim[a + 1]);
    if (Number.isFinite(p) && p > 0) out[a] = p;
    else if (affine) {
      const n = Math.hypot(affine[a], affine[4 + a], affine[8 + a]);
      if (Number.isFinite(n) && n > 0) out[a] = n;
    }
  }
  return out;
}

/** The affine a reader should use, and where it came from. */
export function niftiAffine(header: NiftiHeader): { affine: number[]; source: AffineSource } {
  if (header.sformCode > 0 && [...header.srowX, ...header.srowY, ...header.srowZ].every(Number.isFinite)) {
    return { affine: [...header.srowX, ...header.srowY, ...header.srowZ, 0, 0, 0, 1], source: 'sform' };
  }
  if (header.qformCode > 0) return { affine: qformAffine(header), source: 'qform' };
  const s = headerSpacing(header);
  return { affine: [s[0], 0, 0, 0, 0, s[1], 0, 0, 0, 0, s[2], 0, 0, 0, 0, 1], source: 'pixdim' };
}

/** The qform affine (quaternion, voxel sizes, qfac and offsets), as the standard defines it. */
export function qformAffine(h: NiftiHeader): number[] {
  let b = finite(h.quaternB);
  let c = finite(h.quaternC);
  let d = finite(h.quaternD);
  const bcd = b * b + c * c + d * d;
  let a: number;
  if (bcd <= 1) a = Math.sqrt(1 - bcd);
  else {
    // |(b,c,d)| a hair over 1 from float32 rounding: a 180° rotation, renormalised.
    const n = Math.sqrt(bcd);
    b /= n;
    c /= n;
    d /= n;
    a = 0;
  }
  const r = quaternToMatrix(a, b, c, d);
  const s = headerSpacing(h);
  const qfac = h.pixdim[0] < 0 ? -1 : 1;
  const sz = s[2] * qfac;
  return [
    r[0] * s[0], r[1] * s[1], r[2] * sz, finite(h.qoffsetX),
    r[3] * s[0], r[4] * s[1], r[5] * sz, finite(h.qoffsetY),
    r[6] * s[0], r[7] * s[1], r[8] * sz, finite(h.qoffsetZ),
    0, 0, 0, 1,
  ];
}

function finite(x: number): number {
  return Number.isFinite(x) ? x : 0;
}

function quaternToMatrix(a: number, b: number, c: number, d: number): Mat3 {
  return [
    a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c),
    2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b),
    2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b,
  ];
}

export function niftiGrid(header: NiftiHeader, dims: Vec3): Grid {
  const { affine } = niftiAffine(header);
  return { dims: [...dims], spacing: headerSpacing(header, affine), affine };
}

export interface QformFields {
  quaternB: number;
  quaternC: number;
  quaternD: number;
  qoffsetX: number;
  qoffsetY: number;
  qoffsetZ: number;
  qfac: 1 | -1;
  /** False when the affine's columns are far from orthogonal (a shear the qform cannot hold). */
  exact: boolean;
}

/** The quaternion fields for an affine (rotation part orthogonalised; qfac carries a reflection). */
export function affineToQform(affine: readonly number[]): QformFields {
  const m: Mat3 = [affine[0], affine[1], affine[2], affine[4], affine[5], affine[6], affine[8], affine[9], affine[10]];
  // Normalise the columns; a zero column becomes the axis it would be in an identity matrix.
  for (let col = 0; col < 3; col++) {
    const n = Math.hypot(m[col], m[3 + col], m[6 + col]);
    if (n > 0 && Number.isFinite(n)) for (let row = 0; row < 3; row++) m[row * 3 + col] /= n;
    else for (let row = 0; row < 3; row++) m[row * 3 + col] = row === col ? 1 : 0;
  }
  const q = nearestOrthogonal(m);
  let exact = true;
  for (let i = 0; i < 9; i++) if (Math.abs(q[i] - m[i]) > 1e-4) exact = false;
  let qfac: 1 | -1 = 1;
  if (det3(q) < 0) {
    qfac = -1;
    q[2] = -q[2];
    q[5] = -q[5];
    q[8] = -q[8];
  }
  const [a, b, c, d] = matrixToQuatern(q);
  const sign = a < 0 ? -1 : 1; // the file stores b, c, d and implies a >= 0
  return {
    quaternB: sign * b,
    quaternC: sign * c,
    quaternD: sign * d,
    qoffsetX: affine[3],
    qoffsetY: affine[7],
    qoffsetZ: affine[11],
    qfac,
    exact,
  };
}

export function det3(m: Mat3 | number[]): number {
  return m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
}

function inverseTranspose3(m: Mat3): Mat3 | undefined {
  const det = det3(m);
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) return undefined;
  // inverse = adjugate / det; its transpose is the cofactor matrix / det.
  return [
    (m[4] * m[8] - m[5] * m[7]) / det, -(m[3] * m[8] - m[5] * m[6]) / det, (m[3] * m[7] - m[4] * m[6]) / det,
    -(m[1] * m[8] - m[2] * m[7]) / det, (m[0] * m[8] - m[2] * m[6]) / det, -(m[0] * m[7] - m[1] * m[6]) / det,
    (m[1] * m[5] - m[2] * m[4]) / det, -(m[0] * m[5] - m[2] * m[3]) / det, (m[0] * m[4] - m[1] * m[3]) / det,
  ];
}

/**
 * The orthogonal factor of the polar decomposition (the rotation/reflection closest to `m`), by Newton's
 * iteration Q ← (Q + Q⁻ᵀ)/2. A singular matrix is returned unchanged; callers treat it as best effort.
 */
export function nearestOrthogonal(m: Mat3): Mat3 {
  let q: Mat3 = [...m];
  for (let it = 0; it < 50; it++) {
    const inv = inverseTranspose3(q);
    if (!inv) return [...m];
    let change = 0;
    const next = q.map((v, i) => 0.5 * (v + inv[i])) as Mat3;
    for (let i = 0; i < 9; i++) change = Math.max(change, Math.abs(next[i] - q[i]));
    q = next;
    if (change < 1e-15) break;
  }
  return q;
}

/** Unit quaternion (a, b, c, d) of a proper rotation matrix (row-major), by the largest-component branch. */
function matrixToQuatern(r: Mat3): [number, number, number, number] {
  const [r00, r01, r02, r10, r11, r12, r20, r21, r22] = r;
  const trace = r00 + r11 + r22;
  let a: number, b: number, c: number, d: number;
  if (trace > 0) {
    const s = 2 * Math.sqrt(1 + trace);
    a = s / 4;
    b = (r21 - r12) / s;
    c = (r02 - r20) / s;
    d = (r10 - r01) / s;
  } else if (r00 >= r11 && r00 >= r22) {
    const s = 2 * Math.sqrt(Math.max(0, 1 + r00 - r11 - r22));
    a = (r21 - r12) / s;
    b = s / 4;
    c = (r01 + r10) / s;
    d = (r02 + r20) / s;
  } else if (r11 >= r22) {
    const s = 2 * Math.sqrt(Math.max(0, 1 + r11 - r00 - r22));
    a = (r02 - r20) / s;
    b = (r01 + r10) / s;
    c = s / 4;
    d = (r12 + r21) / s;
  } else {
    const s = 2 * Math.sqrt(Math.max(0, 1 + r22 - r00 - r11));
    a = (r10 - r01) / s;
    b = (r02 + r20) / s;
    c = (r12 + r21) / s;
    d = s / 4;
  }
  const n = Math.hypot(a, b, c, d);
  return [a / n, b / n, c / n, d / n];
}

/** Largest absolute difference between two affines. */
export function affineDistance(a: readonly number[], b: readonly number[]): number {
  let m = 0;
  for (let i = 0; i < 16; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
