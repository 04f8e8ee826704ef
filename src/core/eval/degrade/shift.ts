/** A misregistered label: the whole mask moved by a whole number of voxels; what leaves the grid is lost. */
import { SentinelError } from '../../errors';
import type { Vec3 } from '../../volume';
import { checkMask, type BinaryMask } from './mask';

export function shiftMask(mask: BinaryMask, offset: Readonly<Vec3>): BinaryMask {
  checkMask(mask, 'shift');
  if (!offset.every((o) => Number.isInteger(o))) {
    throw new SentinelError('invalid_argument', `shift: offset ${offset.join(', ')} must be whole voxels`);
  }
  const [nx, ny, nz] = mask.dims;
  const [di, dj, dk] = offset;
  const out = new Uint8Array(mask.data.length);
  const src = mask.data;
  // Only the source range that lands inside the grid is visited.
  const i0 = Math.max(0, -di);
  const i1 = Math.min(nx, nx - di);
  for (let k = Math.max(0, -dk); k < Math.min(nz, nz - dk); k++) {
    for (let j = Math.max(0, -dj); j < Math.min(ny, ny - dj); j++) {
      const from = k * nx * ny + j * nx;
      const to = (k + dk) * nx * ny + (j + dj) * nx + di;
      for (let i = i0; i < i1; i++) if (src[from + i] !== 0) out[to + i] = 1;
    }
  }
  return { data: out, dims: [nx, ny, nz] };
}
