/**
 * Which cases and organs go into an nnU-Net training set made of pseudo labels. nnU-Net learns every voxel that
 * is not labelled as background, so a case goes in only with a complete, trusted label map: every exported organ
 * is present once, scored ok, not rejected or flagged by a reviewer, and predicted at or above the threshold.
 * Anything less would teach a missing or poor organ as background. Every case left out is listed with all its
 * reasons.
 */
import { SentinelError } from '../errors';
import { labelPath, type CaseEntry, type DatasetManifest, type LabelEntry } from '../dataset/manifest';
import { labelKey, type LabelStatus } from '../../shared/scores';

/** What the selection needs of a label's score (a LabelScore has it; so does the app's database). */
export interface ExportScore {
  caseId: string;
  labelPath: string;
  status: LabelStatus;
  predictedDsc: number | null;
  /** The reviewer's current decision, when there is one: rejected or flagged labels never go in. */
  decision?: string | null;
}

export interface SelectionOptions {
  /** Predicted DSC every exported label must reach (inclusive). */
  threshold: number;
  /** Organs (names as found in the dataset), in label order; default: the organs present in every case. */
  organs?: string[];
}

export interface IncludedCase {
  entry: CaseEntry;
  /** One label per organ, in label order (value i + 1 is labels[i]). */
  labels: LabelEntry[];
  /** Predicted DSC of each, same order. */
  dsc: number[];
}

export interface ExcludedCase {
  caseId: string;
  reasons: string[];
}

export interface CaseSelection {
  organs: string[];
  included: IncludedCase[];
  excluded: ExcludedCase[];
}

export function selectCases(manifest: DatasetManifest, scores: readonly ExportScore[], opts: SelectionOptions): CaseSelection {
  if (!(opts.threshold >= 0 && opts.threshold <= 1)) {
    throw new SentinelError('invalid_argument', `the threshold must be a predicted DSC from 0 to 1, got ${opts.threshold}`);
  }
  const organs = chooseOrgans(manifest, opts.organs);
  const byKey = new Map<string, ExportScore>();
  for (const s of scores) byKey.set(labelKey(s), s);
  const included: IncludedCase[] = [];
  const excluded: ExcludedCase[] = [];
  for (const entry of manifest.cases) {
    const reasons: string[] = [];
    if (!entry.ct.grid) reasons.push('the CT could not be read');
    const labels: LabelEntry[] = [];
    const dsc: number[] = [];
    for (const organ of organs) {
      const found = entry.labels.filter((l) => l.organ === organ);
      if (found.length === 0) {
        reasons.push(`${organ}: no label`);
        continue;
      }
      if (found.length > 1) {
        reasons.push(`${organ}: ${found.length} labels of this name`);
        continue;
      }
      const label = found[0];
      if (label.status === 'error' || label.status === 'grid_mismatch') {
        reasons.push(`${organ}: ${label.status}${label.message ? ` (${label.message})` : ''}`);
        continue;
      }
      const score = byKey.get(labelKey({ caseId: entry.id, labelPath: labelPath(label.source) }));
      if (!score) reasons.push(`${organ}: not scored`);
      else if (score.status !== 'ok' || score.predictedDsc === null) reasons.push(`${organ}: scored ${score.status}`);
      else if (score.decision === 'reject' || score.decision === 'flag') reasons.push(`${organ}: the reviewer decided "${score.decision}"`);
      else if (score.predictedDsc < opts.threshold) reasons.push(`${organ}: predicted DSC ${score.predictedDsc.toFixed(3)} < ${opts.threshold}`);
      else {
        labels.push(label);
        dsc.push(score.predictedDsc);
      }
    }
    if (reasons.length > 0) excluded.push({ caseId: entry.id, reasons });
    else included.push({ entry, labels, dsc });
  }
  return { organs, included, excluded };
}

/** The organs asked for (each must exist somewhere), or those present in every case that has labels, by name. */
function chooseOrgans(manifest: DatasetManifest, asked: string[] | undefined): string[] {
  const known = new Set(manifest.cases.flatMap((c) => c.labels.map((l) => l.organ)));
  if (asked && asked.length > 0) {
    const organs = [...new Set(asked.map((o) => o.trim()).filter(Boolean))];
    const unknown = organs.filter((o) => !known.has(o));
    if (unknown.length > 0) {
      throw new SentinelError('invalid_argument', `no case has a label named ${unknown.map((o) => `"${o}"`).join(', ')} (names are as found in the dataset)`, manifest.root);
    }
    return organs;
  }
  const withLabels = manifest.cases.filter((c) => c.labels.length > 0);
  const common = [...known].filter((o) => withLabels.every((c) => c.labels.some((l) => l.organ === o)));
  if (common.length === 0) {
    throw new SentinelError('invalid_argument', 'no organ is present in every case: choose the organs to export (--organs)', manifest.root);
  }
  return common.sort();
}
