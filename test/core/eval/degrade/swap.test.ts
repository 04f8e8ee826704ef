import { describe, expect, it } from 'vitest';
import { swapWith } from '../../../../src/core/eval/degrade';
import { dice } from '../../../../src/core/sentinel/preprocess';
import { boxMask } from '../helpers';

describe('swapWith', () => {
  it('gives the neighbour’s mask, so its Dice is the two organs’ overlap', () => {
    const label = boxMask([10, 10, 10], [1, 1, 1], [5, 5, 5]);
    const neighbour = boxMask([10, 10, 10], [4, 1, 1], [8, 5, 5]);
    const out = swapWith(label, neighbour);
    expect(out.data).toEqual(neighbour.data);
    expect(out.data).not.toBe(neighbour.data);
    expect(dice(out.data, label.data)).toBeCloseTo(dice(neighbour.data, label.data), 15);
    expect(dice(out.data, label.data)).toBeCloseTo((2 * 2 * 25) / (125 + 125), 15);
  });
});
