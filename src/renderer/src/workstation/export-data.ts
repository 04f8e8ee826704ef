/**
 * What the exports need from the project database: each label's newest score (for the scores files and the worst
 * list, made here as downloads), the scores the engine's nnU-Net export filters by, and the review decisions the
 * audit log merges with the dataset's save history.
 */
import type { ExportScoreInput } from '../../../shared/api';
import type { AuditDecision } from '../../../shared/export/audit-log';
import type { LabelScore } from '../../../shared/scores';
import { labelScoreOf, type ProjectDb, type ScoreRow } from '../db';
import { newer } from '../db/derive';

/** The newest score of every label of the project (by time, then insertion order). */
export async function newestScores(db: ProjectDb, root: string): Promise<LabelScore[]> {
  const rows = await db.scores.where('project').equals(root).toArray();
  const newest = new Map<string, ScoreRow>();
  for (const r of rows) {
    const was = newest.get(r.labelPath);
    if (!was || newer(r, was)) newest.set(r.labelPath, r);
  }
  return [...newest.values()].map(labelScoreOf);
}

/**
 * The scores the nnU-Net export filters by, with each label's current decision. A label edited after its newest
 * score has no valid score yet (its rescore is pending): it is left out, so the export says "not scored".
 */
export async function nnunetScores(db: ProjectDb, root: string): Promise<ExportScoreInput[]> {
  const labels = await db.labels.where('project').equals(root).toArray();
  const lastEdit = new Map<string, string>();
  for (const e of await db.edits.where('project').equals(root).toArray()) {
    if ((lastEdit.get(e.labelPath) ?? '') < e.time) lastEdit.set(e.labelPath, e.time);
  }
  const out: ExportScoreInput[] = [];
  for (const l of labels) {
    const s = l.latest;
    if (!s) continue;
    const edited = lastEdit.get(l.labelPath);
    if (edited && edited > s.time) continue;
    out.push({ caseId: l.caseId, labelPath: l.labelPath, status: s.status, predictedDsc: s.predictedDsc, model: s.model, decision: l.decision ?? null });
  }
  return out;
}

/** Every decision recorded in the project, with the case of its label. */
export async function projectDecisions(db: ProjectDb, root: string): Promise<AuditDecision[]> {
  const caseOf = new Map((await db.labels.where('project').equals(root).toArray()).map((l) => [l.labelPath, l.caseId]));
  const reviews = await db.reviews.where('project').equals(root).toArray();
  return reviews.map((r) => ({ caseId: caseOf.get(r.labelPath), labelPath: r.labelPath, decision: r.decision, note: r.note, annotator: r.annotator, time: r.time }));
}
