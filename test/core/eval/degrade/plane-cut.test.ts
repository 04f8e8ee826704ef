import { describe, expect, it } from 'vitest';
import { planeCut } from '../../../../src/core/eval/degrade';
import { dice } from '../../../../src/core/sentinel/preprocess';
import { at, ballMask, boxMask, count, voxels } from '../helpers';

describe('planeCut', () => {
  it('an axis-aligned cut removes whole slices from the far side', () => {
    const m = boxMask([10, 10, 10], [2, 2, 2], [7, 7, 7]);
    const out = planeCut(m, [0, 0, 1], 0.5);
    expect(out.data).toEqual(boxMask([10, 10, 10], [2, 2, 2], [7, 7, 4]).data);
    const other = planeCut(m, [-1, 0, 0], 1 / 3);
    expect(other.data).toEqual(boxMask([10, 10, 10], [4, 2, 2], [7, 7, 7]).data);
  });
  it('an oblique cut removes about the asked fraction, all of it beyond the kept part', () => {
    const m = ballMask([24, 24, 24], [12, 11, 12], 8);
    const n: [number, number, number] = [0.6, -0.48, 0.64];
    const out = planeCut(m, n, 0.3);
    const removed = count(m) - count(out);
    expect(Math.abs(removed / count(m) - 0.3)).toBeLessThan(0.02);
    let maxKept = -Infinity;
    let minRemoved = Infinity;
    for (const [i, j, k] of voxels(m.dims)) {
      if (!at(m, i, j, k)) continue;
      const d = n[0] * i + n[1] * j + n[2] * k;
      if (at(out, i, j, k)) maxKept = Math.max(maxKept, d);
      else minRemoved = Math.min(minRemoved, d);
    }
    expect(maxKept).toBeLessThan(minRemoved);
    // Nothing is added: the cut is a subset, so its Dice follows from the counts.
    expect(dice(out.data, m.data)).toBeCloseTo((2 * count(out)) / (count(out) + count(m)), 12);
  });
  it('fraction 0 keeps everything; fraction 1 removes everything', () => {
    const m = boxMask([5, 5, 5], [1, 1, 1], [3, 3, 3]);
    expect(planeCut(m, [1, 1, 0], 0).data).toEqual(m.data);
    expect(count(planeCut(m, [1, 1, 0], 1))).toBe(0);
  });
  it('rejects a zero normal and a fraction outside [0, 1]', () => {
    const m = boxMask([3, 3, 3], [1, 1, 1], [1, 1, 1]);
    expect(() => planeCut(m, [0, 0, 0], 0.5)).toThrow(/direction/);
    expect(() => planeCut(m, [1, 0, 0], 1.5)).toThrow(/fraction/);
  });
});
