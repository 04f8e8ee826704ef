/** The score history: every score a label received, per model, and the label's newest score kept on the label. */
import type { LabelScore } from '../../../shared/scores';
import { ProjectDbError } from './db-error';
import { chronological, latestScore, summaryOf } from './derive';
import { nowIso, type ProjectDb } from './project-db';
import { getProject } from './projects';
import type { LabelRow, ScoreRow } from './rows';
import { parseScoresCsv, ScoresCsvError } from '../../../shared/scores-csv';
import { setDerivedFields } from './schema';

export interface RecordScoreResult {
  /** False when the newest score of this label and model was already exactly this one (a repeated import). */
  recorded: boolean;
  /** True when the label was not known from a scan and was created from the score. */
  newLabel: boolean;
}

function sameScore(a: ScoreRow, b: LabelScore): boolean {
  const sameList = (x: number[], y: number[]): boolean => x.length === y.length && x.every((v, i) => v === y[i]);
  return (
    a.predictedDsc === b.predictedDsc &&
    a.status === b.status &&
    a.message === b.message &&
    a.worstSlice === b.worstSlice &&
    a.worstSliceDsc === b.worstSliceDsc &&
    a.organId === b.organId &&
    a.ep === b.ep &&
    sameList(a.slices, b.slices) &&
    sameList(a.sliceDsc, b.sliceDsc)
  );
}

export function scoreRowOf(project: string, s: LabelScore, time: string): ScoreRow {
  return {
    project,
    caseId: s.caseId,
    labelPath: s.labelPath,
    organ: s.organ,
    organId: s.organId,
    model: s.model,
    ep: s.ep,
    predictedDsc: s.predictedDsc,
    slices: [...s.slices],
    sliceDsc: [...s.sliceDsc],
    worstSlice: s.worstSlice,
    worstSliceDsc: s.worstSliceDsc,
    status: s.status,
    message: s.message,
    seconds: s.seconds,
    time,
  };
}

export function labelScoreOf(r: ScoreRow): LabelScore {
  return {
    caseId: r.caseId,
    organ: r.organ,
    labelPath: r.labelPath,
    organId: r.organId,
    predictedDsc: r.predictedDsc,
    slices: r.slices,
    sliceDsc: r.sliceDsc,
    worstSlice: r.worstSlice,
    worstSliceDsc: r.worstSliceDsc,
    status: r.status,
    message: r.message,
    seconds: r.seconds,
    model: r.model,
    ep: r.ep,
  };
}

/** A label met first in a score (a CSV of labels this database has no scan of). */
function labelFromScore(project: string, s: LabelScore): LabelRow {
  return {
    project,
    caseId: s.caseId,
    labelPath: s.labelPath,
    organ: s.organ,
    organId: s.organId,
    organName: null,
    approximate: false,
    // The scan's verdict is unknown; a label that could be scored was scorable.
    status: s.status === 'ok' || s.status === 'empty' ? 'ok' : s.status,
    message: '',
    latest: null,
    decision: null,
    decidedAt: null,
  };
}

/** Shows the score on its label unless the label already shows a newer one. */
function makeLatestIfNewer(label: LabelRow, row: ScoreRow): void {
  if (label.latest && label.latest.time > row.time) return;
  const latest = summaryOf(row);
  setDerivedFields(label, {
    dsc: latest.status === 'ok' && latest.predictedDsc !== null ? latest.predictedDsc : undefined,
    latest,
    decision: label.decision ?? null,
    decidedAt: label.decidedAt ?? null,
  });
}

/**
 * Adds a score to the label's history (kept per model) and makes it the label's newest score unless a newer one
 * is already recorded. The project must be in the database.
 */
export async function recordScore(db: ProjectDb, project: string, score: LabelScore, time: string = nowIso()): Promise<RecordScoreResult> {
  return db.transaction('rw', db.projects, db.labels, db.scores, async () => {
    await getProject(db, project);
    const history = await db.scores.where('[project+labelPath+model]').equals([project, score.labelPath, score.model]).toArray();
    const last = latestScore(history);
    if (last && sameScore(last, score)) return { recorded: false, newLabel: false };
    const row = scoreRowOf(project, score, time);
    row.id = await db.scores.add(row);
    const existing = await db.labels.get([project, score.labelPath]);
    const label = existing ?? labelFromScore(project, score);
    makeLatestIfNewer(label, row);
    await db.labels.put(label);
    return { recorded: true, newLabel: existing === undefined };
  });
}

/** Every score of a label, oldest first; one model's only when `model` is given. */
export async function scoreHistory(db: ProjectDb, project: string, labelPath: string, model?: string): Promise<ScoreRow[]> {
  const rows =
    model === undefined
      ? await db.scores.where('[project+labelPath]').equals([project, labelPath]).toArray()
      : await db.scores.where('[project+labelPath+model]').equals([project, labelPath, model]).toArray();
  return chronological(rows);
}

/** The newest score of a label per model. */
export async function latestScoresByModel(db: ProjectDb, project: string, labelPath: string): Promise<Map<string, ScoreRow>> {
  const out = new Map<string, ScoreRow>();
  for (const r of await scoreHistory(db, project, labelPath)) out.set(r.model, r);
  return out;
}

export interface CsvImportResult {
  rows: number;
  recorded: number;
  /** Rows identical to the label's newest score of that model (already imported). */
  unchanged: number;
  /** Labels the database did not know (created from the CSV). */
  newLabels: number;
}

/**
 * Imports a scores CSV (`sentinel score --out`, a shard or a merge) into a project, all rows or none. A malformed
 * file is refused with the line at fault; importing the same file twice records nothing new.
 */
export async function importScoresCsvText(
  db: ProjectDb,
  project: string,
  text: string,
  options: { file?: string; time?: string } = {},
): Promise<CsvImportResult> {
  const file = options.file ?? 'scores.csv';
  let scores: LabelScore[];
  try {
    scores = parseScoresCsv(text, file);
  } catch (e) {
    if (e instanceof ScoresCsvError) {
      throw new ProjectDbError('invalid_format', e.row === null ? e.reason : `row ${e.row}: ${e.reason}`, file, { cause: e });
    }
    throw e;
  }
  const time = options.time ?? nowIso();
  // One read of the project's labels and history and one bulk write, not a round trip per row: a
  // TotalSegmentator-sized run has over 100 000 rows.
  return db.transaction('rw', db.projects, db.labels, db.scores, async () => {
    await getProject(db, project);
    const labels = new Map((await db.labels.where('project').equals(project).toArray()).map((l) => [l.labelPath, l]));
    const newest = new Map<string, ScoreRow>();
    const key = (labelPath: string, model: string): string => `${labelPath}\u0000${model}`;
    for (const r of chronological(await db.scores.where('project').equals(project).toArray())) newest.set(key(r.labelPath, r.model), r);
    const result: CsvImportResult = { rows: scores.length, recorded: 0, unchanged: 0, newLabels: 0 };
    const added: ScoreRow[] = [];
    const touched = new Set<LabelRow>();
    for (const s of scores) {
      const k = key(s.labelPath, s.model);
      const last = newest.get(k);
      if (last && sameScore(last, s)) {
        result.unchanged++;
        continue;
      }
      const row = scoreRowOf(project, s, time);
      newest.set(k, row);
      added.push(row);
      result.recorded++;
      let label = labels.get(s.labelPath);
      if (!label) {
        label = labelFromScore(project, s);
        labels.set(s.labelPath, label);
        result.newLabels++;
      }
      makeLatestIfNewer(label, row);
      touched.add(label);
    }
    await db.scores.bulkAdd(added);
    await db.labels.bulkPut([...touched]);
    return result;
  });
}
