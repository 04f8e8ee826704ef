/** How scores and their changes are written in the UI. */

export function formatDsc(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(3);
}

/** "0.612 -> 0.745 (+0.133)"; "new 0.745" when there was no score before; the change is of the rounded values shown. */
export function formatScoreChange(before: number | null, after: number | null): string {
  if (after === null) return `${formatDsc(before)} -> no score`;
  if (before === null) return `new ${formatDsc(after)}`;
  const delta = Number(after.toFixed(3)) - Number(before.toFixed(3));
  const sign = delta >= 0 ? '+' : '-';
  return `${formatDsc(before)} -> ${formatDsc(after)} (${sign}${Math.abs(delta).toFixed(3)})`;
}

export function formatSeconds(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '—';
  if (s < 90) return `${Math.ceil(s)} s`;
  const m = Math.floor(s / 60);
  return m < 90 ? `${m} min ${Math.round(s - m * 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}
