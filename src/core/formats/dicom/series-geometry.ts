/**
 * The voxel grid of a CT series. Voxel i runs along a row (Image Orientation's first vector, one column per step),
 * j down the columns (its second vector), k through the slices sorted by position along the normal (row × column).
 * The affine's third column is the mean step between slice positions, so a gantry tilt shows as a shear, not an
 * error. DICOM's patient frame is LPS: the affine is flipped in x and y into the engine's RAS.
 */
import { basename } from 'node:path';
import { SentinelError } from '../../errors';
import type { Grid, Vec3 } from '../../volume';
import type { SliceHeader } from './series';

export interface SeriesGeometry {
  /** Slices in k order. */
  slices: SliceHeader[];
  grid: Grid;
  /** Per-slice position along the normal (mm), in k order. */
  positions: number[];
  rowDir: Vec3;
  colDir: Vec3;
  warnings: string[];
}

/** Spacing deviations below this fraction of the mean pass silently; up to MAX_UNEVEN they pass with a warning. */
const QUIET_UNEVEN = 1e-3;
const MAX_UNEVEN = 0.02;

function fmt(x: number): string {
  return String(Math.round(x * 1000) / 1000);
}

export function cross(a: readonly number[], b: readonly number[]): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

export function dot(a: readonly number[], b: readonly number[]): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/** Checks an Image Orientation (Patient): two unit vectors at right angles (within the rounding files carry). */
export function checkOrientation(iop: readonly number[] | undefined, path: string): { rowDir: Vec3; colDir: Vec3 } {
  if (!iop || iop.length !== 6) throw new SentinelError('corrupt', 'Image Orientation (Patient) (0020,0037) is missing or not 6 numbers', path);
  const r: Vec3 = [iop[0], iop[1], iop[2]];
  const c: Vec3 = [iop[3], iop[4], iop[5]];
  const nr = Math.hypot(...r);
  const nc = Math.hypot(...c);
  if (Math.abs(nr - 1) > 1e-2 || Math.abs(nc - 1) > 1e-2 || Math.abs(dot(r, c)) > 1e-2) {
    throw new SentinelError('corrupt', `Image Orientation (Patient) ${iop.join('\\')} is not two unit vectors at right angles`, path);
  }
  return { rowDir: [r[0] / nr, r[1] / nr, r[2] / nr], colDir: [c[0] / nc, c[1] / nc, c[2] / nc] };
}

function same(a: readonly number[], b: readonly number[], tol: number): boolean {
  return a.length === b.length && a.every((x, i) => Math.abs(x - b[i]) <= tol);
}

/** LPS voxel → world columns and origin as a RAS+ row-major affine. */
export function lpsColumnsToRas(c0: Vec3, c1: Vec3, c2: Vec3, origin: Vec3): number[] {
  const s = [-1, -1, 1];
  const a = new Array<number>(16).fill(0);
  for (let r = 0; r < 3; r++) {
    // + 0 turns −0 into 0, so affines compare and print cleanly.
    a[r * 4] = s[r] * c0[r] + 0;
    a[r * 4 + 1] = s[r] * c1[r] + 0;
    a[r * 4 + 2] = s[r] * c2[r] + 0;
    a[r * 4 + 3] = s[r] * origin[r] + 0;
  }
  a[15] = 1;
  return a;
}

export function seriesGeometry(input: SliceHeader[], folder: string): SeriesGeometry {
  const warnings: string[] = [];
  const first = input[0];
  for (const s of input) {
    if (s.frames > 1) throw new SentinelError('unsupported', `a multi-frame image (${s.frames} frames) is not read as a slice series (enhanced multi-frame CT is not supported)`, s.path);
    if (!s.ipp || s.ipp.length !== 3) throw new SentinelError('corrupt', 'Image Position (Patient) (0020,0032) is missing', s.path);
    if (!s.pixelSpacing || s.pixelSpacing.length !== 2 || !s.pixelSpacing.every((x) => x > 0)) {
      throw new SentinelError('corrupt', 'Pixel Spacing (0028,0030) is missing or not positive', s.path);
    }
    if (!s.rows || !s.cols) throw new SentinelError('corrupt', 'Rows or Columns is missing', s.path);
  }
  const { rowDir, colDir } = checkOrientation(first.iop, first.path);
  for (const s of input) {
    if (s.rows !== first.rows || s.cols !== first.cols) {
      throw new SentinelError('unsupported', `slices differ in size: ${basename(first.path)} is ${first.cols}x${first.rows}, ${basename(s.path)} is ${s.cols}x${s.rows}`, folder);
    }
    if (!s.iop || !same(s.iop, first.iop!, 1e-4)) {
      throw new SentinelError('unsupported', `slices differ in orientation: ${basename(first.path)} has ${first.iop!.join('\\')}, ${basename(s.path)} has ${(s.iop ?? []).join('\\')}`, folder);
    }
    if (!same(s.pixelSpacing!, first.pixelSpacing!, 1e-4 * Math.max(1, first.pixelSpacing![0]))) {
      throw new SentinelError('unsupported', `slices differ in pixel spacing: ${basename(first.path)} has ${first.pixelSpacing!.join('\\')}, ${basename(s.path)} has ${s.pixelSpacing!.join('\\')}`, folder);
    }
  }
  const normal = cross(rowDir, colDir);
  const sorted = input.map((s) => ({ s, t: dot(normal, s.ipp!) })).sort((a, b) => a.t - b.t);
  const slices = sorted.map((x) => x.s);
  const positions = sorted.map((x) => x.t);
  const [rowSpacing, colSpacing] = first.pixelSpacing!;
  const c0: Vec3 = [rowDir[0] * colSpacing, rowDir[1] * colSpacing, rowDir[2] * colSpacing];
  const c1: Vec3 = [colDir[0] * rowSpacing, colDir[1] * rowSpacing, colDir[2] * rowSpacing];
  let c2: Vec3;
  const n = slices.length;
  if (n === 1) {
    const t = first.spacingBetweenSlices ?? first.sliceThickness ?? 1;
    c2 = [normal[0] * t, normal[1] * t, normal[2] * t];
    warnings.push(`a single slice: its thickness (${fmt(t)} mm) is taken as the slice spacing`);
  } else {
    checkSpacing(slices, positions, folder, warnings);
    const a = slices[0].ipp!;
    const b = slices[n - 1].ipp!;
    c2 = [(b[0] - a[0]) / (n - 1), (b[1] - a[1]) / (n - 1), (b[2] - a[2]) / (n - 1)];
    checkStacked(slices, c2, normal, Math.min(rowSpacing, colSpacing), folder);
    const step = Math.hypot(...c2);
    const tilt = Math.acos(Math.min(1, Math.abs(dot(c2, normal)) / step)) * (180 / Math.PI);
    if (tilt > 0.5) warnings.push(`the slices are stacked ${fmt(tilt)}° off their normal (gantry tilt): the grid is sheared, not resampled`);
  }
  const o = slices[0].ipp!;
  const grid: Grid = {
    dims: [first.cols!, first.rows!, n],
    spacing: [colSpacing, rowSpacing, Math.hypot(...c2)],
    affine: lpsColumnsToRas(c0, c1, c2, [o[0], o[1], o[2]]),
  };
  return { slices, grid, positions, rowDir, colDir, warnings };
}

/** Duplicate positions, missing slices and uneven spacing, each named by file and position. */
function checkSpacing(slices: SliceHeader[], t: number[], folder: string, warnings: string[]): void {
  const d = t.slice(1).map((x, i) => x - t[i]);
  for (let i = 0; i < d.length; i++) {
    if (d[i] < 1e-3) {
      throw new SentinelError('unsupported', `${basename(slices[i].path)} and ${basename(slices[i + 1].path)} lie at the same position (${fmt(t[i])} mm along the normal): the folder may hold two acquisitions of one series`, folder);
    }
  }
  if (d.length < 1) return;
  const median = [...d].sort((a, b) => a - b)[Math.floor(d.length / 2)];
  const gaps: string[] = [];
  let missing = 0;
  for (let i = 0; i < d.length; i++) {
    const r = d[i] / median;
    if (r > 1.5 && Math.abs(r - Math.round(r)) < 0.1) {
      missing += Math.round(r) - 1;
      gaps.push(`between ${basename(slices[i].path)} (${fmt(t[i])} mm) and ${basename(slices[i + 1].path)} (${fmt(t[i + 1])} mm)`);
    }
  }
  if (missing > 0) {
    throw new SentinelError('unsupported', `${missing} slice${missing === 1 ? '' : 's'} missing ${gaps.join(', ')}: the spacing is ${fmt(median)} mm elsewhere`, folder);
  }
  const mean = (t[t.length - 1] - t[0]) / d.length;
  const dev = Math.max(...d.map((x) => Math.abs(x - mean)));
  const lo = Math.min(...d);
  const hi = Math.max(...d);
  if (dev > MAX_UNEVEN * mean) {
    throw new SentinelError('unsupported', `uneven slice spacing: from ${fmt(lo)} to ${fmt(hi)} mm between neighbouring slices (the engine needs a regular grid)`, folder);
  }
  if (dev > QUIET_UNEVEN * mean) warnings.push(`slice spacing varies from ${fmt(lo)} to ${fmt(hi)} mm; the mean (${fmt(mean)} mm) is used`);
}

/**
 * Every slice must sit on the line from the first to the last: across the normal within a tenth of a pixel (along
 * it, checkSpacing has already bounded the deviation).
 */
function checkStacked(slices: SliceHeader[], c2: Vec3, normal: Vec3, pixel: number, folder: string): void {
  const o = slices[0].ipp!;
  const tol = Math.max(0.01, 0.1 * pixel);
  slices.forEach((s, k) => {
    const e = [0, 1, 2].map((r) => s.ipp![r] - (o[r] + k * c2[r]));
    const along = dot(e, normal);
    const off = Math.hypot(e[0] - along * normal[0], e[1] - along * normal[1], e[2] - along * normal[2]);
    if (off > tol) throw new SentinelError('unsupported', `${basename(s.path)} lies ${fmt(off)} mm off the line through the other slices`, folder);
  });
}
