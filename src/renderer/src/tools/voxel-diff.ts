/**
 * One undoable edit: the voxels it changed, as ascending indices and one byte per voxel. The byte holds the value
 * the volume does NOT currently have: the old value while the edit is applied, the new value once it is reverted.
 * Reverting or re-applying swaps the two, so an edit costs 5 bytes per changed voxel and nothing else.
 */
import type { Vec3 } from './voxel-grid';
import { ToolError } from './tool-error';

/** Changed region in vtk.js order [iMin, iMax, jMin, jMax, kMin, kMax] (inclusive), for a partial texture upload. */
export type VoxelExtent = [number, number, number, number, number, number];

export class VoxelDiff {
  readonly indices: Uint32Array;
  readonly extent: VoxelExtent;
  private readonly values: Uint8Array;
  private applied = true;

  /**
   * @param indices ascending, distinct data indices of the changed voxels
   * @param oldValues their values before the edit (the volume must hold the new values now)
   */
  constructor(indices: Uint32Array, oldValues: Uint8Array, dims: Vec3) {
    if (indices.length !== oldValues.length) {
      throw new ToolError('invalid_argument', `diff has ${indices.length} indices but ${oldValues.length} values`);
    }
    if (indices.length === 0) throw new ToolError('invalid_argument', 'a diff needs at least one changed voxel');
    for (let n = 1; n < indices.length; n++) {
      if (indices[n] <= indices[n - 1]) throw new ToolError('invalid_argument', 'diff indices must be ascending and distinct');
    }
    this.indices = indices;
    this.values = oldValues;
    this.extent = extentOf(indices, dims);
  }

  /** Number of changed voxels. */
  get size(): number {
    return this.indices.length;
  }

  /** Memory held by the diff, for the history's byte cap. */
  get byteLength(): number {
    return this.indices.byteLength + this.values.byteLength;
  }

  get isApplied(): boolean {
    return this.applied;
  }

  /** Puts the old values back. */
  revert(volume: Uint8Array): void {
    if (!this.applied) throw new ToolError('invalid_argument', 'diff is already reverted');
    this.swap(volume);
    this.applied = false;
  }

  /** Writes the new values again (redo). */
  apply(volume: Uint8Array): void {
    if (this.applied) throw new ToolError('invalid_argument', 'diff is already applied');
    this.swap(volume);
    this.applied = true;
  }

  /** Values before the edit, one per index (a copy). `volume` is the volume the diff belongs to. */
  oldValues(volume: Uint8Array): Uint8Array {
    return this.applied ? this.values.slice() : this.gather(volume);
  }

  /** Values after the edit, one per index (a copy). */
  newValues(volume: Uint8Array): Uint8Array {
    return this.applied ? this.gather(volume) : this.values.slice();
  }

  private gather(volume: Uint8Array): Uint8Array {
    const out = new Uint8Array(this.indices.length);
    for (let n = 0; n < out.length; n++) out[n] = volume[this.indices[n]];
    return out;
  }

  private swap(volume: Uint8Array): void {
    const { indices, values } = this;
    const last = indices[indices.length - 1];
    if (last >= volume.length) throw new ToolError('invalid_argument', `diff reaches voxel ${last} of a ${volume.length}-voxel volume`);
    for (let n = 0; n < indices.length; n++) {
      const idx = indices[n];
      const t = volume[idx];
      volume[idx] = values[n];
      values[n] = t;
    }
  }
}

function extentOf(indices: Uint32Array, dims: Vec3): VoxelExtent {
  const nx = dims[0];
  const plane = dims[0] * dims[1];
  let iMin = Infinity;
  let iMax = -Infinity;
  let jMin = Infinity;
  let jMax = -Infinity;
  for (let n = 0; n < indices.length; n++) {
    const idx = indices[n];
    const i = idx % nx;
    const j = ((idx - i) / nx) % dims[1];
    if (i < iMin) iMin = i;
    if (i > iMax) iMax = i;
    if (j < jMin) jMin = j;
    if (j > jMax) jMax = j;
  }
  // Indices are ascending, so k is smallest first and largest last.
  const kMin = Math.floor(indices[0] / plane);
  const kMax = Math.floor(indices[indices.length - 1] / plane);
  return [iMin, iMax, jMin, jMax, kMin, kMax];
}

/** Smallest extent holding both (e.g. several diffs uploaded at once). */
export function unionExtent(a: VoxelExtent, b: VoxelExtent): VoxelExtent {
  return [Math.min(a[0], b[0]), Math.max(a[1], b[1]), Math.min(a[2], b[2]), Math.max(a[3], b[3]), Math.min(a[4], b[4]), Math.max(a[5], b[5])];
}
