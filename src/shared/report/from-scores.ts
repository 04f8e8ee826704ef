/** Report labels from score rows (a scores CSV, a merge of shards, a scoring run). */
import { labelKey, type LabelScore } from '../scores';
import type { ReportLabel } from './model';

/**
 * One report label per label: where a label has several rows (a CSV that was resumed or merged twice), the last
 * row wins, as it does when the app imports the file.
 */
export function reportLabelsFromScores(scores: readonly LabelScore[]): ReportLabel[] {
  const out = new Map<string, ReportLabel>();
  for (const s of scores) {
    out.set(labelKey(s), {
      caseId: s.caseId,
      organ: s.organ,
      labelPath: s.labelPath,
      status: s.status,
      predictedDsc: s.status === 'ok' ? s.predictedDsc : null,
      worstSlice: s.worstSlice,
      worstSliceDsc: s.worstSliceDsc,
      model: s.model,
    });
  }
  return [...out.values()];
}
