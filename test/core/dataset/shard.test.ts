import { describe, expect, it } from 'vitest';
import { selectShard } from '../../../src/core/dataset/shard';
import { SentinelError } from '../../../src/core/errors';

describe('selectShard', () => {
  // 23 cases with 1–4 labels each, listed in a shuffled order.
  const labels: { caseId: string; organ: string }[] = [];
  for (let c = 0; c < 23; c++) for (let l = 0; l <= c % 4; l++) labels.push({ caseId: `case${(c * 7) % 23}`, organ: `o${l}` });
  labels.reverse();

  it('splits labels into disjoint, complete shards that keep each case whole and are balanced by case', () => {
    for (const n of [1, 2, 3, 5, 23, 40]) {
      const shards = Array.from({ length: n }, (_, i) => selectShard(labels, i, n));
      expect(shards.flat()).toHaveLength(labels.length);
      expect(new Set(shards.flat())).toEqual(new Set(labels));
      const owner = new Map<string, number>();
      shards.forEach((s, i) =>
        s.forEach((l) => {
          expect(owner.get(l.caseId) ?? i).toBe(i);
          owner.set(l.caseId, i);
        }),
      );
      const casesPerShard = shards.map((s) => new Set(s.map((l) => l.caseId)).size);
      expect(Math.max(...casesPerShard) - Math.min(...casesPerShard)).toBeLessThanOrEqual(1);
    }
  });

  it('is deterministic and independent of the input order', () => {
    const a = selectShard(labels, 1, 3).map((l) => `${l.caseId}/${l.organ}`).sort();
    const b = selectShard([...labels].reverse(), 1, 3).map((l) => `${l.caseId}/${l.organ}`).sort();
    expect(a).toEqual(b);
  });

  it('rejects invalid shard specs', () => {
    expect(() => selectShard(labels, 3, 3)).toThrow(SentinelError);
    expect(() => selectShard(labels, -1, 3)).toThrow(SentinelError);
    expect(() => selectShard(labels, 0, 0)).toThrow(SentinelError);
    expect(() => selectShard(labels, 0.5, 2)).toThrow(SentinelError);
  });
});
