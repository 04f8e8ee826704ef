/** What the planner sees of the project database: each label's newest score, and decisions as reasons to hold it. */
import type { LabelRow } from '../db';
import type { PlanLabel } from '../../../shared/plan/planner';

export interface PlanInputOptions {
  /** Keep labels that already carry a decision out of the choice (they still count in the mean DSC). */
  holdDecided: boolean;
}

export function planLabelsOf(labels: readonly LabelRow[], options: PlanInputOptions): PlanLabel[] {
  return labels.map((l) => {
    const latest = l.latest ?? null;
    const p: PlanLabel = {
      caseId: l.caseId,
      organ: l.organ,
      labelPath: l.labelPath,
      predictedDsc: latest?.predictedDsc ?? null,
      worstSlice: latest?.worstSlice ?? null,
      // A label the scan found scorable but no score has reached yet is 'unscored'; otherwise the scan's verdict.
      status: latest ? latest.status : l.status === 'ok' ? 'unscored' : l.status,
      model: latest?.model ?? '',
    };
    if (options.holdDecided && l.decision) p.hold = `already decided (${l.decision})`;
    return p;
  });
}
