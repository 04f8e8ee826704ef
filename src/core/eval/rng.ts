/**
 * Seeded randomness for the evaluation: a small 32-bit generator and a string/number hash, so that every label's
 * degradations depend only on (seed, case, label) and never on processing order or timing.
 */

/** Mixes a 32-bit integer into a well-spread 32-bit value (an avalanche of xor-shifts and odd multiplies). */
export function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit hash of a list of strings and integers (order matters). */
export function hash32(...parts: (string | number)[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    const s = typeof part === 'number' ? `#${part}` : part;
    for (let i = 0; i < s.length; i++) h = mix32(h ^ s.charCodeAt(i)) + i;
    // A separator, so ("ab", "c") and ("a", "bc") differ.
    h = mix32(h ^ 0x2f);
  }
  return h >>> 0;
}

/** Uniform in [0, 1) for voxel `index` under `seed`: a stateless draw, the same whatever else was drawn. */
export function voxelUniform(seed: number, index: number): number {
  return mix32(mix32(index ^ Math.imul(seed, 0x27d4eb2f)) ^ seed) / 4294967296;
}

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** Integer in [lo, hi] (both inclusive). */
  int(lo: number, hi: number): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** A shuffled copy. */
  shuffle<T>(items: readonly T[]): T[];
  /** A fresh 32-bit seed for a sub-task. */
  seed(): number;
}

/** A deterministic generator: a Weyl sequence (step 0x9e3779b9) passed through mix32. */
export function createRng(seed: number): Rng {
  let state = mix32(seed ^ 0x5bd1e995);
  const nextU32 = (): number => {
    state = (state + 0x9e3779b9) >>> 0;
    return mix32(state);
  };
  const next = (): number => nextU32() / 4294967296;
  const rng: Rng = {
    next,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (items) => items[Math.floor(next() * items.length)],
    shuffle: (items) => {
      const out = items.slice();
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [out[i], out[j]] = [out[j], out[i]];
      }
      return out;
    },
    seed: nextU32,
  };
  return rng;
}
