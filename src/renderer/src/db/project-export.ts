/**
 * A project's whole record (project, cases, labels, score history, decisions, edits, review assignments) as one
 * JSON document, to back up, move to another machine or hand to a colleague. Versioned: an import refuses a newer
 * format instead of guessing, and still reads every older one. Derived fields (a label's newest score and
 * decision, an assignment's assignee) are not exported; an import recomputes them.
 *
 * Format 1: project, cases, labels, scores, reviews, edits. Format 2 adds `assignments` (schema v3); a format-1
 * file imports with none. Format 2 because a build that reads only format 1 would otherwise drop them silently.
 */
import { z } from 'zod';
import { assignmentSchema } from '../../../shared/plan/assignment';
import { LABEL_STATUSES, type LabelStatus } from '../../../shared/scores';
import { ProjectDbError } from './db-error';
import { chronological } from './derive';
import { nowIso, type ProjectDb } from './project-db';
import { getProject } from './projects';
import { DECISIONS, type AssignmentRow, type CaseRow, type EditRow, type LabelRow, type ProjectRow, type ReviewRow, type ScoreRow } from './rows';
import { derivedFields, setDerivedFields } from './schema';

export const EXPORT_FORMAT = 'sentinel-workstation-project';
export const EXPORT_FORMAT_VERSION = 2;
/** Every format version this build imports. */
const READABLE_VERSIONS: readonly number[] = [1, 2];

const text = z.string().max(100_000);
const time = z.string().max(64);
const status = z.enum(LABEL_STATUSES as [LabelStatus, ...LabelStatus[]]);
const nullableNumber = z.number().nullable();

const projectSchema = z.object({
  root: z.string().min(1),
  name: text,
  layout: text,
  openedAt: time,
  updatedAt: time,
  annotator: text.nullable(),
});
const caseSchema = z.object({ id: z.string().min(1), ctPath: text, meta: z.record(z.string(), z.string()).nullable() });
const labelSchema = z.object({
  caseId: text,
  labelPath: z.string().min(1),
  organ: text,
  organId: z.number().int().nullable(),
  organName: text.nullable(),
  approximate: z.boolean(),
  status,
  message: text,
});
const scoreSchema = z.object({
  caseId: text,
  labelPath: z.string().min(1),
  organ: text,
  organId: z.number().int().nullable(),
  model: text,
  ep: text,
  predictedDsc: nullableNumber,
  slices: z.array(z.number().int()),
  sliceDsc: z.array(z.number()),
  worstSlice: nullableNumber,
  worstSliceDsc: nullableNumber,
  status,
  message: text,
  seconds: z.number(),
  time,
});
const reviewSchema = z.object({
  labelPath: z.string().min(1),
  decision: z.enum(DECISIONS as [ReviewRow['decision'], ...ReviewRow['decision'][]]),
  note: text,
  annotator: text.nullable(),
  time,
});
const editSchema = z.object({
  labelPath: z.string().min(1),
  version: text,
  annotator: text.nullable(),
  time,
  voxelsChanged: z.number().int().nonnegative(),
});

const assignmentRowSchema = z.object({
  name: text,
  source: z.enum(['planner', 'import']),
  time,
  doc: assignmentSchema,
});

const exportSchema = z.object({
  format: z.literal(EXPORT_FORMAT),
  formatVersion: z.union([z.literal(1), z.literal(EXPORT_FORMAT_VERSION)]),
  exportedAt: time,
  project: projectSchema,
  cases: z.array(caseSchema),
  labels: z.array(labelSchema),
  scores: z.array(scoreSchema),
  reviews: z.array(reviewSchema),
  edits: z.array(editSchema),
  /** Since format 2; absent in format 1. */
  assignments: z.array(assignmentRowSchema).optional(),
});

export type ProjectExport = z.infer<typeof exportSchema>;

/** History rows as exported: without the project they belong to and without database ids. */
function strip<T extends { project: string; id?: number }>(row: T): Omit<T, 'project' | 'id'> {
  const copy: Partial<T> = { ...row };
  delete copy.project;
  delete copy.id;
  return copy as Omit<T, 'project' | 'id'>;
}

function baseAssignment(a: AssignmentRow): z.infer<typeof assignmentRowSchema> {
  return { name: a.name, source: a.source, time: a.time, doc: a.doc };
}

function baseLabel(l: LabelRow): z.infer<typeof labelSchema> {
  return {
    caseId: l.caseId,
    labelPath: l.labelPath,
    organ: l.organ,
    organId: l.organId,
    organName: l.organName,
    approximate: l.approximate,
    status: l.status,
    message: l.message,
  };
}

function groupByLabel<T extends { labelPath: string }>(rows: T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const list = out.get(r.labelPath);
    if (list) list.push(r);
    else out.set(r.labelPath, [r]);
  }
  return out;
}

const byKey = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export async function exportProject(db: ProjectDb, root: string, exportedAt: string = nowIso()): Promise<ProjectExport> {
  return db.transaction('r', [db.projects, db.cases, db.labels, db.scores, db.reviews, db.edits, db.assignments], async () => {
    const project = await getProject(db, root);
    const cases = (await db.cases.where('project').equals(root).toArray()).sort((a, b) => byKey(a.id, b.id));
    const labels = (await db.labels.where('project').equals(root).toArray()).sort((a, b) => byKey(a.labelPath, b.labelPath));
    return {
      format: EXPORT_FORMAT,
      formatVersion: EXPORT_FORMAT_VERSION,
      exportedAt,
      project,
      cases: cases.map((c) => ({ id: c.id, ctPath: c.ctPath, meta: c.meta })),
      labels: labels.map(baseLabel),
      scores: chronological(await db.scores.where('project').equals(root).toArray()).map(strip),
      reviews: chronological(await db.reviews.where('project').equals(root).toArray()).map(strip),
      edits: chronological(await db.edits.where('project').equals(root).toArray()).map(strip),
      assignments: chronological(await db.assignments.where('project').equals(root).toArray()).map(baseAssignment),
    };
  });
}

export interface ImportOptions {
  /** Where the project lives on this machine, when not where it was exported from. */
  root?: string;
}

export interface ImportResult {
  root: string;
  cases: number;
  labels: number;
  scores: number;
  reviews: number;
  edits: number;
  assignments: number;
}

function parseExport(data: unknown, source: string): ProjectExport {
  let value = data;
  if (typeof data === 'string') {
    try {
      value = JSON.parse(data);
    } catch (e) {
      throw new ProjectDbError('invalid_format', `not JSON (${e instanceof Error ? e.message : String(e)})`, source, { cause: e });
    }
  }
  const head = z.object({ format: z.string(), formatVersion: z.number() }).safeParse(value);
  if (!head.success || head.data.format !== EXPORT_FORMAT) {
    throw new ProjectDbError('invalid_format', `not a project export (format "${EXPORT_FORMAT}" expected)`, source);
  }
  if (!READABLE_VERSIONS.includes(head.data.formatVersion)) {
    throw new ProjectDbError('unsupported', `project export format ${head.data.formatVersion}; this version reads formats ${READABLE_VERSIONS.join(', ')}`, source);
  }
  const parsed = exportSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ProjectDbError('invalid_format', `${issue.path.join('.') || '(root)'}: ${issue.message}`, source);
  }
  return parsed.data;
}

/**
 * Replaces a project's record with an export (a string or the parsed JSON), in one transaction: on any error the
 * database is as it was.
 */
export async function importProject(db: ProjectDb, data: unknown, options: ImportOptions = {}, source = 'project export'): Promise<ImportResult> {
  const doc = parseExport(data, source);
  const root = options.root ?? doc.project.root;
  const tables = [db.projects, db.cases, db.labels, db.scores, db.reviews, db.edits, db.assignments];
  return db.transaction('rw', tables, async () => {
    await db.projects.delete(root);
    for (const table of [db.cases, db.labels, db.scores, db.reviews, db.edits, db.assignments] as const) await table.where('project').equals(root).delete();
    const project: ProjectRow = { ...doc.project, root };
    await db.projects.put(project);
    const cases: CaseRow[] = doc.cases.map((c) => ({ ...c, project: root }));
    const scores: ScoreRow[] = doc.scores.map((s) => ({ ...s, project: root }));
    const reviews: ReviewRow[] = doc.reviews.map((r) => ({ ...r, project: root }));
    const edits: EditRow[] = doc.edits.map((e) => ({ ...e, project: root }));
    await db.cases.bulkAdd(cases);
    // Ids are assigned in history order, so equal times keep the exported order.
    const scoreIds = await db.scores.bulkAdd(scores, { allKeys: true });
    scores.forEach((s, i) => (s.id = scoreIds[i]));
    const reviewIds = await db.reviews.bulkAdd(reviews, { allKeys: true });
    reviews.forEach((r, i) => (r.id = reviewIds[i]));
    await db.edits.bulkAdd(edits);
    // In exported (chronological) order, so ids keep the order of equal times as well.
    const assignments: AssignmentRow[] = (doc.assignments ?? []).map((a) => ({ ...a, project: root, assignee: a.doc.assignee ?? null }));
    await db.assignments.bulkAdd(assignments);
    const scoresOf = groupByLabel(scores);
    const reviewsOf = groupByLabel(reviews);
    const labels: LabelRow[] = doc.labels.map((l) => {
      const row: LabelRow = { ...l, project: root };
      setDerivedFields(row, derivedFields(scoresOf.get(l.labelPath) ?? [], reviewsOf.get(l.labelPath) ?? []));
      return row;
    });
    await db.labels.bulkAdd(labels);
    return { root, cases: cases.length, labels: labels.length, scores: scores.length, reviews: reviews.length, edits: edits.length, assignments: assignments.length };
  });
}
