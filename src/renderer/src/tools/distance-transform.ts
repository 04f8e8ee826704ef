/**
 * Exact Euclidean distance transforms of 2D images, in millimetres with a pixel size per axis. Separable: a 1D
 * lower envelope of parabolas along each row, then along each column (Felzenszwalb & Huttenlocher's method),
 * O(pixels) in total.
 */
import { ToolError } from './tool-error';

/** Which pixels distances are measured to. */
export type FeatureSide = 'nonzero' | 'zero';

/**
 * 1D squared distance: out[q] = min over p of ((q - p) * spacing)^2 + f[p]. Infinite f[p] are no feature at all;
 * a line without any finite f stays infinite. `v` and `z` are scratch buffers of at least n and n + 1 entries.
 */
function envelope1d(f: Float64Array, n: number, spacing: number, out: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = -1;
  for (let q = 0; q < n; q++) {
    const fq = f[q];
    if (fq === Infinity) continue;
    const xq = q * spacing;
    if (k < 0) {
      k = 0;
      v[0] = q;
      z[0] = -Infinity;
      z[1] = Infinity;
      continue;
    }
    // Where q's parabola starts to lie below the envelope; z[0] = -Infinity stops the walk back at k = 0.
    let p = v[k];
    let s = (fq + xq * xq - (f[p] + p * spacing * p * spacing)) / (2 * (xq - p * spacing));
    while (s <= z[k]) {
      k--;
      p = v[k];
      s = (fq + xq * xq - (f[p] + p * spacing * p * spacing)) / (2 * (xq - p * spacing));
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = Infinity;
  }
  if (k < 0) {
    out.fill(Infinity, 0, n);
    return;
  }
  let j = 0;
  for (let q = 0; q < n; q++) {
    const xq = q * spacing;
    while (z[j + 1] < xq) j++;
    const d = xq - v[j] * spacing;
    out[q] = d * d + f[v[j]];
  }
}

/**
 * Squared distance in mm² from each pixel's centre to the nearest centre of a feature pixel (0 on features,
 * Infinity when the image has none). Row v, column u at index u + v*width.
 */
export function squaredDistanceTransform(
  image: Uint8Array,
  width: number,
  height: number,
  spacingU: number,
  spacingV: number,
  side: FeatureSide = 'nonzero',
): Float64Array {
  if (image.length !== width * height) {
    throw new ToolError('invalid_argument', `image holds ${image.length} pixels, ${width}×${height} needs ${width * height}`);
  }
  if (!(spacingU > 0) || !(spacingV > 0)) throw new ToolError('invalid_argument', `pixel size ${spacingU}×${spacingV} is not positive`);
  const out = new Float64Array(width * height);
  const n = Math.max(width, height);
  const f = new Float64Array(n);
  const d = new Float64Array(n);
  const v = new Int32Array(n);
  const z = new Float64Array(n + 1);
  const wantNonzero = side === 'nonzero';
  for (let row = 0; row < height; row++) {
    const base = row * width;
    for (let u = 0; u < width; u++) f[u] = (image[base + u] !== 0) === wantNonzero ? 0 : Infinity;
    envelope1d(f, width, spacingU, d, v, z);
    for (let u = 0; u < width; u++) out[base + u] = d[u];
  }
  for (let col = 0; col < width; col++) {
    for (let r = 0; r < height; r++) f[r] = out[col + r * width];
    envelope1d(f, height, spacingV, d, v, z);
    for (let r = 0; r < height; r++) out[col + r * width] = d[r];
  }
  return out;
}

/**
 * Signed distance in mm of a binary image's shape: negative inside, positive outside. The boundary is put half the
 * smaller pixel size outside the shape's pixel centres, so the zero level lies between the last pixel in and the
 * first pixel out, and thresholding the field at 0 gives back exactly the shape. Infinity when the image has no
 * shape pixel; -Infinity inside when it has no background pixel.
 */
export function signedDistance(image: Uint8Array, width: number, height: number, spacingU: number, spacingV: number): Float64Array {
  const toShape = squaredDistanceTransform(image, width, height, spacingU, spacingV, 'nonzero');
  const toBackground = squaredDistanceTransform(image, width, height, spacingU, spacingV, 'zero');
  const half = Math.min(spacingU, spacingV) / 2;
  for (let p = 0; p < toShape.length; p++) {
    toShape[p] = image[p] !== 0 ? half - Math.sqrt(toBackground[p]) : Math.sqrt(toShape[p]) - half;
  }
  return toShape;
}
