/**
 * The report's input from what the app holds: every label of the project with its newest score (Dexie), the
 * case metadata from the scan (ProjectSnapshot.cases[].meta), and the scores as a scores CSV, so the CLI can make
 * the same report from the same numbers.
 */
import type { ProjectSnapshot } from '../../../shared/api';
import type { CaseMeta, ReportLabel } from '../../../shared/report';
import { SCORE_HEADER, scoreToCsvRow } from '../../../shared/scores-csv';
import type { LabelScore } from '../../../shared/scores';
import { labelScoreOf, queueStatusOf, type LabelRow, type ProjectDb, type ScoreRow } from '../db';
import { chronological } from '../db/derive';

export function reportLabelOf(l: LabelRow): ReportLabel {
  const latest = l.latest ?? null;
  return {
    caseId: l.caseId,
    organ: l.organ,
    labelPath: l.labelPath,
    status: queueStatusOf(l),
    predictedDsc: latest && latest.status === 'ok' ? latest.predictedDsc : null,
    worstSlice: latest?.worstSlice ?? null,
    worstSliceDsc: latest?.worstSliceDsc ?? null,
    model: latest?.model ?? '',
  };
}

export async function projectReportLabels(db: ProjectDb, project: string): Promise<ReportLabel[]> {
  return (await db.labels.where('project').equals(project).toArray()).map(reportLabelOf);
}

export function snapshotMeta(snapshot: ProjectSnapshot | null): CaseMeta {
  return new Map((snapshot?.cases ?? []).flatMap((c) => (c.meta ? [[c.id, c.meta] as [string, Record<string, string>]] : [])));
}

/**
 * The project's scores as `sentinel score` would write them: each label's newest score, and for a label the scan
 * could not score (unmapped, grid mismatch, error) a row with the scan's verdict. Labels still waiting to be
 * scored have no row.
 */
export async function projectScoresCsv(db: ProjectDb, project: string): Promise<string> {
  const newest = new Map<string, ScoreRow>();
  for (const r of chronological(await db.scores.where('project').equals(project).toArray())) newest.set(r.labelPath, r);
  const rows: LabelScore[] = [];
  for (const l of await db.labels.where('project').equals(project).toArray()) {
    const s = newest.get(l.labelPath);
    if (s) rows.push(labelScoreOf(s));
    else if (l.status !== 'ok') {
      rows.push({ caseId: l.caseId, organ: l.organ, labelPath: l.labelPath, organId: l.organId, predictedDsc: null, slices: [], sliceDsc: [], worstSlice: null, worstSliceDsc: null, status: l.status, message: l.message, seconds: 0, model: '', ep: '' });
    }
  }
  rows.sort((a, b) => (a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : a.labelPath < b.labelPath ? -1 : a.labelPath > b.labelPath ? 1 : 0));
  return [SCORE_HEADER, ...rows.map(scoreToCsvRow)].join('\n') + '\n';
}
