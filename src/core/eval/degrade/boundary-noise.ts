/**
 * A ragged outline: each voxel on the mask's boundary (inside with an outside face neighbour, or outside with an
 * inside one) flips with probability `p`. The draw per voxel is stateless (seed, voxel index), so a larger `p`
 * flips a superset of the voxels a smaller one flips and the damage grows monotonically with `p`.
 */
import { SentinelError } from '../../errors';
import { voxelUniform } from '../rng';
import { checkMask, onBoundary6, type BinaryMask } from './mask';

export function boundaryNoise(mask: BinaryMask, p: number, seed: number): BinaryMask {
  checkMask(mask, 'boundaryNoise');
  if (!(p >= 0 && p <= 1)) throw new SentinelError('invalid_argument', `boundaryNoise: p must be in [0, 1], got ${p}`);
  const [nx, ny, nz] = mask.dims;
  const src = mask.data;
  const out = new Uint8Array(src.length);
  for (let k = 0, q = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, q++) {
        const inside = src[q] !== 0;
        const flip = p > 0 && onBoundary6(src, mask.dims, i, j, k, q) && voxelUniform(seed, q) < p;
        out[q] = inside !== flip ? 1 : 0;
      }
    }
  }
  return { data: out, dims: [nx, ny, nz] };
}
