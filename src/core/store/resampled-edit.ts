/**
 * Saving a label that lies on another grid than its CT (dataset/grid-rule resampled it for the editor). The editor
 * edits it on the CT's grid; writing that back by resampling the whole mask would blur every voxel the annotator
 * never touched. Instead only the edit travels: each voxel of the file takes the edited value of its nearest CT
 * voxel where that CT voxel was changed, and keeps its own value everywhere else.
 */
import { SentinelError } from '../errors';
import { resampleNearest } from '../formats';
import { canonicalGrid, inverseOrientation, reorient, toCanonical } from '../nifti';
import type { Grid } from '../volume';

/** Per CT voxel: 0 untouched, else what the edit did to it. */
const REMOVED = 1;
const ADDED = 2;

/**
 * The new 0/1 mask in the file's voxel order.
 * @param fileGrid the label file's grid (its voxel order); `before` its current label mask, 0/1, in that order
 * @param ctGrid the CT's grid (any voxel order); `edited` the editor's mask in the CT's closest-RAS order
 */
export function editFromCtGrid(fileGrid: Grid, before: Uint8Array, ctGrid: Grid, edited: Uint8Array, file: string): Uint8Array {
  const ct = canonicalGrid(ctGrid);
  const n = ct.dims[0] * ct.dims[1] * ct.dims[2];
  if (edited.length !== n) {
    throw new SentinelError('invalid_argument', `the mask has ${edited.length} voxels; the CT grid ${ct.dims.join('x')} has ${n}`, file);
  }
  const { volume: own, orientation } = toCanonical({ grid: fileGrid, data: before });
  // What the editor was shown: the file's mask resampled onto the CT's grid, exactly as loadLabel did it.
  const shown = resampleNearest(own, ct).volume.data;
  const delta = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const now = edited[i] !== 0;
    if (now !== (shown[i] !== 0)) delta[i] = now ? ADDED : REMOVED;
  }
  const back = resampleNearest({ grid: ct, data: delta }, own.grid).volume.data;
  const out = new Uint8Array(own.data.length);
  for (let i = 0; i < out.length; i++) {
    out[i] = back[i] === ADDED ? 1 : back[i] === REMOVED ? 0 : own.data[i] !== 0 ? 1 : 0;
  }
  return reorient({ grid: own.grid, data: out }, inverseOrientation(orientation)).data as Uint8Array;
}
