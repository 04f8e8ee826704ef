import { describe, expect, it } from 'vitest';
import { createRng, hash32, voxelUniform } from '../../../src/core/eval/rng';

describe('seeded randomness', () => {
  it('repeats for a seed, differs between seeds, stays in range', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xs = Array.from({ length: 1000 }, () => a.next());
    expect(Array.from({ length: 1000 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 1000 }, () => c.next())).not.toEqual(xs);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    // Roughly uniform: each tenth holds 100 ± 40 of 1000 draws.
    const bins = new Array(10).fill(0);
    for (const x of xs) bins[Math.floor(x * 10)]++;
    for (const n of bins) expect(Math.abs(n - 100)).toBeLessThan(40);
    const r = createRng(1);
    for (let t = 0; t < 200; t++) {
      const v = r.int(2, 5);
      expect(v >= 2 && v <= 5 && Number.isInteger(v)).toBe(true);
    }
    expect(createRng(9).shuffle([1, 2, 3, 4, 5]).sort()).toEqual([1, 2, 3, 4, 5]);
  });
  it('hashes strings and numbers by content and order', () => {
    expect(hash32(1, 'case', 'liver')).toBe(hash32(1, 'case', 'liver'));
    expect(hash32(1, 'case', 'liver')).not.toBe(hash32(2, 'case', 'liver'));
    expect(hash32('ab', 'c')).not.toBe(hash32('a', 'bc'));
    expect(voxelUniform(5, 17)).toBe(voxelUniform(5, 17));
    expect(voxelUniform(5, 17)).not.toBe(voxelUniform(6, 17));
  });
});
