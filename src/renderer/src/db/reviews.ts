/** Review decisions and the edits log: who decided or changed what about a label, and when. */
import { ProjectDbError } from './db-error';
import { chronological } from './derive';
import { nowIso, type ProjectDb } from './project-db';
import { DECISIONS, type Decision, type EditRow, type ReviewRow } from './rows';

export interface DecisionInput {
  project: string;
  labelPath: string;
  decision: Decision;
  note?: string;
  annotator?: string | null;
  time?: string;
}

/** Records a decision about a label; it becomes the label's current decision. */
export async function recordDecision(db: ProjectDb, input: DecisionInput): Promise<ReviewRow> {
  if (!DECISIONS.includes(input.decision)) {
    throw new ProjectDbError('invalid_argument', `unknown decision "${String(input.decision)}" (one of ${DECISIONS.join(', ')})`, input.project);
  }
  const row: ReviewRow = {
    project: input.project,
    labelPath: input.labelPath,
    decision: input.decision,
    note: input.note ?? '',
    annotator: input.annotator ?? null,
    time: input.time ?? nowIso(),
  };
  return db.transaction('rw', db.labels, db.reviews, async () => {
    const label = await db.labels.get([input.project, input.labelPath]);
    if (!label) throw new ProjectDbError('not_found', `no label ${input.labelPath} in this project`, input.project);
    row.id = await db.reviews.add(row);
    if (!label.decidedAt || label.decidedAt <= row.time) {
      await db.labels.update([input.project, input.labelPath], { decision: row.decision, decidedAt: row.time });
    }
    return row;
  });
}

export interface EditInput {
  project: string;
  labelPath: string;
  version: string;
  annotator?: string | null;
  voxelsChanged: number;
  time?: string;
}

/** Logs a saved edit of a label's mask. */
export async function recordEdit(db: ProjectDb, input: EditInput): Promise<EditRow> {
  if (!Number.isInteger(input.voxelsChanged) || input.voxelsChanged < 0) {
    throw new ProjectDbError('invalid_argument', `voxelsChanged ${input.voxelsChanged} is not a count`, input.project);
  }
  const row: EditRow = {
    project: input.project,
    labelPath: input.labelPath,
    version: input.version,
    annotator: input.annotator ?? null,
    time: input.time ?? nowIso(),
    voxelsChanged: input.voxelsChanged,
  };
  row.id = await db.edits.add(row);
  return row;
}

/** A label's decisions, oldest first. */
export async function reviewsOf(db: ProjectDb, project: string, labelPath: string): Promise<ReviewRow[]> {
  return chronological(await db.reviews.where('[project+labelPath]').equals([project, labelPath]).toArray());
}

/** A label's logged edits, oldest first. */
export async function editsOf(db: ProjectDb, project: string, labelPath: string): Promise<EditRow[]> {
  return chronological(await db.edits.where('[project+labelPath]').equals([project, labelPath]).toArray());
}
