/**
 * The engine's in-memory image: a 3D voxel grid with its geometry.
 * Voxel (i, j, k) lives at data[i + j * dims[0] + k * dims[0] * dims[1]] (i fastest), as in NIfTI.
 */
export type VoxelArray =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array;

export type Vec3 = [number, number, number];

export interface Grid {
  /** Voxels along i, j, k. */
  dims: Vec3;
  /** Voxel size in mm along i, j, k (always positive). */
  spacing: Vec3;
  /** 4×4 voxel-index → world (RAS+, mm) matrix, row-major, 16 numbers. */
  affine: number[];
}

export interface Volume {
  grid: Grid;
  data: VoxelArray;
}

/**
 * How a volume was reoriented to the voxel order closest to RAS: output axis a takes input axis perm[a],
 * reversed when flip[a]. Kept so that a corrected mask is written back in its file's own voxel order.
 */
export interface Orientation {
  perm: Vec3;
  flip: [boolean, boolean, boolean];
}

export function voxelCount(grid: Grid): number {
  return grid.dims[0] * grid.dims[1] * grid.dims[2];
}
