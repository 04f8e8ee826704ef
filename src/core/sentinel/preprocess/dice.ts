/**
 * True Dice of two binary masks, for evaluating predicted scores. Works on whole volumes or on one slice
 * (pass `volume.data.subarray(k * nx * ny, (k + 1) * nx * ny)`).
 */
import { SentinelError } from '../../errors';

export interface DiceOptions {
  /** Inside voxels of `a` are those === labelA when given, else those > 0. */
  labelA?: number;
  labelB?: number;
}

/** 2|A ∩ B| / (|A| + |B|); 1 when both masks are empty (nothing to find, nothing wrongly found). */
export function dice(a: ArrayLike<number>, b: ArrayLike<number>, opts: DiceOptions = {}): number {
  if (a.length !== b.length) {
    throw new SentinelError('grid_mismatch', `masks have ${a.length} and ${b.length} voxels`);
  }
  const { labelA, labelB } = opts;
  let na = 0;
  let nb = 0;
  let both = 0;
  for (let p = 0; p < a.length; p++) {
    const ia = labelA === undefined ? a[p] > 0 : a[p] === labelA;
    const ib = labelB === undefined ? b[p] > 0 : b[p] === labelB;
    if (ia) na++;
    if (ib) nb++;
    if (ia && ib) both++;
  }
  return na + nb === 0 ? 1 : (2 * both) / (na + nb);
}
