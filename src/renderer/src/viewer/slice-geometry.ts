/**
 * Where things are on a slice view's screen. The views draw in "display space": voxel index × spacing, no origin
 * and no rotation, so physical aspect is right and a screen point maps to a voxel by a division. Volumes arrive in
 * the voxel order closest to RAS (i → right, j → anterior, k → superior), so fixed cameras give the radiological
 * convention: the patient's left on the screen's right in axial and coronal views, anterior on the left in sagittal
 * views. The orientation letters are worked out from the affine, so they stay true even for a volume that is not.
 */
import type { SliceAxis } from '../tools';
import type { SliceIndices } from './types';

export type Vec3 = [number, number, number];
type AxisIndex = 0 | 1 | 2;

export interface ViewAxes {
  /** The voxel axis the slice fixes. */
  normalAxis: AxisIndex;
  /** In-plane voxel axes, as the tools' SliceFrame names them (u, v). */
  uAxis: AxisIndex;
  vAxis: AxisIndex;
  /** Camera looks along this; screen up; screen right (= directionOfProjection × viewUp). */
  directionOfProjection: Vec3;
  viewUp: Vec3;
  right: Vec3;
}

export const VIEW_AXES: Readonly<Record<SliceAxis, ViewAxes>> = {
  // From the feet, anterior up: patient's left on the screen's right.
  axial: { normalAxis: 2, uAxis: 0, vAxis: 1, directionOfProjection: [0, 0, 1], viewUp: [0, 1, 0], right: [-1, 0, 0] },
  // From the front, superior up: patient's left on the screen's right.
  coronal: { normalAxis: 1, uAxis: 0, vAxis: 2, directionOfProjection: [0, -1, 0], viewUp: [0, 0, 1], right: [-1, 0, 0] },
  // From the patient's left, superior up: anterior on the screen's left.
  sagittal: { normalAxis: 0, uAxis: 1, vAxis: 2, directionOfProjection: [1, 0, 0], viewUp: [0, 0, 1], right: [0, -1, 0] },
};

/** Which slice view shows the planes of fixed i, j and k. */
export const AXIS_VIEW: readonly SliceAxis[] = ['sagittal', 'coronal', 'axial'];

export interface GridGeometry {
  dims: readonly [number, number, number];
  spacing: readonly [number, number, number];
}

/** Zoom and pan of one slice view; the default shows the whole slice. */
export interface ViewZoom {
  /** 1 fits the slice in the view; 2 shows it twice as large. */
  zoom: number;
  /** Display-space point shown at the view's centre (the slice's own coordinate is ignored); null: the middle. */
  center: Vec3 | null;
}

/** A slice view's parallel camera, in display space, plus the canvas size in CSS pixels it was made for. */
export interface SliceCamera {
  focalPoint: Vec3;
  /** Half the view's height in mm. */
  parallelScale: number;
  width: number;
  height: number;
  axes: ViewAxes;
}

const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

/** Voxel-centre position of slice `index` along `axis`, in display space. */
export function slicePosition(grid: GridGeometry, axis: AxisIndex, index: number): number {
  return index * grid.spacing[axis];
}

/** Centre of the volume in display space (voxel centres run from 0 to (n-1)·spacing). */
export function volumeCenter(grid: GridGeometry): Vec3 {
  return [0, 1, 2].map((a) => ((grid.dims[a] - 1) * grid.spacing[a]) / 2) as Vec3;
}

/** Camera showing slice `slice` of `view`, fitted to a `width`×`height` CSS-pixel canvas. */
export function sliceCamera(grid: GridGeometry, view: SliceAxis, slice: number, width: number, height: number, zoom: ViewZoom): SliceCamera {
  const axes = VIEW_AXES[view];
  const w = Math.max(1, width);
  const h = Math.max(1, height);
  const focal = zoom.center ? ([...zoom.center] as Vec3) : volumeCenter(grid);
  focal[axes.normalAxis] = slicePosition(grid, axes.normalAxis, slice);
  // Extent of the slice (voxel edges) along the screen's horizontal and vertical.
  const horizontal = axes.right.findIndex((c) => c !== 0);
  const vertical = axes.viewUp.findIndex((c) => c !== 0);
  const extentH = grid.dims[horizontal] * grid.spacing[horizontal];
  const extentV = grid.dims[vertical] * grid.spacing[vertical];
  const fit = Math.max(extentV / 2, extentH / 2 / (w / h)) * 1.04;
  return { focalPoint: focal, parallelScale: fit / Math.max(zoom.zoom, 1e-3), width: w, height: h, axes };
}

/** CSS-pixel position of a display-space point on the view. */
export function worldToScreen(cam: SliceCamera, p: Vec3): { x: number; y: number } {
  const d: Vec3 = [p[0] - cam.focalPoint[0], p[1] - cam.focalPoint[1], p[2] - cam.focalPoint[2]];
  const pxPerMm = cam.height / 2 / cam.parallelScale;
  return { x: cam.width / 2 + dot(d, cam.axes.right) * pxPerMm, y: cam.height / 2 - dot(d, cam.axes.viewUp) * pxPerMm };
}

/** Display-space point on the slice plane under CSS pixel (x, y). */
export function screenToWorld(cam: SliceCamera, x: number, y: number): Vec3 {
  const mmPerPx = cam.parallelScale / (cam.height / 2);
  const r = (x - cam.width / 2) * mmPerPx;
  const u = -(y - cam.height / 2) * mmPerPx;
  const { right, viewUp } = cam.axes;
  return [0, 1, 2].map((a) => cam.focalPoint[a] + r * right[a] + u * viewUp[a]) as Vec3;
}

/** Continuous voxel coordinates of a display-space point (voxel centres at integers). */
export function worldToVoxel(grid: GridGeometry, p: Vec3): Vec3 {
  return [p[0] / grid.spacing[0], p[1] / grid.spacing[1], p[2] / grid.spacing[2]];
}

/** Nearest voxel index along each axis, clamped into the volume. */
export function nearestVoxel(grid: GridGeometry, voxel: Vec3): [number, number, number] {
  return [0, 1, 2].map((a) => clampIndex(Math.round(voxel[a]), grid.dims[a])) as [number, number, number];
}

export function clampIndex(index: number, n: number): number {
  return Math.min(n - 1, Math.max(0, index));
}

/** The crosshair after a point of `view` was picked: the view's own slice stays, the other two follow the point. */
export function crosshairAt(grid: GridGeometry, view: SliceAxis, current: SliceIndices, voxel: Vec3): SliceIndices {
  const [i, j, k] = nearestVoxel(grid, voxel);
  const next = { i, j, k };
  const fixed = VIEW_AXES[view].normalAxis;
  if (fixed === 0) next.i = current.i;
  if (fixed === 1) next.j = current.j;
  if (fixed === 2) next.k = current.k;
  return next;
}

export function sliceOf(indices: SliceIndices, axis: AxisIndex): number {
  return axis === 0 ? indices.i : axis === 1 ? indices.j : indices.k;
}

export function withSlice(indices: SliceIndices, axis: AxisIndex, value: number): SliceIndices {
  return axis === 0 ? { ...indices, i: value } : axis === 1 ? { ...indices, j: value } : { ...indices, k: value };
}

/** A crosshair line on a slice view: the plane of another view, vertical or horizontal on the screen. */
export interface CrosshairLine {
  /** The view whose slice the line marks. */
  view: SliceAxis;
  orientation: 'vertical' | 'horizontal';
  /** CSS pixels: x of a vertical line, y of a horizontal one. */
  at: number;
}

export function crosshairLines(grid: GridGeometry, cam: SliceCamera, slices: SliceIndices): CrosshairLine[] {
  const lines: CrosshairLine[] = [];
  for (const a of [0, 1, 2] as AxisIndex[]) {
    if (a === cam.axes.normalAxis) continue;
    const p: Vec3 = [...cam.focalPoint];
    p[a] = slicePosition(grid, a, sliceOf(slices, a));
    const s = worldToScreen(cam, p);
    const vertical = cam.axes.right[a] !== 0;
    lines.push({ view: AXIS_VIEW[a], orientation: vertical ? 'vertical' : 'horizontal', at: vertical ? s.x : s.y });
  }
  return lines;
}

/** Anatomical letter of a direction in RAS: the dominant axis and its sign. */
export function anatomicalLetter(ras: Vec3): string {
  const abs = ras.map(Math.abs);
  const a = abs[0] >= abs[1] && abs[0] >= abs[2] ? 0 : abs[1] >= abs[2] ? 1 : 2;
  const positive = ras[a] >= 0;
  return ['LR', 'PA', 'IS'][a][positive ? 1 : 0];
}

/** RAS direction of a display-space (voxel-axis) direction, through the 4×4 row-major voxel → RAS affine. */
export function rasDirection(affine: readonly number[], d: Vec3): Vec3 {
  const out: Vec3 = [0, 0, 0];
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) {
      // Columns of the affine are voxel steps in mm; divide by their length so spacing does not weigh in.
      const len = Math.hypot(affine[c], affine[4 + c], affine[8 + c]) || 1;
      out[r] += (affine[r * 4 + c] / len) * d[c];
    }
  }
  return out;
}

export interface OrientationMarkers {
  left: string;
  right: string;
  top: string;
  bottom: string;
}

/** The anatomical letters at the four edges of a slice view. */
export function orientationMarkers(affine: readonly number[], view: SliceAxis): OrientationMarkers {
  const { right, viewUp } = VIEW_AXES[view];
  const neg = (v: Vec3): Vec3 => [-v[0], -v[1], -v[2]];
  return {
    right: anatomicalLetter(rasDirection(affine, right)),
    left: anatomicalLetter(rasDirection(affine, neg(right))),
    top: anatomicalLetter(rasDirection(affine, viewUp)),
    bottom: anatomicalLetter(rasDirection(affine, neg(viewUp))),
  };
}
