/**
 * Fills the holes of a mask on one slice: background regions that do not touch the slice's border (4-connected)
 * become mask. Walks the slice once from its border with a preallocated queue.
 */
import type { EditRecorder } from './edit-recorder';
import { ToolError } from './tool-error';
import type { SliceFrame } from './voxel-grid';

/** Returns the number of voxels filled (protected voxels stay as they are). */
export function fillHolesInSlice(frame: SliceFrame, recorder: EditRecorder, value = 1): number {
  if (!Number.isInteger(value) || value < 1 || value > 255) throw new ToolError('invalid_argument', `fill value ${value} is not a label value 1..255`);
  const { width: w, height: h, origin, strideU, strideV } = frame;
  const volume = recorder.volume;
  const at = (u: number, v: number): number => origin + u * strideU + v * strideV;
  // 1 = background reached from the border.
  const outside = new Uint8Array(w * h);
  const queue = new Int32Array(w * h);
  let head = 0;
  let tail = 0;
  const seed = (u: number, v: number): void => {
    const p = u + v * w;
    if (outside[p] === 0 && volume[at(u, v)] === 0) {
      outside[p] = 1;
      queue[tail++] = p;
    }
  };
  for (let u = 0; u < w; u++) {
    seed(u, 0);
    seed(u, h - 1);
  }
  for (let v = 0; v < h; v++) {
    seed(0, v);
    seed(w - 1, v);
  }
  while (head < tail) {
    const p = queue[head++];
    const u = p % w;
    const v = (p - u) / w;
    if (u > 0) seed(u - 1, v);
    if (u < w - 1) seed(u + 1, v);
    if (v > 0) seed(u, v - 1);
    if (v < h - 1) seed(u, v + 1);
  }
  let filled = 0;
  for (let v = 0; v < h; v++) {
    for (let u = 0; u < w; u++) {
      const idx = at(u, v);
      if (outside[u + v * w] === 0 && volume[idx] === 0 && recorder.write(idx, value)) filled++;
    }
  }
  return filled;
}
