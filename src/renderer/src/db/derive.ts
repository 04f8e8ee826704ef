/** Newest entries of a label's history: by time, then by insertion order (ids), so equal times stay ordered. */
import type { LatestScore, ReviewRow, ScoreRow } from './rows';

/** Whether a is at least as new as b; on a full tie the later row in the list wins (lists come in insertion order). */
export function newer<T extends { time: string; id?: number }>(a: T, b: T): boolean {
  if (a.time !== b.time) return a.time > b.time;
  return (a.id ?? 0) >= (b.id ?? 0);
}

function newest<T extends { time: string; id?: number }>(rows: readonly T[]): T | null {
  let best: T | null = null;
  for (const r of rows) if (best === null || newer(r, best)) best = r;
  return best;
}

export const latestScore = (rows: readonly ScoreRow[]): ScoreRow | null => newest(rows);
export const latestReview = (rows: readonly ReviewRow[]): ReviewRow | null => newest(rows);

/** Oldest first, the order a history is shown and exported in. */
export function chronological<T extends { time: string; id?: number }>(rows: T[]): T[] {
  return rows.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : (a.id ?? 0) - (b.id ?? 0)));
}

export function summaryOf(s: ScoreRow): LatestScore {
  return {
    model: s.model,
    predictedDsc: s.predictedDsc,
    worstSlice: s.worstSlice,
    worstSliceDsc: s.worstSliceDsc,
    status: s.status,
    message: s.message,
    time: s.time,
  };
}
