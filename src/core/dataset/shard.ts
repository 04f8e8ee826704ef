/**
 * Sharding for `sentinel score --shard i/n`: every label of a case lands in the same shard, so each shard decodes
 * a CT once. Cases are taken in sorted id order (code-unit order, the same on every machine and locale) and dealt
 * round-robin: case number c goes to shard c mod n. Shards are balanced to within one case, and they are
 * disjoint and complete as long as every shard sees the same case list (the same dataset and options).
 */
import { SentinelError } from '../errors';
import { compareIds } from './listing';

/** Labels of shard `index` (0-based) out of `count`, in their input order. */
export function selectShard<T extends { caseId: string }>(labels: readonly T[], index: number, count: number): T[] {
  if (!Number.isInteger(count) || count < 1) throw new SentinelError('invalid_argument', `shard count must be a positive integer, got ${count}`);
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new SentinelError('invalid_argument', `shard index must be an integer in [0, ${count}), got ${index}`);
  }
  const ids = [...new Set(labels.map((l) => l.caseId))].sort(compareIds);
  const mine = new Set(ids.filter((_, c) => c % count === index));
  return labels.filter((l) => mine.has(l.caseId));
}
