import { describe, expect, it } from 'vitest';
import { dilate, erode } from '../../../../src/core/eval/degrade';
import { dice } from '../../../../src/core/sentinel/preprocess';
import { at, boxMask, count, fromPredicate, voxels } from '../helpers';

describe('erode', () => {
  for (const connectivity of [6, 26] as const) {
    for (const r of [1, 2, 3]) {
      it(`shrinks a 9³ cube to a (9 - 2r)³ cube exactly (r = ${r}, ${connectivity}-connectivity)`, () => {
        const m = boxMask([15, 15, 15], [3, 3, 3], [11, 11, 11]);
        const out = erode(m, r, connectivity);
        expect(out.data).toEqual(boxMask([15, 15, 15], [3 + r, 3 + r, 3 + r], [11 - r, 11 - r, 11 - r]).data);
        expect(count(out)).toBe((9 - 2 * r) ** 3);
      });
    }
  }
  it('removes a structure thinner than 2r + 1', () => {
    expect(count(erode(boxMask([10, 10, 10], [2, 2, 2], [7, 7, 3]), 1, 26))).toBe(0);
  });
  it('does not erode from the edge of the grid (the scan cut the organ there)', () => {
    const m = boxMask([8, 8, 8], [0, 2, 2], [4, 5, 5]);
    const out = erode(m, 1, 6);
    // Along i the box touches the grid at i = 0: it keeps i = 0..3; along j and k it shrinks by one.
    expect(out.data).toEqual(boxMask([8, 8, 8], [0, 3, 3], [3, 4, 4]).data);
  });
  it('leaves its input unchanged and radius 0 copies', () => {
    const m = boxMask([6, 6, 6], [1, 1, 1], [4, 4, 4]);
    const before = m.data.slice();
    const out = erode(m, 0);
    expect(out.data).toEqual(before);
    expect(out.data).not.toBe(m.data);
    erode(m, 2, 26);
    expect(m.data).toEqual(before);
  });
  it('rejects bad radius and connectivity', () => {
    const m = boxMask([3, 3, 3], [1, 1, 1], [1, 1, 1]);
    expect(() => erode(m, 1.5)).toThrow(/radius/);
    expect(() => erode(m, 1, 8 as 6)).toThrow(/connectivity/);
    expect(() => erode({ data: new Uint8Array(5), dims: [3, 3, 3] }, 1)).toThrow(/5 voxels/);
  });
});

describe('dilate', () => {
  for (const r of [1, 2, 4]) {
    it(`grows a box to the box grown by r with 26-connectivity (r = ${r})`, () => {
      const m = boxMask([20, 20, 20], [6, 7, 8], [10, 9, 11]);
      expect(dilate(m, r, 26).data).toEqual(boxMask([20, 20, 20], [6 - r, 7 - r, 8 - r], [10 + r, 9 + r, 11 + r]).data);
    });
    it(`grows a box by the L1 ball with 6-connectivity (r = ${r}), checked against the distance definition`, () => {
      const lo = [6, 7, 8];
      const hi = [10, 9, 11];
      const m = boxMask([20, 20, 20], [6, 7, 8], [10, 9, 11]);
      const out = dilate(m, r, 6);
      // Independent statement: inside iff the L1 distance from the voxel to the box is at most r.
      const expected = fromPredicate([20, 20, 20], (i, j, k) =>
        [i, j, k].reduce((s, x, a) => s + Math.max(lo[a] - x, 0, x - hi[a]), 0) <= r,
      );
      expect(out.data).toEqual(expected.data);
    });
  }
  it('stops at the grid edge', () => {
    const out = dilate(boxMask([5, 5, 5], [0, 0, 0], [0, 0, 0]), 2, 26);
    expect(count(out)).toBe(27);
    expect(at(out, 2, 2, 2)).toBe(1);
  });
  it('erosion then dilation of a cube by the same cube element gives the cube back', () => {
    const m = boxMask([16, 16, 16], [3, 4, 5], [12, 11, 10]);
    expect(dice(dilate(erode(m, 2, 26), 2, 26).data, m.data)).toBe(1);
  });
  it('treats any non-zero value as inside and writes 0/1', () => {
    const m = boxMask([5, 5, 5], [2, 2, 2], [2, 2, 2]);
    m.data[2 + 2 * 5 + 2 * 25] = 7;
    const out = dilate(m, 1, 6);
    for (const [, , , p] of voxels(out.dims)) expect([0, 1]).toContain(out.data[p]);
    expect(count(out)).toBe(7);
  });
});
