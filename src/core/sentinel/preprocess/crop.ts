/**
 * The crop of one slice around its mask, with the reference's integer arithmetic:
 *   r0 = max(rowMin - margin, 0),  r1 = min(rowMax + margin, H)   (rowMax inclusive, r1 exclusive)
 * so the margin is `margin` pixels before the mask and `margin - 1` after it, exactly as the authors' numpy code
 * crops `s[r0:r1]`. Then the shorter side is widened by floor(diff / 2) on each side, each end clipped to the image,
 * which makes the box near-square (not square when clipped or when diff is odd).
 */
import { SentinelError } from '../../errors';
import type { CropBox, SliceBounds, VolumeLike } from './types';
import { checkLength } from './slices';

/** Inclusive bounding box of the inside voxels of slice k (value > 0, or === label); null when the slice is empty. */
export function sliceBoundingBox(mask: VolumeLike, k: number, label?: number): SliceBounds | null {
  const [nx, ny, nz] = mask.grid.dims;
  checkLength(mask.data, nx * ny * nz);
  if (!Number.isInteger(k) || k < 0 || k >= nz) {
    throw new SentinelError('invalid_argument', `slice ${k} is outside 0..${nz - 1}`);
  }
  const data = mask.data;
  let rowMin = -1;
  let rowMax = -1;
  let colMin = nx;
  let colMax = -1;
  for (let j = 0; j < ny; j++) {
    const row = k * nx * ny + j * nx;
    // First and last inside column of this row; the row's inner part can be skipped once both are known.
    let first = -1;
    for (let i = 0; i < nx; i++) {
      if (inside(data[row + i], label)) {
        first = i;
        break;
      }
    }
    if (first < 0) continue;
    let last = first;
    for (let i = nx - 1; i > first; i--) {
      if (inside(data[row + i], label)) {
        last = i;
        break;
      }
    }
    if (rowMin < 0) rowMin = j;
    rowMax = j;
    if (first < colMin) colMin = first;
    if (last > colMax) colMax = last;
  }
  return rowMin < 0 ? null : { rowMin, rowMax, colMin, colMax };
}

function inside(v: number, label: number | undefined): boolean {
  return label === undefined ? v > 0 : v === label;
}

/** The crop box of a slice of `height` rows and `width` columns around `bounds` (see the header comment). */
export function cropBox(bounds: SliceBounds, height: number, width: number, margin = 20): CropBox {
  if (!Number.isInteger(margin) || margin < 0) {
    throw new SentinelError('invalid_argument', `crop margin must be a non-negative integer, got ${margin}`);
  }
  let r0 = Math.max(bounds.rowMin - margin, 0);
  let r1 = Math.min(bounds.rowMax + margin, height);
  let c0 = Math.max(bounds.colMin - margin, 0);
  let c1 = Math.min(bounds.colMax + margin, width);
  const h = r1 - r0;
  const w = c1 - c0;
  if (h > w) {
    const half = Math.floor((h - w) / 2);
    c0 = Math.max(c0 - half, 0);
    c1 = Math.min(c1 + half, width);
  } else if (w > h) {
    const half = Math.floor((w - h) / 2);
    r0 = Math.max(r0 - half, 0);
    r1 = Math.min(r1 + half, height);
  }
  return { rowStart: r0, rowEnd: r1, colStart: c0, colEnd: c1 };
}
