/**
 * The score of one label, as the CLI writes it (one CSV row) and the app stores it.
 * Pure data: shared by the engine, the CLI, the renderer and the tests.
 */
export type LabelStatus = 'ok' | 'empty' | 'unmapped' | 'grid_mismatch' | 'error';

export const LABEL_STATUSES: readonly LabelStatus[] = ['ok', 'empty', 'unmapped', 'grid_mismatch', 'error'];

export interface LabelScore {
  caseId: string;
  /** The label's name as found in the dataset (file name without .nii.gz, or the label-table name). */
  organ: string;
  /** Path of the mask file relative to the dataset root; `file#value` for a label inside a multi-label map. */
  labelPath: string;
  /** DAP Atlas organ id whose embedding scored it; null when unmapped. */
  organId: number | null;
  /** Mean of the slice predictions; null unless status is ok. */
  predictedDsc: number | null;
  /** Slice indices k (RAS-closest voxel order, inferior to superior) that were scored. */
  slices: number[];
  /** Prediction per scored slice, same order as `slices`. */
  sliceDsc: number[];
  worstSlice: number | null;
  worstSliceDsc: number | null;
  status: LabelStatus;
  message: string;
  /** Wall time spent on this label (its share of decoding, preprocessing and inference). */
  seconds: number;
  /** name@version of the model card. */
  model: string;
  /** Execution provider that ran the model (cpu, cuda, ...). */
  ep: string;
}

/** Stable identity of a label across runs, shards and the app: case + label path. */
export function labelKey(s: Pick<LabelScore, 'caseId' | 'labelPath'>): string {
  return `${s.caseId}\u0000${s.labelPath}`;
}

/** Mean and worst slice of per-slice predictions; the lowest slice is the one to show the annotator first. */
export function summariseSlices(slices: number[], sliceDsc: number[]): {
  predictedDsc: number | null;
  worstSlice: number | null;
  worstSliceDsc: number | null;
} {
  if (sliceDsc.length === 0) return { predictedDsc: null, worstSlice: null, worstSliceDsc: null };
  let sum = 0;
  let worst = 0;
  for (let i = 0; i < sliceDsc.length; i++) {
    sum += sliceDsc[i];
    if (sliceDsc[i] < sliceDsc[worst]) worst = i;
  }
  return { predictedDsc: sum / sliceDsc.length, worstSlice: slices[worst], worstSliceDsc: sliceDsc[worst] };
}
