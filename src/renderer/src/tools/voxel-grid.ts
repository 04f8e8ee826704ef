/**
 * Geometry of the edited volume and of one slice through it. Volumes are in the voxel order closest to RAS with data
 * index i + j*nx + k*nx*ny; axial slices fix k, coronal slices fix j, sagittal slices fix i.
 */
import { ToolError } from './tool-error';

export type Vec3 = readonly [number, number, number];

export interface VoxelGrid {
  dims: Vec3;
  /** Voxel size in mm along i, j, k. */
  spacing: Vec3;
}

export type SliceAxis = 'axial' | 'coronal' | 'sagittal';

export const SLICE_AXES: readonly SliceAxis[] = ['axial', 'coronal', 'sagittal'];

/** Which voxel axis (0 = i, 1 = j, 2 = k) a slice orientation fixes. */
export const AXIS_OF_SLICE: Readonly<Record<SliceAxis, 0 | 1 | 2>> = { axial: 2, coronal: 1, sagittal: 0 };

/**
 * One slice as a 2D image: pixel (u, v) is voxel `origin + u*strideU + v*strideV`. Axial: u = i, v = j;
 * coronal: u = i, v = k; sagittal: u = j, v = k.
 */
export interface SliceFrame {
  axis: SliceAxis;
  slice: number;
  width: number;
  height: number;
  /** Pixel size in mm along u and v. */
  spacingU: number;
  spacingV: number;
  origin: number;
  strideU: number;
  strideV: number;
}

export function voxelCount(grid: VoxelGrid): number {
  return grid.dims[0] * grid.dims[1] * grid.dims[2];
}

/** Number of slices of an orientation. */
export function sliceCount(grid: VoxelGrid, axis: SliceAxis): number {
  return grid.dims[AXIS_OF_SLICE[axis]];
}

export function checkGrid(grid: VoxelGrid): void {
  for (let a = 0; a < 3; a++) {
    const n = grid.dims[a];
    const s = grid.spacing[a];
    if (!Number.isInteger(n) || n < 1) throw new ToolError('invalid_argument', `dimension ${a} is ${n}, not a positive integer`);
    if (!(s > 0) || !Number.isFinite(s)) throw new ToolError('invalid_argument', `spacing ${a} is ${s}, not a positive size`);
  }
}

/** Throws unless `volume` holds exactly one value per voxel of `grid` (a mismatch means the caller mixed volumes). */
export function checkVolume(volume: ArrayLike<number>, grid: VoxelGrid, what = 'volume'): void {
  checkGrid(grid);
  if (volume.length !== voxelCount(grid)) {
    throw new ToolError('invalid_argument', `${what} holds ${volume.length} voxels, the grid ${grid.dims.join('×')} needs ${voxelCount(grid)}`);
  }
}

export function sliceFrame(grid: VoxelGrid, axis: SliceAxis, slice: number): SliceFrame {
  checkGrid(grid);
  const [nx, ny, nz] = grid.dims;
  const [sx, sy, sz] = grid.spacing;
  const n = sliceCount(grid, axis);
  if (!Number.isInteger(slice) || slice < 0 || slice >= n) {
    throw new ToolError('invalid_argument', `${axis} slice ${slice} is outside 0..${n - 1}`);
  }
  const plane = nx * ny;
  switch (axis) {
    case 'axial':
      return { axis, slice, width: nx, height: ny, spacingU: sx, spacingV: sy, origin: slice * plane, strideU: 1, strideV: nx };
    case 'coronal':
      return { axis, slice, width: nx, height: nz, spacingU: sx, spacingV: sz, origin: slice * nx, strideU: 1, strideV: plane };
    case 'sagittal':
      return { axis, slice, width: ny, height: nz, spacingU: sy, spacingV: sz, origin: slice, strideU: nx, strideV: plane };
  }
}

/** Voxel (i, j, k) of a data index. */
export function ijkOf(index: number, dims: Vec3): [number, number, number] {
  const i = index % dims[0];
  const rest = (index - i) / dims[0];
  const j = rest % dims[1];
  return [i, j, (rest - j) / dims[1]];
}

export function indexOf(i: number, j: number, k: number, dims: Vec3): number {
  return i + dims[0] * (j + dims[1] * k);
}

/** Copies one slice into a 2D image (row v, column u), e.g. for a distance transform. */
export function readSlice(volume: ArrayLike<number>, frame: SliceFrame, out = new Uint8Array(frame.width * frame.height)): Uint8Array {
  for (let v = 0; v < frame.height; v++) {
    const row = frame.origin + v * frame.strideV;
    for (let u = 0; u < frame.width; u++) out[u + v * frame.width] = volume[row + u * frame.strideU] !== 0 ? 1 : 0;
  }
  return out;
}
