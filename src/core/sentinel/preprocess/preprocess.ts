/**
 * The whole inference-path preprocessing of one label: choose its slices, crop each around the mask, window the CT,
 * resize both channels with Pillow's bilinear and normalise, into one [N, 2, S, S] float32 tensor.
 * Inputs must already be in closest-RAS voxel order (see core/nifti's toCanonical).
 */
import { SentinelError } from '../../errors';
import { cropBox, sliceBoundingBox } from './crop';
import { applyResizePlan, planBilinearResize } from './resize-pillow';
import { checkLength, chooseSlices } from './slices';
import type { CropBox, PreprocessOptions, ResolvedPreprocessOptions, VolumeLike } from './types';
import { REFERENCE_DEFAULTS } from './types';
import { maskCrop, normaliseInPlace, windowedCrop } from './window';

export interface PreprocessedLabel {
  /** Model input size S. */
  size: number;
  /** The slices k the model sees, ascending; empty when the mask has no voxel. */
  slices: number[];
  /** [N, 2, S, S]: per slice, channel 0 the CT, channel 1 the mask. */
  tensors: Float32Array;
  /** The crop box of each slice, in the slice's rows (j) and columns (i). */
  boxes: CropBox[];
}

export function resolveOptions(opts: PreprocessOptions): ResolvedPreprocessOptions {
  const o: ResolvedPreprocessOptions = {
    size: opts.size,
    window: opts.window ?? REFERENCE_DEFAULTS.window,
    margin: opts.margin ?? REFERENCE_DEFAULTS.margin,
    maxSlices: opts.maxSlices ?? REFERENCE_DEFAULTS.maxSlices,
    label: opts.label,
    ctNormalise: opts.ctNormalise ?? REFERENCE_DEFAULTS.ctNormalise,
    maskNormalise: opts.maskNormalise ?? REFERENCE_DEFAULTS.maskNormalise,
  };
  if (!Number.isInteger(o.size) || o.size < 1) {
    throw new SentinelError('invalid_argument', `input size must be a positive integer, got ${o.size}`);
  }
  if (!(o.window[0] < o.window[1])) {
    throw new SentinelError('invalid_argument', `CT window [${o.window.join(', ')}] is empty`);
  }
  if (!(o.ctNormalise.std !== 0 && o.maskNormalise.std !== 0)) {
    throw new SentinelError('invalid_argument', 'normalisation std must not be 0');
  }
  return o;
}

function checkPair(ct: VolumeLike, mask: VolumeLike): void {
  const a = ct.grid.dims;
  const b = mask.grid.dims;
  if (a[0] !== b[0] || a[1] !== b[1] || a[2] !== b[2]) {
    throw new SentinelError('grid_mismatch', `mask dims ${b.join('×')} differ from the CT's ${a.join('×')}`);
  }
  checkLength(ct.data, a[0] * a[1] * a[2]);
  checkLength(mask.data, b[0] * b[1] * b[2]);
}

/**
 * Writes slice k's two channels into `out` at `offset` (2·S·S values) and returns its crop box.
 * Throws `empty` when the slice has no mask voxel.
 */
function writeSlice(ct: VolumeLike, mask: VolumeLike, k: number, o: ResolvedPreprocessOptions, out: Float32Array, offset: number): CropBox {
  const [nx, ny] = ct.grid.dims;
  const bounds = sliceBoundingBox(mask, k, o.label);
  if (!bounds) throw new SentinelError('empty', `slice ${k} holds no voxel of the mask`);
  const box = cropBox(bounds, ny, nx, o.margin);
  const w = box.colEnd - box.colStart;
  const h = box.rowEnd - box.rowStart;
  const s = o.size;
  // Both channels share the crop size, hence one set of resize weights.
  const plan = planBilinearResize(w, h, s, s);
  const ctOut = out.subarray(offset, offset + s * s);
  const maskOut = out.subarray(offset + s * s, offset + 2 * s * s);
  applyResizePlan(plan, windowedCrop(ct.data, nx, ny, k, box, o.window), ctOut);
  applyResizePlan(plan, maskCrop(mask.data, nx, ny, k, box, o.label), maskOut);
  normaliseInPlace(ctOut, o.ctNormalise);
  normaliseInPlace(maskOut, o.maskNormalise);
  return box;
}

/** One slice k as a [2, S, S] tensor (channel 0 CT, channel 1 mask) with its crop box. */
export function preprocessSlice(
  ct: VolumeLike,
  mask: VolumeLike,
  k: number,
  opts: PreprocessOptions,
): { tensor: Float32Array; box: CropBox } {
  const o = resolveOptions(opts);
  checkPair(ct, mask);
  const tensor = new Float32Array(2 * o.size * o.size);
  const box = writeSlice(ct, mask, k, o, tensor, 0);
  return { tensor, box };
}

/** A label's chosen slices as one [N, 2, S, S] tensor; N = 0 when the mask is empty (the caller reports it). */
export function preprocessLabel(ct: VolumeLike, mask: VolumeLike, opts: PreprocessOptions): PreprocessedLabel {
  const o = resolveOptions(opts);
  checkPair(ct, mask);
  const slices = chooseSlices(mask, o.maxSlices, o.label);
  const per = 2 * o.size * o.size;
  const tensors = new Float32Array(slices.length * per);
  const boxes = slices.map((k, n) => writeSlice(ct, mask, k, o, tensors, n * per));
  return { size: o.size, slices, tensors, boxes };
}
