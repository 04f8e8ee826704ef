/**
 * A leak into a neighbouring organ: the label grows `steps` 6-connected steps, but only into voxels of `region`
 * (another label of the case), as a region-growing tool that crossed a weak boundary would.
 */
import { SentinelError } from '../../errors';
import { checkSameDims, type BinaryMask } from './mask';

export function leakInto(mask: BinaryMask, region: BinaryMask, steps: number): BinaryMask {
  checkSameDims(mask, region, 'leakInto');
  if (!Number.isInteger(steps) || steps < 0) {
    throw new SentinelError('invalid_argument', `leakInto: steps must be a whole number >= 0, got ${steps}`);
  }
  const [nx, ny, nz] = mask.dims;
  const plane = nx * ny;
  const allowed = region.data;
  const out = new Uint8Array(mask.data.length);
  let front: number[] = [];
  for (let p = 0; p < out.length; p++) {
    if (mask.data[p] !== 0) {
      out[p] = 1;
      front.push(p);
    }
  }
  // Breadth-first growth from the current front; each step only looks at the voxels added by the last one.
  for (let s = 0; s < steps && front.length > 0; s++) {
    const next: number[] = [];
    for (const p of front) {
      const i = p % nx;
      const j = Math.floor(p / nx) % ny;
      const k = Math.floor(p / plane);
      const visit = (q: number): void => {
        if (out[q] === 0 && allowed[q] !== 0) {
          out[q] = 1;
          next.push(q);
        }
      };
      if (i > 0) visit(p - 1);
      if (i < nx - 1) visit(p + 1);
      if (j > 0) visit(p - nx);
      if (j < ny - 1) visit(p + nx);
      if (k > 0) visit(p - plane);
      if (k < nz - 1) visit(p + plane);
    }
    front = next;
  }
  return { data: out, dims: [nx, ny, nz] };
}
