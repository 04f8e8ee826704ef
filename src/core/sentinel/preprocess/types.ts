/**
 * Shapes shared by the preprocessing steps of the Quality Sentinel inference path.
 * Slices are taken along k with rows = j and columns = i, on volumes already reoriented to closest-RAS order.
 */
import type { Grid, Volume } from '../../volume';

/** What the preprocessing reads of a volume: its voxels and their dims (a `Volume` fits). */
export type VolumeLike = Pick<Volume, 'data'> & { grid: Pick<Grid, 'dims'> };

/**
 * A crop box in one slice, half-open: rows [rowStart, rowEnd) (j), columns [colStart, colEnd) (i).
 * Half-open because the reference slices numpy arrays with `s[r0:r1, c0:c1]`.
 */
export interface CropBox {
  rowStart: number;
  rowEnd: number;
  colStart: number;
  colEnd: number;
}

/** The mask's inclusive bounding box in one slice (first and last row and column holding a voxel). */
export interface SliceBounds {
  rowMin: number;
  rowMax: number;
  colMin: number;
  colMax: number;
}

/** Affine normalisation (x - mean) / std, computed in float32 as torchvision's Normalize does. */
export interface Normalisation {
  mean: number;
  std: number;
}

export interface PreprocessOptions {
  /** Model input size S: every slice becomes S × S. */
  size: number;
  /** CT window in HU: values are clipped to it, then rescaled to [0, 1]. Default [-200, 200]. */
  window?: readonly [number, number];
  /** Crop margin in pixels around the mask's bounding box. Default 20. */
  margin?: number;
  /** Slices per label at most. Default 10. */
  maxSlices?: number;
  /**
   * Which mask voxels are inside: those equal to `label` when given (a multi-label map), else those > 0.
   * Lets a label of a label map be scored without building a binary copy of the map.
   */
  label?: number;
  /** Default { mean: 0.5, std: 0.25 }. */
  ctNormalise?: Normalisation;
  /** Default { mean: 0.5, std: 0.5 }. */
  maskNormalise?: Normalisation;
}

export type ResolvedPreprocessOptions = Required<Omit<PreprocessOptions, 'label'>> & { label: number | undefined };

/** The defaults of the reference implementation (the authors' inference script). */
export const REFERENCE_DEFAULTS = {
  window: [-200, 200] as const,
  margin: 20,
  maxSlices: 10,
  ctNormalise: { mean: 0.5, std: 0.25 },
  maskNormalise: { mean: 0.5, std: 0.5 },
} as const;
