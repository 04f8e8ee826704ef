/**
 * Pillow's BILINEAR resize of a float32 ('F' mode) image, reproduced step for step so that our tensors equal the
 * reference's: Pillow's bilinear is not textbook bilinear interpolation. It is a separable convolution with a
 * triangle filter whose support grows with the downscale factor (so it antialiases when shrinking), with each
 * output pixel's weights normalised to sum to 1 and edge pixels simply getting fewer weights. Enlarging is plain
 * bilinear with pixel-centre alignment. Weights and sums are double; each pass stores float32, as Pillow does for
 * 'F' images: a horizontal pass over the rows the vertical pass needs, then a vertical pass.
 */
import { SentinelError } from '../../errors';

/** Per output pixel of one axis: the first input index, how many inputs, and their weights (stride `ksize`). */
interface AxisWeights {
  start: Int32Array;
  count: Int32Array;
  weights: Float64Array;
  ksize: number;
}

/** Everything about a resize that does not depend on pixel values: reusable for images of the same size. */
export interface ResizePlan {
  width: number;
  height: number;
  outWidth: number;
  outHeight: number;
  /** null where Pillow skips the pass (that axis is copied unchanged). */
  horizontal: AxisWeights | null;
  vertical: AxisWeights | null;
  /** Input rows [rowFirst, rowLast) that the vertical pass reads, so the only ones the horizontal pass computes. */
  rowFirst: number;
  rowLast: number;
}

/** Source region (x0, y0, x1, y1) in input pixels, as Pillow's `box`: floats allowed, stored as C floats. */
export type ResizeBox = readonly [number, number, number, number];

function triangle(x: number): number {
  const a = x < 0 ? -x : x;
  return a < 1 ? 1 - a : 0;
}

/** Weights of one axis: input span [in0, in1) of an axis of `inSize` pixels onto `outSize` pixels. */
function axisWeights(inSize: number, in0: number, in1: number, outSize: number): AxisWeights {
  const scale = Math.fround(in1 - in0) / outSize;
  // Shrinking stretches the triangle over `scale` input pixels; enlarging keeps it one pixel wide.
  const filterScale = scale < 1 ? 1 : scale;
  const support = filterScale;
  const ksize = Math.ceil(support) * 2 + 1;
  const inv = 1 / filterScale;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * ksize);
  for (let o = 0; o < outSize; o++) {
    const center = in0 + (o + 0.5) * scale;
    // C's (int) cast truncates toward zero.
    let lo = Math.trunc(center - support + 0.5);
    if (lo < 0) lo = 0;
    let hi = Math.trunc(center + support + 0.5);
    if (hi > inSize) hi = inSize;
    const n = Math.max(hi - lo, 0);
    const base = o * ksize;
    let sum = 0;
    for (let x = 0; x < n; x++) {
      const w = triangle((x + lo - center + 0.5) * inv);
      weights[base + x] = w;
      sum += w;
    }
    if (sum !== 0) for (let x = 0; x < n; x++) weights[base + x] /= sum;
    start[o] = lo;
    count[o] = n;
  }
  return { start, count, weights, ksize };
}

/** Precomputes a resize of a width × height image (or of `box` within it) to outWidth × outHeight. */
export function planBilinearResize(
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
  box?: ResizeBox,
): ResizePlan {
  for (const [name, v] of [['width', width], ['height', height], ['outWidth', outWidth], ['outHeight', outHeight]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new SentinelError('invalid_argument', `resize: ${name} must be a positive integer, got ${v}`);
  }
  const [x0, y0, x1, y1] = (box ?? [0, 0, width, height]).map(Math.fround);
  if (!(x0 >= 0 && y0 >= 0 && x1 <= width && y1 <= height && x1 > x0 && y1 > y0)) {
    throw new SentinelError('invalid_argument', `resize: box [${box?.join(', ')}] is not a non-empty region of ${width}×${height}`);
  }
  // Pillow's own tests of whether each pass is needed; a skipped pass copies that axis.
  const needH = outWidth !== width || x0 !== 0 || x1 !== outWidth;
  const needV = outHeight !== height || y0 !== 0 || y1 !== outHeight;
  const vertical = axisWeights(height, y0, y1, outHeight);
  const last = outHeight - 1;
  return {
    width,
    height,
    outWidth,
    outHeight,
    horizontal: needH ? axisWeights(width, x0, x1, outWidth) : null,
    vertical: needV ? vertical : null,
    rowFirst: needH ? vertical.start[0] : 0,
    rowLast: needH ? vertical.start[last] + vertical.count[last] : height,
  };
}

/**
 * Runs a plan on `src` (row-major, plan.width × plan.height) into `out` (row-major outWidth × outHeight; a new array
 * when omitted, else e.g. a subarray of a batch tensor). Returns `out`.
 */
export function applyResizePlan(plan: ResizePlan, src: Float32Array, out?: Float32Array): Float32Array {
  const { width, height, outWidth, outHeight } = plan;
  if (src.length !== width * height) {
    throw new SentinelError('invalid_argument', `resize: source has ${src.length} values, expected ${width}×${height}`);
  }
  const dst = out ?? new Float32Array(outWidth * outHeight);
  if (dst.length !== outWidth * outHeight) {
    throw new SentinelError('invalid_argument', `resize: output has ${dst.length} values, expected ${outWidth}×${outHeight}`);
  }
  if (!plan.horizontal && !plan.vertical) {
    dst.set(src);
    return dst;
  }
  let rows = src;
  let rowOffset = 0;
  if (plan.horizontal) {
    const target = plan.vertical ? new Float32Array(outWidth * (plan.rowLast - plan.rowFirst)) : dst;
    resampleRows(src, width, plan.rowFirst, plan.rowLast, plan.horizontal, target, outWidth);
    rows = target;
    rowOffset = plan.rowFirst;
  }
  if (plan.vertical) resampleColumns(rows, outWidth, rowOffset, plan.vertical, dst);
  return dst;
}

/** Horizontal pass over input rows [first, last), written from row 0 of `out`. */
function resampleRows(
  src: Float32Array,
  width: number,
  first: number,
  last: number,
  axis: AxisWeights,
  out: Float32Array,
  outWidth: number,
): void {
  const { start, count, weights, ksize } = axis;
  for (let y = first; y < last; y++) {
    const srcRow = y * width;
    const outRow = (y - first) * outWidth;
    for (let o = 0; o < outWidth; o++) {
      const from = srcRow + start[o];
      const n = count[o];
      const base = o * ksize;
      let sum = 0;
      for (let x = 0; x < n; x++) sum += src[from + x] * weights[base + x];
      out[outRow + o] = sum;
    }
  }
}

/**
 * Vertical pass. Rows are accumulated whole (better memory order than Pillow's column walk) while each output
 * pixel still sums its terms in Pillow's order, so the double sums are identical.
 */
function resampleColumns(rows: Float32Array, width: number, rowOffset: number, axis: AxisWeights, out: Float32Array): void {
  const { start, count, weights, ksize } = axis;
  const acc = new Float64Array(width);
  for (let o = 0; o < start.length; o++) {
    acc.fill(0);
    const first = start[o] - rowOffset;
    const n = count[o];
    const base = o * ksize;
    for (let y = 0; y < n; y++) {
      const w = weights[base + y];
      const row = (first + y) * width;
      for (let x = 0; x < width; x++) acc[x] += rows[row + x] * w;
    }
    out.set(acc, o * width);
  }
}

/**
 * Pillow's `Image.fromarray(src, 'F').resize((outWidth, outHeight), Image.BILINEAR, box)` on a row-major
 * width × height float32 image.
 */
export function resizeBilinearPillow(
  src: Float32Array,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
  box?: ResizeBox,
): Float32Array {
  return applyResizePlan(planBilinearResize(width, height, outWidth, outHeight, box), src);
}
