/** Slices the annotator skipped: the mask is cleared on the given slice indices along `axis` (default k). */
import { SentinelError } from '../../errors';
import { checkMask, type BinaryMask } from './mask';

export function dropSlices(mask: BinaryMask, indices: readonly number[], axis: 0 | 1 | 2 = 2): BinaryMask {
  checkMask(mask, 'dropSlices');
  const [nx, ny, nz] = mask.dims;
  const n = mask.dims[axis];
  const drop = new Uint8Array(n);
  for (const s of indices) {
    if (!Number.isInteger(s) || s < 0 || s >= n) {
      throw new SentinelError('invalid_argument', `dropSlices: slice ${s} is outside 0..${n - 1} along axis ${axis}`);
    }
    drop[s] = 1;
  }
  const out = new Uint8Array(mask.data.length);
  for (let k = 0, p = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, p++) {
        const s = axis === 0 ? i : axis === 1 ? j : k;
        out[p] = mask.data[p] !== 0 && !drop[s] ? 1 : 0;
      }
    }
  }
  return { data: out, dims: [nx, ny, nz] };
}
