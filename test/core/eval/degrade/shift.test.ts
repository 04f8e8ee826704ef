import { describe, expect, it } from 'vitest';
import { shiftMask } from '../../../../src/core/eval/degrade';
import { at, boxMask, count, voxels } from '../helpers';

describe('shiftMask', () => {
  it('moves every voxel by the offset and keeps the count when all stay inside the grid', () => {
    const m = boxMask([12, 10, 8], [2, 2, 2], [5, 4, 3]);
    const out = shiftMask(m, [3, -1, 2]);
    expect(count(out)).toBe(count(m));
    for (const [i, j, k] of voxels(m.dims)) {
      if (at(m, i, j, k)) expect(at(out, i + 3, j - 1, k + 2)).toBe(1);
    }
  });
  it('loses exactly the voxels that leave the grid', () => {
    const m = boxMask([6, 6, 6], [1, 1, 1], [4, 4, 4]);
    const out = shiftMask(m, [3, 0, -2]);
    // i: 1..4 → 4..7, only 4..5 remain (2 of 4); k: 1..4 → -1..2, only 0..2 remain (3 of 4).
    expect(count(out)).toBe(2 * 4 * 3);
  });
  it('shifting back restores a mask that never left the grid, and a zero shift copies', () => {
    const m = boxMask([9, 9, 9], [3, 3, 3], [5, 6, 4]);
    expect(shiftMask(shiftMask(m, [2, -3, 1]), [-2, 3, -1]).data).toEqual(m.data);
    const same = shiftMask(m, [0, 0, 0]);
    expect(same.data).toEqual(m.data);
    expect(same.data).not.toBe(m.data);
  });
  it('rejects fractional offsets', () => {
    expect(() => shiftMask(boxMask([3, 3, 3], [1, 1, 1], [1, 1, 1]), [0.5, 0, 0])).toThrow(/whole voxels/);
  });
});
