import { describe, expect, it } from 'vitest';
import { cropBinary, extentsByValue, paddedBox, pasteInto, type BoxedMask, type Extent } from '../../../src/core/eval/box';
import { countInside, dilate, erode, shiftMask, type BinaryMask } from '../../../src/core/eval/degrade';
import { closestNeighbours, contactCount } from '../../../src/core/eval/neighbours';
import { trueDice } from '../../../src/core/eval/truth';
import { BOX_MARGIN, DEGRADATION_KINDS, makeVariants, type Variant } from '../../../src/core/eval/variants';
import { dice } from '../../../src/core/sentinel/preprocess';
import { boxMask, fromPredicate } from './helpers';

const GRID: [number, number, number] = [48, 40, 36];
// Two organs side by side along i that touch, and a small one far away.
const organA = fromPredicate(GRID, (i, j, k) => ((i - 16) / 9) ** 2 + ((j - 20) / 8) ** 2 + ((k - 18) / 7) ** 2 <= 1);
const organB = fromPredicate(GRID, (i, j, k) => i > 16 && !organA.data[i + j * 48 + k * 1920] && ((i - 30) / 8) ** 2 + ((j - 20) / 7) ** 2 + ((k - 18) / 6) ** 2 <= 1);
const organC = boxMask(GRID, [40, 2, 2], [44, 5, 5]);

function boxed(m: BinaryMask): BoxedMask {
  const box = paddedBox(extentsByValue(m.data, GRID, true).get(1) as Extent, BOX_MARGIN, GRID);
  return { box, mask: cropBinary(m.data, GRID, box) };
}

/** Byte equality without a deep-equality diff over tens of thousands of voxels. */
function same(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
}

function onGrid(m: BoxedMask): Uint8Array {
  const out = new Uint8Array(GRID[0] * GRID[1] * GRID[2]);
  pasteInto(out, GRID, m);
  return out;
}

const A = boxed(organA);
const B = boxed(organB);
const source = { reference: A, neighbour: { name: 'organ_b', mask: B } };

describe('neighbours', () => {
  it('finds the touching organ and none for a lone one', () => {
    expect(closestNeighbours([A, B, boxed(organC)])).toEqual([1, 0, null]);
    expect(contactCount(A, B)).toBeGreaterThan(0);
    expect(contactCount(A, boxed(organC))).toBe(0);
  });
});

describe('makeVariants', () => {
  const variants = makeVariants(source, 18, 12345);

  it('makes count + 1 variants, the first the unchanged label (true DSC 1)', () => {
    expect(variants).toHaveLength(19);
    expect(variants[0]).toMatchObject({ index: 0, kind: 'unchanged', target: null });
    expect(trueDice(A, variants[0].mask).volume).toBe(1);
    variants.forEach((v, i) => expect(v.index).toBe(i));
  });

  it('uses every kind over two rounds when a neighbour exists, and never leaves a mask empty', () => {
    expect(new Set(variants.slice(1).map((v) => v.kind))).toEqual(new Set(DEGRADATION_KINDS));
    for (const v of variants) expect(countInside(v.mask.mask)).toBeGreaterThan(0);
  });

  it('spreads the true DSC from gross to subtle errors, and reports the Dice it reached', () => {
    const dsc = variants.slice(1).map((v) => trueDice(A, v.mask).volume);
    expect(Math.min(...dsc)).toBeLessThan(0.5);
    expect(dsc.filter((d) => d >= 0.8 && d < 1).length).toBeGreaterThanOrEqual(3);
    expect(dsc.filter((d) => d >= 0.2 && d < 0.8).length).toBeGreaterThanOrEqual(3);
    for (const v of variants) {
      if (typeof v.params.achieved_dsc === 'number') expect(trueDice(A, v.mask).volume).toBeCloseTo(v.params.achieved_dsc, 5);
    }
  });

  it('equals the degradation applied to the whole grid (the box never clips it)', () => {
    const checked = new Set<string>();
    const check = (v: Variant, expected: BinaryMask): void => {
      expect(same(onGrid(v.mask), expected.data)).toBe(true);
      checked.add(v.kind);
    };
    for (const v of variants) {
      const p = v.params;
      if (v.kind === 'erode') check(v, erode(organA, p.radius as number, p.connectivity as 6 | 26));
      if (v.kind === 'dilate') check(v, dilate(organA, p.radius as number, p.connectivity as 6 | 26));
      if (v.kind === 'shift') check(v, shiftMask(organA, p.offset as [number, number, number]));
      if (v.kind === 'swap') check(v, organB);
    }
    expect(checked).toEqual(new Set(['erode', 'dilate', 'shift', 'swap']));
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const again = makeVariants(source, 18, 12345);
    expect(again.map((v) => [v.kind, v.params, v.target])).toEqual(variants.map((v) => [v.kind, v.params, v.target]));
    again.forEach((v, i) => expect(same(onGrid(v.mask), onGrid(variants[i].mask))).toBe(true));
    const other = makeVariants(source, 18, 54321);
    expect(other.map((v) => [v.kind, v.target])).not.toEqual(variants.map((v) => [v.kind, v.target]));
  });

  it('falls back to dilation where leak and swap have no neighbour', () => {
    const lone = makeVariants({ reference: A, neighbour: null }, 18, 12345);
    const kinds = lone.map((v) => v.kind);
    expect(kinds).not.toContain('leak');
    expect(kinds).not.toContain('swap');
    expect(kinds.filter((k) => k === 'dilate').length).toBeGreaterThanOrEqual(4);
  });

  it('keeps a one-voxel label scorable (erosion and the like fall back to dilation)', () => {
    const dot = boxed(boxMask(GRID, [20, 20, 20], [20, 20, 20]));
    for (const v of makeVariants({ reference: dot, neighbour: null }, 9, 7)) {
      expect(countInside(v.mask.mask)).toBeGreaterThan(0);
      if (v.index > 0) expect(dice(onGrid(v.mask), onGrid(dot))).toBeLessThan(1);
    }
  });
});
