import { describe, expect, it } from 'vitest';
import { compactness, relativeCompactness } from '../../../src/core/eval/baseline';
import { punchHoles } from '../../../src/core/eval/degrade';
import { boxMask } from './helpers';

describe('compactness', () => {
  it('of a cube is 36π V² / A³ = π / 6, of a box and on anisotropic voxels by the formula', () => {
    expect(compactness(boxMask([10, 10, 10], [2, 2, 2], [6, 6, 6]), [1, 1, 1])).toBeCloseTo(Math.PI / 6, 12);
    // A 2 × 3 × 4-voxel box on 1 × 2 × 0.5 mm voxels is a 2 × 6 × 2 mm box.
    const v = 2 * 6 * 2;
    const a = 2 * (2 * 6 + 2 * 2 + 6 * 2);
    expect(compactness(boxMask([8, 8, 8], [1, 1, 1], [2, 3, 4]), [1, 2, 0.5])).toBeCloseTo((36 * Math.PI * v * v) / a ** 3, 12);
  });
  it('does not count faces on the grid edge; is 0 for an empty mask; drops with holes', () => {
    const touching = boxMask([5, 10, 10], [0, 2, 2], [4, 6, 6]);
    // 5 × 5 × 5 cube cut by the grid on both i sides: only 4 of its 6 faces count.
    const v = 125;
    expect(compactness(touching, [1, 1, 1])).toBeCloseTo((36 * Math.PI * v * v) / (4 * 25) ** 3, 12);
    expect(compactness(boxMask([3, 3, 3], [1, 1, 1], [0, 0, 0]), [1, 1, 1])).toBe(0);
    const cube = boxMask([14, 14, 14], [2, 2, 2], [11, 11, 11]);
    expect(compactness(punchHoles(cube, [[6, 6, 6]], 2), [1, 1, 1])).toBeLessThan(compactness(cube, [1, 1, 1]));
  });
});

describe('relativeCompactness', () => {
  it('divides by the median of the same organ', () => {
    const got = relativeCompactness([0.2, 0.4, 0.6, 0.5, 0.25], ['a', 'a', 'a', 'b', 'b']);
    [0.2 / 0.4, 1, 0.6 / 0.4, 0.5 / 0.375, 0.25 / 0.375].forEach((v, i) => expect(got[i]).toBeCloseTo(v, 15));
    expect(relativeCompactness([0, 0], ['x', 'x'])).toEqual([0, 0]);
  });
});
