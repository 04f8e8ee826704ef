/**
 * The non-learned baseline the model is compared with: a shape prior. A label's compactness (sphericity)
 *   C = 36 π V² / A³     (V in mm³, A in mm²; 1 for a ball, less for anything ragged, holed or fragmented)
 * is taken relative to the median compactness of the labels of the same organ in the evaluation, and labels are
 * reviewed from the least compact (relative to their organ) up. The area counts the faces between inside and
 * outside voxels; faces on the edge of the grid are not counted (that is where the scan cut the organ, not the
 * annotator). Voxel faces overstate a smooth surface, which the per-organ ratio cancels to first order.
 */
import type { Vec3 } from '../volume';
import type { BinaryMask } from './degrade/mask';

/** Compactness of a mask on a grid of `spacing` mm; 0 for an empty mask. */
export function compactness(mask: BinaryMask, spacing: Readonly<Vec3>): number {
  const [nx, ny, nz] = mask.dims;
  const [sx, sy, sz] = spacing;
  const d = mask.data;
  const plane = nx * ny;
  let voxels = 0;
  // Faces normal to i, j, k.
  let fi = 0;
  let fj = 0;
  let fk = 0;
  for (let k = 0, p = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, p++) {
        const v = d[p] !== 0;
        if (v) voxels++;
        // Each interior face is seen once, from its lower voxel.
        if (i < nx - 1 && v !== (d[p + 1] !== 0)) fi++;
        if (j < ny - 1 && v !== (d[p + nx] !== 0)) fj++;
        if (k < nz - 1 && v !== (d[p + plane] !== 0)) fk++;
      }
    }
  }
  if (voxels === 0) return 0;
  const volume = voxels * sx * sy * sz;
  const area = fi * sy * sz + fj * sx * sz + fk * sx * sy;
  if (area === 0) return 0;
  return (36 * Math.PI * volume * volume) / (area * area * area);
}

function median(values: number[]): number {
  const s = values.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Each label's compactness divided by the median of its organ's (a score where lower means review sooner).
 * `organs[i]` groups the labels; an organ whose median is 0 gives 0.
 */
export function relativeCompactness(values: readonly number[], organs: readonly string[]): number[] {
  const byOrgan = new Map<string, number[]>();
  values.forEach((v, i) => {
    const list = byOrgan.get(organs[i]);
    if (list) list.push(v);
    else byOrgan.set(organs[i], [v]);
  });
  const medians = new Map([...byOrgan].map(([o, list]) => [o, median(list)]));
  return values.map((v, i) => {
    const m = medians.get(organs[i]) ?? 0;
    return m > 0 ? v / m : 0;
  });
}
