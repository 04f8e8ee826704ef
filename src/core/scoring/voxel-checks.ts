/**
 * Notes on voxel values that scoring accepts but a person should know about, written into the label's message:
 * - a CT with NaN or ±Inf voxels: they are treated as outside the CT window (NaN and -Inf as its low end, +Inf as
 *   its high end; sentinel/preprocess/window.ts), so one bad voxel cannot turn a score into NaN;
 * - a mask file that is not plainly binary (several positive values, fractions, negatives): every voxel > 0 is
 *   inside, as the reference implementation reads masks; a single foreground value (1, 255, 7...) is binary.
 * Both run once per volume and stop at the first proof, so clean data costs one pass and no allocation.
 */
import type { VoxelArray } from '../volume';

/** A note when a floating-point CT holds non-finite voxels, else null (integer CTs cannot). */
export function ctValueNote(data: VoxelArray): string | null {
  if (!(data instanceof Float32Array || data instanceof Float64Array)) return null;
  let nan = 0;
  let inf = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v - v !== 0) {
      if (v !== v) nan++;
      else inf++;
    }
  }
  if (nan === 0 && inf === 0) return null;
  const parts = [nan ? `${nan} NaN` : '', inf ? `${inf} infinite` : ''].filter(Boolean).join(' and ');
  return `the CT has ${parts} voxel${nan + inf === 1 ? '' : 's'}, treated as outside the CT window`;
}

/** A note when a binary mask file holds more than 0 and one foreground value, else null. */
export function maskValueNote(data: VoxelArray): string | null {
  if (data instanceof Uint8Array) return uint8Note(data);
  let fg = 0;
  let second = 0;
  let fraction = 0;
  let negative = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v === 0) continue;
    if (!(v > 0)) {
      if (!negative) negative = v;
    } else if (!Number.isInteger(v)) {
      if (!fraction) fraction = v;
    } else if (!fg) fg = v;
    else if (v !== fg && !second) second = v;
    if ((negative || fraction) && second) break;
  }
  const found: string[] = [];
  if (second) found.push(`values ${fg} and ${second}`);
  if (fraction) found.push(`fractional values such as ${fraction}`);
  if (negative) found.push(`negative or NaN values such as ${negative}, which count as outside`);
  return found.length ? `the mask is not binary (${found.join('; ')}): every voxel > 0 counts as inside` : null;
}

/** Bytes: skips zero words four bytes at a time (masks are mostly empty). */
function uint8Note(data: Uint8Array): string | null {
  let fg = 0;
  const check = (v: number): string | null => {
    if (v === 0 || v === fg) return null;
    if (!fg) {
      fg = v;
      return null;
    }
    return `the mask is not binary (values ${fg} and ${v}): every voxel > 0 counts as inside`;
  };
  let p = 0;
  const n = data.length;
  while (p < n && ((data.byteOffset + p) & 3) !== 0) {
    const note = check(data[p++]);
    if (note) return note;
  }
  const words = (n - p) >> 2;
  const view = new Uint32Array(data.buffer, data.byteOffset + p, words);
  for (let w = 0; w < words; w++) {
    if (view[w] === 0) continue;
    for (let b = 0; b < 4; b++) {
      const note = check(data[p + w * 4 + b]);
      if (note) return note;
    }
  }
  for (p += words * 4; p < n; p++) {
    const note = check(data[p]);
    if (note) return note;
  }
  return null;
}
