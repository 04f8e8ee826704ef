/**
 * Review assignments in the project database: what the planner chose (or an imported assignment file), kept whole
 * so it can be exported again as it is, and the label set the review queue filters to.
 */
import { validateAssignment, type Assignment } from '../../../shared/plan/assignment';
import { ProjectDbError } from './db-error';
import { nowIso, type ProjectDb } from './project-db';
import { getProject } from './projects';
import type { AssignmentRow } from './rows';

export interface SaveAssignmentOptions {
  name: string;
  source: AssignmentRow['source'];
  time?: string;
}

export interface SaveAssignmentResult {
  id: number;
  /** Items whose label this project does not have (another dataset's plan, or labels since removed). */
  missing: string[];
}

/**
 * Stores an assignment for a project. Refused when none of its labels belong to the project (most likely the plan
 * of another dataset); labels the project lacks are reported, not dropped, so an export gives the file back.
 */
export async function saveAssignment(db: ProjectDb, project: string, doc: Assignment, options: SaveAssignmentOptions): Promise<SaveAssignmentResult> {
  // The document may come from anywhere in the page: it is stored only in the shape the format allows.
  const checked = validateAssignment(doc, options.name);
  return db.transaction('rw', db.projects, db.labels, db.assignments, async () => {
    await getProject(db, project);
    const known = new Set((await db.labels.where('project').equals(project).primaryKeys()).map((k) => k[1]));
    const missing = checked.items.filter((i) => !known.has(i.labelPath)).map((i) => i.labelPath);
    if (checked.items.length > 0 && missing.length === checked.items.length) {
      throw new ProjectDbError('invalid_argument', `none of its ${checked.items.length} labels is in the project ${project}`, options.name);
    }
    const row: AssignmentRow = {
      project,
      name: options.name,
      assignee: checked.assignee ?? null,
      source: options.source,
      time: options.time ?? nowIso(),
      doc: checked,
    };
    // ++id: the key is always a number.
    const id = (await db.assignments.add(row)) as number;
    return { id, missing };
  });
}

/** A project's assignments, newest first. */
export async function listAssignments(db: ProjectDb, project: string): Promise<AssignmentRow[]> {
  const rows = await db.assignments.where('project').equals(project).toArray();
  return rows.sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : (b.id ?? 0) - (a.id ?? 0)));
}

export async function getAssignment(db: ProjectDb, id: number): Promise<AssignmentRow> {
  const row = await db.assignments.get(id);
  if (!row) throw new ProjectDbError('not_found', `assignment ${id} is not in the database`);
  return row;
}

export async function deleteAssignment(db: ProjectDb, id: number): Promise<void> {
  await db.assignments.delete(id);
}

export interface AssignmentScope {
  /** One assignment. */
  assignmentId?: number;
  /** Every assignment of the project given to this person. */
  assignee?: string;
}

/** Label paths of the assignments in scope (both conditions when both are given); null when no scope is set. */
export async function assignedLabelPaths(db: ProjectDb, project: string, scope: AssignmentScope): Promise<Set<string> | null> {
  if (scope.assignmentId === undefined && scope.assignee === undefined) return null;
  let rows: AssignmentRow[];
  if (scope.assignmentId !== undefined) {
    const row = await db.assignments.get(scope.assignmentId);
    rows = row && row.project === project && (scope.assignee === undefined || row.assignee === scope.assignee) ? [row] : [];
  } else {
    rows = await db.assignments.where('[project+assignee]').equals([project, scope.assignee as string]).toArray();
  }
  return new Set(rows.flatMap((r) => r.doc.items.map((i) => i.labelPath)));
}
