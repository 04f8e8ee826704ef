/**
 * One case's organs as one multi-label map on the CT's grid. Organ i of the export's organ list gets value i + 1.
 * Masks are read and brought onto the CT's grid exactly as scoring does (dataset/read-volume, dataset/grid-rule):
 * in the voxel order closest to RAS, resampled with nearest neighbour when the grid rule says so (a warning is
 * kept), refused when it calls the grid a mismatch. Overlaps: a voxel belongs to the first organ in label order
 * that has it; later organs' overlapping voxels are counted, never silently moved.
 */
import { SentinelError } from '../errors';
import { canonicalGrid, closestCanonical, inverseOrientation, reorient } from '../nifti';
import { fitToCt } from '../dataset/grid-rule';
import { LabelVolumeReader } from '../dataset/read-volume';
import type { LabelEntry } from '../dataset/manifest';
import type { Grid } from '../volume';
import { checkpoint } from './control';

export interface LabelMap {
  /** The map on the CT's grid in closest-RAS voxel order (`grid`). */
  data: Uint8Array | Uint16Array;
  grid: Grid;
  /** Voxels each organ has in the map, in label order. */
  voxels: number[];
  /** Voxels of each organ that an earlier organ had already (so they are not this organ's in the map). */
  overlapped: number[];
  /** Resampling notes of the grid rule, per organ that needed one. */
  warnings: string[];
}

/** Largest label value a uint16 map holds; more organs than this cannot be exported as one map. */
const MAX_LABELS = 65535;

/**
 * Builds the map. `ctGrid` is the CT's grid in its file's voxel order (its header); `resolve` gives the absolute
 * path to read of a dataset-relative file (the store's: corrected workspace copies first).
 */
export async function buildLabelMap(ctGrid: Grid, labels: readonly LabelEntry[], resolve: (rel: string) => string, signal?: AbortSignal): Promise<LabelMap> {
  if (labels.length > MAX_LABELS) throw new SentinelError('unsupported', `${labels.length} organs do not fit one label map (at most ${MAX_LABELS})`);
  const grid = canonicalGrid(ctGrid);
  const n = grid.dims[0] * grid.dims[1] * grid.dims[2];
  const data = labels.length <= 255 ? new Uint8Array(n) : new Uint16Array(n);
  const voxels = new Array<number>(labels.length).fill(0);
  const overlapped = new Array<number>(labels.length).fill(0);
  const warnings: string[] = [];
  // One reader per case: a multi-label file is decoded once for all its organs.
  const reader = new LabelVolumeReader({ referenceGrid: ctGrid });
  for (let i = 0; i < labels.length; i++) {
    checkpoint(signal);
    const label = labels[i];
    const abs = resolve(label.source.path);
    const mask = await reader.read(abs, label.source);
    const fitted = fitToCt(mask.volume, grid, mask.fileGrid);
    if (!fitted.ok) throw new SentinelError('grid_mismatch', `the label's grid does not fit the CT's (${fitted.reason})`, label.source.path);
    if (fitted.warning) warnings.push(`${label.organ}: ${fitted.warning}`);
    const d = fitted.volume.data;
    const value = i + 1;
    const want = label.source.kind === 'multilabel' ? label.source.value : null;
    let count = 0;
    let lost = 0;
    for (let j = 0; j < n; j++) {
      if (want === null ? !(d[j] > 0) : d[j] !== want) continue;
      if (data[j] === 0) {
        data[j] = value;
        count++;
      } else lost++;
    }
    voxels[i] = count;
    overlapped[i] = lost;
  }
  return { data, grid, voxels, overlapped, warnings };
}

/** The map in the voxel order of a file whose grid is `fileGrid` (the CT's own order), for writing beside it. */
export function toFileOrder(map: LabelMap, fileGrid: Grid): Uint8Array | Uint16Array {
  const back = reorient({ grid: map.grid, data: map.data }, inverseOrientation(closestCanonical(fileGrid.affine)));
  return back.data as Uint8Array | Uint16Array;
}
