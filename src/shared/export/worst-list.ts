/**
 * The list of lowest-quality labels for active learning: scored labels (status ok), lowest predicted DSC first,
 * optionally only those below a threshold, at most N. One implementation for the CLI, the engine and the renderer.
 */
import { formatCsvRow } from '../csv-text';
import type { LabelScore } from '../scores';

export interface WorstListOptions {
  /** At most this many labels (default 50 when no threshold is given, else all below the threshold). */
  count?: number;
  /** Only labels whose predicted DSC is below this. */
  threshold?: number;
  /** Only these organs (names as found). */
  organs?: string[];
}

export const DEFAULT_WORST_COUNT = 50;

export const WORST_COLUMNS = ['rank', 'case', 'label_path', 'organ', 'predicted_dsc', 'worst_slice', 'worst_slice_dsc', 'model'] as const;

type Scored = LabelScore & { predictedDsc: number };

/** The worst labels, lowest predicted DSC first (ties by case, then label path, so the order is stable). */
export function worstLabels(scores: readonly LabelScore[], opts: WorstListOptions = {}): Scored[] {
  const organs = opts.organs && opts.organs.length > 0 ? new Set(opts.organs) : null;
  const list = scores.filter(
    (s): s is Scored =>
      s.status === 'ok' &&
      s.predictedDsc !== null &&
      Number.isFinite(s.predictedDsc) &&
      (opts.threshold === undefined || s.predictedDsc < opts.threshold) &&
      (!organs || organs.has(s.organ)),
  );
  list.sort((a, b) => a.predictedDsc - b.predictedDsc || cmp(a.caseId, b.caseId) || cmp(a.labelPath, b.labelPath));
  const count = opts.count ?? (opts.threshold === undefined ? DEFAULT_WORST_COUNT : Infinity);
  return list.slice(0, count);
}

/** The worst list as CSV text (header + one row per label, rank from 1). */
export function worstListCsv(list: readonly Scored[]): string {
  const rows = list.map((s, i) =>
    formatCsvRow([
      String(i + 1),
      s.caseId,
      s.labelPath,
      s.organ,
      s.predictedDsc.toFixed(6),
      s.worstSlice === null ? '' : String(s.worstSlice),
      s.worstSliceDsc === null ? '' : s.worstSliceDsc.toFixed(6),
      s.model,
    ]),
  );
  return [formatCsvRow([...WORST_COLUMNS]), ...rows].join('\n') + '\n';
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
