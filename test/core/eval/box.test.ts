import { describe, expect, it } from 'vitest';
import { clearBox, cropBinary, extentsByValue, paddedBox, pasteInto, reframe, unionBox, type Extent } from '../../../src/core/eval/box';
import { trueDice } from '../../../src/core/eval/truth';
import { dice } from '../../../src/core/sentinel/preprocess';
import { ballMask, boxMask } from './helpers';

describe('boxes', () => {
  it('finds the extent of every value of a label map in one pass', () => {
    const dims: [number, number, number] = [10, 8, 6];
    const map = new Int16Array(480);
    const set = (i: number, j: number, k: number, v: number): void => {
      map[i + j * 10 + k * 80] = v;
    };
    set(1, 2, 3, 5);
    set(4, 2, 3, 5);
    set(2, 6, 1, 5);
    set(9, 7, 5, 2);
    set(0, 0, 0, -1);
    const byValue = extentsByValue(map, dims, false);
    expect(byValue.get(5)).toEqual({ min: [1, 2, 1], max: [4, 6, 3] });
    expect(byValue.get(2)).toEqual({ min: [9, 7, 5], max: [9, 7, 5] });
    expect(byValue.has(-1)).toBe(false);
    const binary = extentsByValue(map, dims, true);
    expect([...binary.keys()]).toEqual([1]);
    expect(binary.get(1)).toEqual({ min: [1, 2, 1], max: [9, 7, 5] });
  });

  it('pads and clips boxes to the grid, crops, reframes, pastes and clears', () => {
    const grid: [number, number, number] = [12, 10, 9];
    const full = ballMask(grid, [4, 4, 4], 2);
    const extent = extentsByValue(full.data, grid, true).get(1);
    expect(extent).toEqual({ min: [2, 2, 2], max: [6, 6, 6] });
    const box = paddedBox(extent as Extent, 3, grid);
    expect(box).toEqual({ origin: [0, 0, 0], dims: [10, 10, 9] });
    const crop = cropBinary(full.data, grid, box);
    const target = new Uint8Array(full.data.length);
    pasteInto(target, grid, { box, mask: crop });
    expect(target).toEqual(full.data);
    clearBox(target, grid, box);
    expect(target.every((v) => v === 0)).toBe(true);

    const other = { origin: [5, 3, 2] as [number, number, number], dims: [7, 7, 7] as [number, number, number] };
    const union = unionBox(box, other);
    expect(union).toEqual({ origin: [0, 0, 0], dims: [12, 10, 9] });
    expect(reframe({ box, mask: crop }, union).data).toEqual(full.data);
  });

  it('crops one value of a label map as a binary mask', () => {
    const map = new Uint8Array([0, 3, 3, 1, 0, 3, 1, 1]);
    expect(cropBinary(map, [2, 2, 2], { origin: [0, 0, 0], dims: [2, 2, 2] }, 3)).toEqual({ data: new Uint8Array([0, 1, 1, 0, 0, 1, 0, 0]), dims: [2, 2, 2] });
  });
});

describe('trueDice', () => {
  it('equals dice on the whole grid, for the volume and for each slice, whatever the boxes', () => {
    const grid: [number, number, number] = [20, 18, 16];
    const ref = ballMask(grid, [8, 8, 8], 5);
    const deg = boxMask(grid, [6, 5, 4], [15, 12, 9]);
    const boxed = (m: typeof ref, margin: number) => {
      const e = extentsByValue(m.data, grid, true).get(1) as Extent;
      const box = paddedBox(e, margin, grid);
      return { box, mask: cropBinary(m.data, grid, box) };
    };
    const t = trueDice(boxed(ref, 2), boxed(deg, 1));
    expect(t.volume).toBeCloseTo(dice(deg.data, ref.data), 15);
    const plane = 20 * 18;
    for (let k = 0; k < 16; k++) {
      const expected = dice(deg.data.subarray(k * plane, (k + 1) * plane), ref.data.subarray(k * plane, (k + 1) * plane));
      expect(t.slice(k)).toBeCloseTo(expected, 15);
    }
    const same = boxed(ref, 3);
    expect(trueDice(same, same).volume).toBe(1);
  });
});
