/**
 * Binary erosion and dilation by a radius in voxels on the mask's own grid.
 * - 26-connectivity: the structuring element is the cube [-r, r]³ (r steps of the 26-neighbourhood), done as
 *   three separable running-window passes, so the cost does not grow with r.
 * - 6-connectivity: the element is the L1 ball |di| + |dj| + |dk| <= r (r steps of the 6-neighbourhood).
 * Voxels outside the grid are ignored rather than taken as background: an organ cut by the scan's field of view
 * is not eroded from the cut, since the annotator could not have drawn past it either.
 */
import { SentinelError } from '../../errors';
import { checkMask, copyMask, type BinaryMask } from './mask';

export type Connectivity = 6 | 26;

function checkArgs(mask: BinaryMask, radius: number, connectivity: number, what: string): void {
  checkMask(mask, what);
  if (!Number.isInteger(radius) || radius < 0) {
    throw new SentinelError('invalid_argument', `${what}: radius must be a whole number >= 0, got ${radius}`);
  }
  if (connectivity !== 6 && connectivity !== 26) {
    throw new SentinelError('invalid_argument', `${what}: connectivity must be 6 or 26, got ${connectivity}`);
  }
}

export function erode(mask: BinaryMask, radius: number, connectivity: Connectivity = 26): BinaryMask {
  checkArgs(mask, radius, connectivity, 'erode');
  return morph(mask, radius, connectivity, true);
}

export function dilate(mask: BinaryMask, radius: number, connectivity: Connectivity = 26): BinaryMask {
  checkArgs(mask, radius, connectivity, 'dilate');
  return morph(mask, radius, connectivity, false);
}

function morph(mask: BinaryMask, radius: number, connectivity: Connectivity, erosion: boolean): BinaryMask {
  if (radius === 0) return copyMask(mask);
  const dims: [number, number, number] = [mask.dims[0], mask.dims[1], mask.dims[2]];
  let data = normalised(mask.data);
  if (connectivity === 26) {
    for (let axis = 0; axis < 3; axis++) data = boxPass(data, dims, axis, radius, erosion);
  } else {
    for (let s = 0; s < radius; s++) data = crossStep(data, dims, erosion);
  }
  return { data, dims };
}

function normalised(src: Uint8Array): Uint8Array {
  const out = new Uint8Array(src.length);
  for (let p = 0; p < src.length; p++) out[p] = src[p] !== 0 ? 1 : 0;
  return out;
}

/**
 * One axis of the cube element: each voxel looks at the in-grid voxels within `r` along `axis`. Erosion keeps it
 * when all of them are inside, dilation sets it when any is. A running count over each line.
 */
function boxPass(src: Uint8Array, dims: [number, number, number], axis: number, r: number, erosion: boolean): Uint8Array {
  const [nx, ny] = dims;
  const n = dims[axis];
  const stride = axis === 0 ? 1 : axis === 1 ? nx : nx * ny;
  const out = new Uint8Array(src.length);
  const [a, b] = axis === 0 ? [1, 2] : axis === 1 ? [0, 2] : [0, 1];
  const strideOf = (ax: number): number => (ax === 0 ? 1 : ax === 1 ? nx : nx * ny);
  const sa = strideOf(a);
  const sb = strideOf(b);
  for (let ib = 0; ib < dims[b]; ib++) {
    for (let ia = 0; ia < dims[a]; ia++) {
      const base = ia * sa + ib * sb;
      // Window [t - r, t + r] clipped to [0, n - 1]; `count` = inside voxels in it.
      let count = 0;
      for (let t = 0; t <= Math.min(r, n - 1); t++) count += src[base + t * stride];
      for (let t = 0; t < n; t++) {
        const lo = Math.max(0, t - r);
        const hi = Math.min(n - 1, t + r);
        out[base + t * stride] = erosion ? (count === hi - lo + 1 ? 1 : 0) : count > 0 ? 1 : 0;
        // Slide: drop t - r, add t + r + 1.
        if (t - r >= 0) count -= src[base + (t - r) * stride];
        if (t + r + 1 < n) count += src[base + (t + r + 1) * stride];
      }
    }
  }
  return out;
}

/** One step of the 6-neighbourhood (the voxel and its in-grid face neighbours). */
function crossStep(src: Uint8Array, dims: [number, number, number], erosion: boolean): Uint8Array {
  const [nx, ny, nz] = dims;
  const plane = nx * ny;
  const out = new Uint8Array(src.length);
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      let p = k * plane + j * nx;
      for (let i = 0; i < nx; i++, p++) {
        const v = src[p];
        if (erosion) {
          out[p] =
            v &&
            (i === 0 || src[p - 1]) &&
            (i === nx - 1 || src[p + 1]) &&
            (j === 0 || src[p - nx]) &&
            (j === ny - 1 || src[p + nx]) &&
            (k === 0 || src[p - plane]) &&
            (k === nz - 1 || src[p + plane])
              ? 1
              : 0;
        } else {
          out[p] =
            v ||
            (i > 0 && src[p - 1]) ||
            (i < nx - 1 && src[p + 1]) ||
            (j > 0 && src[p - nx]) ||
            (j < ny - 1 && src[p + nx]) ||
            (k > 0 && src[p - plane]) ||
            (k < nz - 1 && src[p + plane])
              ? 1
              : 0;
        }
      }
    }
  }
  return out;
}
