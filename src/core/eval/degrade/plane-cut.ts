/**
 * A label with part of the organ missing: everything beyond a plane is cut off. The plane is placed so that
 * about `fraction` of the mask's voxels (those furthest along `normal`, in voxel coordinates) are removed; voxels
 * exactly on the plane go with the removed side, so an axis-aligned cut removes whole slices.
 */
import { SentinelError } from '../../errors';
import type { Vec3 } from '../../volume';
import { checkMask, type BinaryMask } from './mask';

export function planeCut(mask: BinaryMask, normal: Readonly<Vec3>, fraction: number): BinaryMask {
  checkMask(mask, 'planeCut');
  if (!(fraction >= 0 && fraction <= 1)) {
    throw new SentinelError('invalid_argument', `planeCut: fraction must be in [0, 1], got ${fraction}`);
  }
  if (!normal.every(Number.isFinite) || (normal[0] === 0 && normal[1] === 0 && normal[2] === 0)) {
    throw new SentinelError('invalid_argument', `planeCut: normal (${normal.join(', ')}) is not a direction`);
  }
  const [nx, ny, nz] = mask.dims;
  const [a, b, c] = normal;
  const src = mask.data;
  const out = new Uint8Array(src.length);
  const along: number[] = [];
  for (let k = 0, p = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, p++) if (src[p] !== 0) along.push(a * i + b * j + c * k);
    }
  }
  const keep = Math.round((1 - fraction) * along.length);
  if (keep >= along.length) {
    for (let p = 0; p < src.length; p++) out[p] = src[p] !== 0 ? 1 : 0;
    return { data: out, dims: [nx, ny, nz] };
  }
  const sorted = Float64Array.from(along).sort();
  const cut = sorted[keep];
  for (let k = 0, p = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, p++) if (src[p] !== 0 && a * i + b * j + c * k < cut) out[p] = 1;
    }
  }
  return { data: out, dims: [nx, ny, nz] };
}
