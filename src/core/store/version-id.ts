/**
 * Version identifiers. A file's *content version* (`sha256-` + 16 hex digits of its bytes) says which bytes an edit
 * started from, whoever wrote them. A *history id* names a stored previous version by the time it was replaced
 * (`20250131T235959123Z`): fixed width, so sorting the names sorts them in time, and safe in any file name.
 */
import { createHash } from 'node:crypto';

const HISTORY_ID = /^\d{8}T\d{9}Z$/;

export function contentVersion(bytes: Uint8Array): string {
  return `sha256-${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}`;
}

export function isHistoryId(s: string): boolean {
  return HISTORY_ID.test(s);
}

export function historyIdOf(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2025-01-31T23:59:59.123Z
  return iso.replace(/[-:]/g, '').replace('.', '');
}

export function timeOfHistoryId(id: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z$/.exec(id);
  if (!m) throw new RangeError(`not a history id: ${id}`);
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${m[7]}Z`;
}

/** Strictly increasing history ids within this process (two saves in one millisecond get distinct ids). */
export class HistoryClock {
  private last = 0;
  next(now = Date.now()): string {
    this.last = Math.max(now, this.last + 1);
    return historyIdOf(this.last);
  }
}
