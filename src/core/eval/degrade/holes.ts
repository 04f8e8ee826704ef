/** Holes inside a label (missed regions): balls of `radius` voxels around given centres are cleared. */
import { SentinelError } from '../../errors';
import type { Vec3 } from '../../volume';
import { checkMask, type BinaryMask } from './mask';

export function punchHoles(mask: BinaryMask, centres: readonly Readonly<Vec3>[], radius: number): BinaryMask {
  checkMask(mask, 'punchHoles');
  if (!(radius >= 0) || !Number.isFinite(radius)) {
    throw new SentinelError('invalid_argument', `punchHoles: radius must be >= 0, got ${radius}`);
  }
  const [nx, ny, nz] = mask.dims;
  const out = new Uint8Array(mask.data.length);
  for (let p = 0; p < out.length; p++) out[p] = mask.data[p] !== 0 ? 1 : 0;
  const r = Math.floor(radius);
  const r2 = radius * radius;
  for (const [ci, cj, ck] of centres) {
    for (let k = Math.max(0, Math.ceil(ck - r)); k <= Math.min(nz - 1, Math.floor(ck + r)); k++) {
      for (let j = Math.max(0, Math.ceil(cj - r)); j <= Math.min(ny - 1, Math.floor(cj + r)); j++) {
        for (let i = Math.max(0, Math.ceil(ci - r)); i <= Math.min(nx - 1, Math.floor(ci + r)); i++) {
          const d2 = (i - ci) ** 2 + (j - cj) ** 2 + (k - ck) ** 2;
          if (d2 <= r2) out[k * nx * ny + j * nx + i] = 0;
        }
      }
    }
  }
  return { data: out, dims: [nx, ny, nz] };
}
