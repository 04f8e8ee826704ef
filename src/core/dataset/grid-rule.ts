/**
 * The grid rule: when a mask is scored on its CT's grid as it is, when it is resampled onto it, and when it is a
 * mismatch. One rule for the scan (header level), scoring and the editor:
 * 1. the same voxels after both are brought to the voxel order closest to RAS (nifti/sameGrid) → used as it is
 *    (a mask stored LAS by dcm2niix over a DICOM series is this case);
 * 2. boxes that do not overlap in the world → `grid_mismatch` (the mask belongs to another image);
 * 3. the CT's very sampling (dims, spacing, axes) with only the origin moved → `grid_mismatch`: the same voxel
 *    array placed elsewhere is a lost or wrong header far more often than a real other grid, and resampling it
 *    would score a shifted mask;
 * 4. any other overlapping grid (another resolution, a crop, another orientation) → resampled onto the CT's grid
 *    with nearest neighbour, with a warning in the label's message; the label stays `ok`.
 */
import { canonicalGrid, sameGrid } from '../nifti';
import { resampleNearest } from '../formats';
import type { Grid, Volume } from '../volume';

export type GridVerdict =
  | { kind: 'same' }
  | { kind: 'resample'; reason: string }
  | { kind: 'mismatch'; reason: string };

/** Judges a mask's grid against its CT's (either voxel order; both are compared in closest-RAS order). */
export function judgeGrid(mask: Grid, ct: Grid): GridVerdict {
  const same = sameGrid(mask, ct);
  if (same.same) return { kind: 'same' };
  const reason = same.reason ?? 'different geometry';
  if (!boxesOverlap(mask, ct)) return { kind: 'mismatch', reason: `${reason}; the mask lies outside the CT` };
  const cm = canonicalGrid(mask);
  const cc = canonicalGrid(ct);
  const sameSampling = sameGrid(cm, { ...cc, affine: shiftedTo(cc.affine, cm.affine) });
  if (sameSampling.same) return { kind: 'mismatch', reason };
  return { kind: 'resample', reason };
}

/** The message of a resampled label (scan and scores say the same). */
export function resampledMessage(reason: string): string {
  return `mask grid differs from the CT's (${reason}): resampled onto the CT grid, nearest neighbour`;
}

/**
 * Brings a mask (closest-RAS order) onto the CT's grid (closest-RAS order) by the rule above: the volume itself when
 * the grids are the same, a nearest-neighbour resampling with its warning, or a mismatch reason. `fileGrid` is the
 * grid the mask's file holds, when its reader already put it on the CT's grid (core/formats does, given one).
 */
export function fitToCt(
  mask: Volume,
  ctGrid: Grid,
  fileGrid: Grid = mask.grid,
): { ok: true; volume: Volume; warning: string | null } | { ok: false; reason: string } {
  const verdict = judgeGrid(fileGrid, ctGrid);
  if (verdict.kind === 'same') return { ok: true, volume: mask, warning: null };
  if (verdict.kind === 'mismatch') return { ok: false, reason: verdict.reason };
  if (fileGrid !== mask.grid && sameGrid(mask.grid, ctGrid).same) {
    return { ok: true, volume: mask, warning: resampledMessage(verdict.reason) };
  }
  const r = resampleNearest(mask, ctGrid);
  const warning = resampledMessage(verdict.reason);
  return { ok: true, volume: r.volume, warning: r.warning ? `${warning}; ${r.warning}` : warning };
}

/** `affine` with its translation replaced by `from`'s. */
function shiftedTo(affine: readonly number[], from: readonly number[]): number[] {
  const out = [...affine];
  out[3] = from[3];
  out[7] = from[7];
  out[11] = from[11];
  return out;
}

/** World (RAS, mm) box of a grid's voxels, voxel edges included. */
function worldBox(g: Grid): { lo: number[]; hi: number[] } {
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  const a = g.affine;
  for (let corner = 0; corner < 8; corner++) {
    const v = [0, 1, 2].map((ax) => ((corner >> ax) & 1 ? g.dims[ax] - 0.5 : -0.5));
    for (let r = 0; r < 3; r++) {
      const w = a[r * 4] * v[0] + a[r * 4 + 1] * v[1] + a[r * 4 + 2] * v[2] + a[r * 4 + 3];
      lo[r] = Math.min(lo[r], w);
      hi[r] = Math.max(hi[r], w);
    }
  }
  return { lo, hi };
}

/** Whether the two grids' world boxes share a volume (not only a face). */
export function boxesOverlap(a: Grid, b: Grid): boolean {
  const A = worldBox(a);
  const B = worldBox(b);
  for (let r = 0; r < 3; r++) if (!(Math.min(A.hi[r], B.hi[r]) - Math.max(A.lo[r], B.lo[r]) > 1e-6)) return false;
  return true;
}
