/**
 * Where a SEG's frames land. Preferably on the reference grid (the CT's): a frame whose pixels fall exactly on
 * voxel centres there (within 5% of a voxel, any axis order or direction) is copied across directly. Otherwise the
 * frames are stacked on a grid of their own (their plane, the normal, the slice spacing), which the caller
 * resamples onto the reference grid.
 */
import { SentinelError } from '../../errors';
import type { Grid, Vec3 } from '../../volume';
import { applyPoint, applyVector, invertAffine, lpsToRas } from '../affine';
import type { SegFrame, SegObject } from './seg-read';
import { cross, dot, lpsColumnsToRas } from './series-geometry';

/** Where frame pixel (r, c) goes: voxel index base + c·dc + r·dr. */
export interface Placement {
  base: number;
  dc: number;
  dr: number;
}

export interface SegPlacement {
  grid: Grid;
  /** One per frame, in frame order. */
  placements: Placement[];
  /** True when the grid is the reference grid given. */
  onReference: boolean;
  warnings: string[];
}

const VOXEL_TOL = 0.05;
/** Most slices a SEG's own grid may span. */
const MAX_SLICES = 20000;

/** The placement of one frame on a grid, or null when its pixels do not fall on the grid's voxel centres. */
export function placeOnGrid(grid: Grid, frame: SegFrame, rows: number, cols: number): Placement | null {
  const inv = invertAffine(grid.affine);
  const [rowSp, colSp] = frame.pixelSpacing;
  const p0 = applyPoint(inv, lpsToRas(frame.ipp));
  const stepC = applyVector(inv, lpsToRas([frame.rowDir[0] * colSp, frame.rowDir[1] * colSp, frame.rowDir[2] * colSp]));
  const stepR = applyVector(inv, lpsToRas([frame.colDir[0] * rowSp, frame.colDir[1] * rowSp, frame.colDir[2] * rowSp]));
  const stride = [1, grid.dims[0], grid.dims[0] * grid.dims[1]];
  const unitAxis = (v: Vec3): { axis: number; sign: number } | null => {
    const axis = [0, 1, 2].reduce((best, a) => (Math.abs(v[a]) > Math.abs(v[best]) ? a : best), 0);
    const sign = Math.sign(v[axis]);
    const exact = [0, 1, 2].every((a) => Math.abs(v[a] - (a === axis ? sign : 0)) <= VOXEL_TOL / Math.max(rows, cols));
    return exact ? { axis, sign } : null;
  };
  const c = unitAxis(stepC);
  const r = unitAxis(stepR);
  if (!c || !r || c.axis === r.axis) return null;
  const start = p0.map(Math.round);
  if (p0.some((x, a) => Math.abs(x - start[a]) > VOXEL_TOL)) return null;
  for (const [dc, dr] of [[0, 0], [cols - 1, 0], [0, rows - 1], [cols - 1, rows - 1]]) {
    const idx = [0, 1, 2].map((a) => start[a] + (a === c.axis ? c.sign * dc : 0) + (a === r.axis ? r.sign * dr : 0));
    if (idx.some((x, a) => x < 0 || x >= grid.dims[a])) return null;
  }
  return {
    base: start[0] * stride[0] + start[1] * stride[1] + start[2] * stride[2],
    dc: c.sign * stride[c.axis],
    dr: r.sign * stride[r.axis],
  };
}

/** The frames stacked on their own grid: i along rows, j down columns, k along the normal. */
export function ownGrid(seg: SegObject): { grid: Grid; placements: Placement[] } {
  const { frames } = seg;
  const path = seg.file.path;
  const f0 = frames[0];
  if (!f0) throw new SentinelError('empty', 'the segmentation has no frames', path);
  for (const f of frames) {
    const sameDir = [0, 1, 2].every((a) => Math.abs(f.rowDir[a] - f0.rowDir[a]) < 1e-4 && Math.abs(f.colDir[a] - f0.colDir[a]) < 1e-4);
    if (!sameDir) throw new SentinelError('unsupported', `frames ${f0.index + 1} and ${f.index + 1} have different orientations`, path);
    if (Math.abs(f.pixelSpacing[0] - f0.pixelSpacing[0]) > 1e-4 || Math.abs(f.pixelSpacing[1] - f0.pixelSpacing[1]) > 1e-4) {
      throw new SentinelError('unsupported', `frames ${f0.index + 1} and ${f.index + 1} have different pixel spacings`, path);
    }
  }
  const normal = cross(f0.rowDir, f0.colDir);
  const t = frames.map((f) => dot(normal, f.ipp));
  const u0 = dot(f0.rowDir, f0.ipp);
  const v0 = dot(f0.colDir, f0.ipp);
  const [rowSp, colSp] = f0.pixelSpacing;
  frames.forEach((f) => {
    if (Math.abs(dot(f.rowDir, f.ipp) - u0) > VOXEL_TOL * colSp || Math.abs(dot(f.colDir, f.ipp) - v0) > VOXEL_TOL * rowSp) {
      throw new SentinelError('unsupported', `frame ${f.index + 1} is shifted within its plane relative to frame 1; such frames are not stacked on one grid`, path);
    }
  });
  const distinct = [...t].sort((a, b) => a - b).filter((x, i, a) => i === 0 || x - a[i - 1] > 1e-3);
  const gaps = distinct.slice(1).map((x, i) => x - distinct[i]);
  const spacing = seg.spacingBetweenSlices ?? (gaps.length > 0 ? Math.min(...gaps) : seg.sliceThickness ?? 1);
  const tMin = distinct[0];
  const { rows, cols } = seg.format;
  // A spacing far below the pixel size, or thousands of empty slices, is a lying header, not a segmentation.
  if (!(spacing >= 0.05 * Math.min(rowSp, colSp))) throw new SentinelError('corrupt', `slice spacing ${spacing} mm is implausible for ${colSp} mm pixels`, path);
  const nk = Math.round((distinct[distinct.length - 1] - tMin) / spacing) + 1;
  if (!(nk >= 1 && nk <= MAX_SLICES && nk * rows * cols <= 2 ** 31)) throw new SentinelError('too_large', `the frames span ${nk} slices of ${spacing} mm`, path);
  const plane = rows * cols;
  const placements = frames.map((f, n) => {
    const kf = (t[n] - tMin) / spacing;
    const k = Math.round(kf);
    if (Math.abs(kf - k) > VOXEL_TOL) {
      throw new SentinelError('unsupported', `frame ${f.index + 1} lies between slices of a ${spacing} mm grid (position ${t[n].toFixed(3)} mm)`, path);
    }
    return { base: k * plane, dc: 1, dr: cols };
  });
  const first = frames[t.indexOf(tMin)];
  const origin: Vec3 = [first.ipp[0], first.ipp[1], first.ipp[2]];
  const c0: Vec3 = [f0.rowDir[0] * colSp, f0.rowDir[1] * colSp, f0.rowDir[2] * colSp];
  const c1: Vec3 = [f0.colDir[0] * rowSp, f0.colDir[1] * rowSp, f0.colDir[2] * rowSp];
  const c2: Vec3 = [normal[0] * spacing, normal[1] * spacing, normal[2] * spacing];
  return { grid: { dims: [cols, rows, nk], spacing: [colSp, rowSp, spacing], affine: lpsColumnsToRas(c0, c1, c2, origin) }, placements };
}

export function segPlacement(seg: SegObject, referenceGrid?: Grid): SegPlacement {
  const { rows, cols } = seg.format;
  if (referenceGrid) {
    const placements = seg.frames.map((f) => placeOnGrid(referenceGrid, f, rows, cols));
    if (placements.every((p): p is Placement => p !== null)) {
      return { grid: referenceGrid, placements, onReference: true, warnings: [] };
    }
  }
  const own = ownGrid(seg);
  return { ...own, onReference: false, warnings: [] };
}
