/**
 * The true quality of a degraded label: Dice against its reference, for the whole volume and for any slice k
 * (the 2D Dice on that slice of the canonical grid). Both masks are seen through the box that holds them both.
 */
import { dice } from '../sentinel/preprocess/dice';
import { reframe, unionBox, type BoxedMask } from './box';

export interface TrueDice {
  volume: number;
  /** 2D Dice on slice k (canonical grid index); 1 where both masks are empty on it. */
  slice(k: number): number;
}

export function trueDice(reference: BoxedMask, degraded: BoxedMask): TrueDice {
  const box = unionBox(reference.box, degraded.box);
  const a = reframe(degraded, box).data;
  const b = reframe(reference, box).data;
  const plane = box.dims[0] * box.dims[1];
  return {
    volume: dice(a, b),
    slice: (k) => {
      const z = k - box.origin[2];
      if (z < 0 || z >= box.dims[2]) return 1;
      return dice(a.subarray(z * plane, (z + 1) * plane), b.subarray(z * plane, (z + 1) * plane));
    },
  };
}
