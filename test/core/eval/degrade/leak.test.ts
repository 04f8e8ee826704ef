import { describe, expect, it } from 'vitest';
import { leakInto } from '../../../../src/core/eval/degrade';
import { at, boxMask, count, voxels } from '../helpers';

describe('leakInto', () => {
  // A label (i 2..5) next to a neighbour (i 6..13), both spanning j 2..7, k 2..7.
  const label = boxMask([16, 10, 10], [2, 2, 2], [5, 7, 7]);
  const neighbour = boxMask([16, 10, 10], [6, 2, 2], [13, 7, 7]);

  it('grows s voxels deep into the neighbour and nowhere else', () => {
    for (const steps of [1, 3, 5]) {
      const out = leakInto(label, neighbour, steps);
      for (const [i, j, k] of voxels(label.dims)) {
        const expected = at(label, i, j, k) || (at(neighbour, i, j, k) && i <= 5 + steps) ? 1 : 0;
        expect(at(out, i, j, k)).toBe(expected);
      }
    }
  });
  it('takes the whole neighbour at most, and nothing when they do not touch', () => {
    expect(count(leakInto(label, neighbour, 50))).toBe(count(label) + count(neighbour));
    const apart = boxMask([16, 10, 10], [8, 2, 2], [13, 7, 7]);
    expect(leakInto(label, apart, 4).data).toEqual(label.data);
  });
  it('follows the neighbour around corners (6-connected steps within it)', () => {
    // An L-shaped region: along i from the label, then up along j.
    const region = boxMask([16, 10, 10], [6, 2, 2], [8, 2, 2]);
    for (let j = 2; j <= 7; j++) region.data[8 + j * 16 + 2 * 160] = 1;
    const out = leakInto(label, region, 4);
    // 3 steps reach i = 8 at j = 2 (and i = 6..8 at j = 2); the 4th step goes to (8, 3, 2) only.
    expect(at(out, 8, 2, 2)).toBe(1);
    expect(at(out, 8, 3, 2)).toBe(1);
    expect(at(out, 8, 4, 2)).toBe(0);
    expect(count(out) - count(label)).toBe(4);
  });
  it('rejects regions of other dims', () => {
    expect(() => leakInto(label, boxMask([3, 3, 3], [0, 0, 0], [0, 0, 0]), 1)).toThrow(/differ/);
  });
});
