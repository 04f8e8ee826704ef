import { describe, expect, it } from 'vitest';
import { dropSlices } from '../../../../src/core/eval/degrade';
import { at, boxMask, voxels } from '../helpers';

describe('dropSlices', () => {
  it('clears the given slices along k and nothing else', () => {
    const m = boxMask([6, 5, 8], [1, 1, 1], [4, 3, 6]);
    const out = dropSlices(m, [2, 5]);
    for (const [i, j, k] of voxels(m.dims)) expect(at(out, i, j, k)).toBe(k === 2 || k === 5 ? 0 : at(m, i, j, k));
  });
  it('works along i and j too', () => {
    const m = boxMask([6, 5, 4], [0, 0, 0], [5, 4, 3]);
    const alongI = dropSlices(m, [0], 0);
    const alongJ = dropSlices(m, [4], 1);
    for (const [i, j, k] of voxels(m.dims)) {
      expect(at(alongI, i, j, k)).toBe(i === 0 ? 0 : 1);
      expect(at(alongJ, i, j, k)).toBe(j === 4 ? 0 : 1);
    }
  });
  it('rejects slices outside the grid', () => {
    expect(() => dropSlices(boxMask([3, 3, 3], [1, 1, 1], [1, 1, 1]), [3])).toThrow(/outside 0..2/);
  });
});
