/**
 * Messages to and from the mask-preparation workers: a worker decodes one mask file (any format), reorients it,
 * brings it onto the case's CT grid (dataset/grid-rule) and runs the reference preprocessing against the CT, which it reads from shared
 * memory (decoded once per case by the caller). Only the small [N, 2, S, S] tensor comes back.
 */
import type { Grid, VoxelArray } from '../volume';
import type { Normalisation } from '../sentinel/preprocess';

export type VoxelTypeName =
  | 'Uint8Array' | 'Int8Array' | 'Int16Array' | 'Uint16Array' | 'Int32Array' | 'Uint32Array' | 'Float32Array' | 'Float64Array';

export interface SharedCt {
  buffer: SharedArrayBuffer;
  type: VoxelTypeName;
  grid: Grid;
}

export interface PrepSettings {
  size: number;
  maxSlices: number;
  window: [number, number];
  margin: number;
  ctNormalise: Normalisation;
  maskNormalise: Normalisation;
}

export interface PrepRequest {
  id: number;
  /** Absolute path of the mask file. */
  path: string;
  /** Shown in messages instead of the absolute path. */
  displayPath: string;
  ct: SharedCt;
  settings: PrepSettings;
  /** The CT's header grid, where a DICOM SEG's frames lie. */
  referenceGrid?: Grid;
}

export type PrepResponse =
  /** `warning`: the mask was resampled onto the CT's grid (dataset/grid-rule). */
  | { id: number; status: 'ok'; slices: number[]; tensors: Float32Array; warning?: string }
  | { id: number; status: 'empty' | 'grid_mismatch' | 'error'; message: string };

const CONSTRUCTORS = {
  Uint8Array, Int8Array, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array,
} as const;

/** Copies a CT's voxels into shared memory, once per case, so every worker reads them without a copy. */
export function shareCt(data: VoxelArray, grid: Grid): SharedCt {
  const buffer = new SharedArrayBuffer(data.byteLength);
  new Uint8Array(buffer).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return { buffer, type: data.constructor.name as VoxelTypeName, grid };
}

export function viewShared(ct: SharedCt): VoxelArray {
  return new CONSTRUCTORS[ct.type](ct.buffer as unknown as ArrayBuffer);
}
