import { describe, expect, it } from 'vitest';
import { punchHoles } from '../../../../src/core/eval/degrade';
import { at, boxMask, count } from '../helpers';

/** Lattice points within `r` of the origin, counted directly. */
function ballCount(r: number): number {
  let n = 0;
  const c = Math.ceil(r);
  for (let x = -c; x <= c; x++) for (let y = -c; y <= c; y++) for (let z = -c; z <= c; z++) if (x * x + y * y + z * z <= r * r) n++;
  return n;
}

describe('punchHoles', () => {
  it('clears exactly a ball of voxels around a centre well inside the mask', () => {
    const m = boxMask([20, 20, 20], [2, 2, 2], [17, 17, 17]);
    for (const r of [1, 2, 3.5]) {
      const out = punchHoles(m, [[10, 9, 10]], r);
      expect(count(m) - count(out)).toBe(ballCount(r));
      expect(at(out, 10, 9, 10)).toBe(0);
    }
  });
  it('overlapping holes remove their union, and holes outside the mask change nothing', () => {
    const m = boxMask([20, 20, 20], [2, 2, 2], [17, 17, 17]);
    const two = punchHoles(m, [[8, 8, 8], [9, 8, 8]], 2);
    expect(count(m) - count(two)).toBeLessThan(2 * ballCount(2));
    expect(count(m) - count(two)).toBeGreaterThan(ballCount(2));
    const small = boxMask([20, 20, 20], [2, 2, 2], [5, 5, 5]);
    expect(punchHoles(small, [[15, 15, 15]], 3).data).toEqual(small.data);
  });
  it('clips balls at the grid edge and leaves its input unchanged', () => {
    const m = boxMask([6, 6, 6], [0, 0, 0], [5, 5, 5]);
    const before = m.data.slice();
    const out = punchHoles(m, [[0, 0, 0]], 1);
    expect(count(m) - count(out)).toBe(4);
    expect(m.data).toEqual(before);
  });
});
