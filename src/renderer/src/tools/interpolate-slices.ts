/**
 * Fills the slices between two edited slices of one orientation by shape-based interpolation: the signed distance
 * fields of both slices' masks are blended linearly by position, and each slice in between takes the blend's
 * inside (field <= 0). The slices in between are replaced, not merged with what they held.
 */
import type { EditRecorder } from './edit-recorder';
import { signedDistance } from './distance-transform';
import { ToolError } from './tool-error';
import { readSlice, sliceCount, sliceFrame, type SliceAxis } from './voxel-grid';

export interface InterpolationResult {
  /** Slices written (k1 + 1 .. k2 - 1). */
  slices: number;
  /** Voxels whose value changed. */
  changed: number;
}

export function interpolateSlices(
  recorder: EditRecorder,
  axis: SliceAxis,
  from: number,
  to: number,
  value = 1,
): InterpolationResult {
  const grid = recorder.grid;
  const n = sliceCount(grid, axis);
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to >= n || from >= to) {
    throw new ToolError('invalid_argument', `interpolation needs two ${axis} slices k1 < k2 within 0..${n - 1}, got ${from} and ${to}`);
  }
  if (!Number.isInteger(value) || value < 1 || value > 255) throw new ToolError('invalid_argument', `value ${value} is not a label value 1..255`);
  const a = sliceFrame(grid, axis, from);
  const b = sliceFrame(grid, axis, to);
  const { width: w, height: h, spacingU, spacingV } = a;
  const maskA = readSlice(recorder.volume, a);
  const maskB = readSlice(recorder.volume, b);
  for (const [mask, k] of [[maskA, from], [maskB, to]] as const) {
    if (!mask.includes(1)) throw new ToolError('empty_slice', `${axis} slice ${k} has no mask voxels: draw the shape on both slices first`);
  }
  const fieldA = signedDistance(maskA, w, h, spacingU, spacingV);
  const fieldB = signedDistance(maskB, w, h, spacingU, spacingV);
  let changed = 0;
  for (let s = from + 1; s < to; s++) {
    const t = (s - from) / (to - from);
    const frame = sliceFrame(grid, axis, s);
    for (let v = 0; v < h; v++) {
      const row = frame.origin + v * frame.strideV;
      for (let u = 0; u < w; u++) {
        const p = u + v * w;
        // Both slices have shape pixels, so no field is +Infinity and the blend is never NaN.
        const d = (1 - t) * fieldA[p] + t * fieldB[p];
        if (recorder.write(row + u * frame.strideU, d <= 0 ? value : 0)) changed++;
      }
    }
  }
  return { slices: to - from - 1, changed };
}
