import { describe, expect, it } from 'vitest';
import { boundaryNoise } from '../../../../src/core/eval/degrade';
import { at, boxMask, count, voxels } from '../helpers';

describe('boundaryNoise', () => {
  const m = boxMask([12, 12, 12], [3, 3, 3], [8, 8, 8]);
  const inner = boxMask([12, 12, 12], [4, 4, 4], [7, 7, 7]);

  it('p = 0 changes nothing', () => {
    expect(boundaryNoise(m, 0, 7).data).toEqual(m.data);
  });
  it('p = 1 removes the inner boundary layer and adds the outer face-neighbour layer', () => {
    const out = boundaryNoise(m, 1, 7);
    for (const [i, j, k] of voxels(m.dims)) {
      const inside = at(m, i, j, k) === 1;
      const core = at(inner, i, j, k) === 1;
      // Outside voxels with a face neighbour in the cube: exactly one coordinate one step outside 3..8.
      const out1 = [i, j, k].filter((x) => x === 2 || x === 9).length === 1 && [i, j, k].every((x) => x >= 2 && x <= 9);
      expect(at(out, i, j, k)).toBe(inside ? (core ? 1 : 0) : out1 ? 1 : 0);
    }
  });
  it('flips only boundary voxels, a superset as p grows, the same for the same seed', () => {
    const a = boundaryNoise(m, 0.3, 11);
    const b = boundaryNoise(m, 0.6, 11);
    expect(boundaryNoise(m, 0.3, 11).data).toEqual(a.data);
    expect(boundaryNoise(m, 0.3, 12).data).not.toEqual(a.data);
    for (const [i, j, k, p] of voxels(m.dims)) {
      if (at(inner, i, j, k)) expect(a.data[p]).toBe(1);
      if (a.data[p] !== m.data[p]) expect(b.data[p]).toBe(a.data[p]);
    }
    const flipped = (x: typeof a): number => x.data.reduce((n, v, p) => n + (v !== m.data[p] ? 1 : 0), 0);
    expect(flipped(a)).toBeGreaterThan(0);
    expect(flipped(b)).toBeGreaterThan(flipped(a));
    expect(count(a)).toBeGreaterThan(count(inner));
  });
  it('rejects p outside [0, 1]', () => {
    expect(() => boundaryNoise(m, 1.2, 1)).toThrow(/p must be/);
  });
});
