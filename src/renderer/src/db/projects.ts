/** Projects and their scan results: what opening a dataset records, and the recent-projects list. */
import type { ProjectSnapshot } from '../../../shared/api';
import { ProjectDbError } from './db-error';
import { nowIso, type ProjectDb } from './project-db';
import type { CaseRow, LabelRow, ProjectRow } from './rows';

export interface UpsertOptions {
  /** Display name; kept from before, else the root's last folder name. */
  name?: string;
  annotator?: string | null;
  now?: string;
}

export interface UpsertResult {
  project: ProjectRow;
  cases: number;
  labels: number;
  /** Labels the new scan no longer found (their scores, reviews and edits stay in the history). */
  removedLabels: number;
}

/** Last path segment of a root, for either separator. */
export function folderName(root: string): string {
  const parts = root.split(/[\\/]+/).filter((p) => p !== '');
  return parts.length ? parts[parts.length - 1] : root;
}

/**
 * Records an opened project from the engine's scan: the project (opened now), its cases and labels. A rescan keeps
 * what the workstation derived for labels still present (newest score, decision) and drops labels no longer there.
 */
export async function upsertProjectFromSnapshot(db: ProjectDb, snapshot: ProjectSnapshot, options: UpsertOptions = {}): Promise<UpsertResult> {
  if (!snapshot.root) throw new ProjectDbError('invalid_argument', 'the snapshot names no project root');
  const now = options.now ?? nowIso();
  const root = snapshot.root;
  return db.transaction('rw', db.projects, db.cases, db.labels, async () => {
    const old = await db.projects.get(root);
    const project: ProjectRow = {
      root,
      name: options.name ?? old?.name ?? folderName(root),
      layout: snapshot.layout,
      openedAt: now,
      updatedAt: now,
      annotator: options.annotator !== undefined ? options.annotator : (old?.annotator ?? null),
    };
    await db.projects.put(project);

    const cases: CaseRow[] = snapshot.cases.map((c) => ({ project: root, id: c.id, ctPath: c.ctPath, meta: c.meta ?? null }));
    await db.cases.where('project').equals(root).delete();
    await db.cases.bulkPut(cases);

    const before = new Map((await db.labels.where('project').equals(root).toArray()).map((l) => [l.labelPath, l]));
    const labels: LabelRow[] = snapshot.labels.map((l) => {
      const prev = before.get(l.labelPath);
      const row: LabelRow = {
        project: root,
        caseId: l.caseId,
        labelPath: l.labelPath,
        organ: l.organ,
        organId: l.organId,
        organName: l.organName,
        approximate: l.approximate,
        status: l.status,
        message: l.message,
        latest: prev?.latest ?? null,
        decision: prev?.decision ?? null,
        decidedAt: prev?.decidedAt ?? null,
      };
      if (prev?.dsc !== undefined) row.dsc = prev.dsc;
      return row;
    });
    const kept = new Set(labels.map((l) => l.labelPath));
    const gone = [...before.keys()].filter((p) => !kept.has(p));
    await db.labels.bulkDelete(gone.map((p): [string, string] => [root, p]));
    await db.labels.bulkPut(labels);
    return { project, cases: cases.length, labels: labels.length, removedLabels: gone.length };
  });
}

/** Projects by the time they were last opened, newest first. */
export async function recentProjects(db: ProjectDb, limit = 10): Promise<ProjectRow[]> {
  return db.projects.orderBy('openedAt').reverse().limit(limit).toArray();
}

export async function getProject(db: ProjectDb, root: string): Promise<ProjectRow> {
  const p = await db.projects.get(root);
  if (!p) throw new ProjectDbError('not_found', 'this project is not in the database: open it first', root);
  return p;
}

export async function setAnnotator(db: ProjectDb, root: string, annotator: string | null, now = nowIso()): Promise<void> {
  const n = await db.projects.update(root, { annotator, updatedAt: now });
  if (n === 0) await getProject(db, root);
}

/** Removes a project and everything recorded about it. The dataset on disk is not touched. */
export async function forgetProject(db: ProjectDb, root: string): Promise<void> {
  await db.transaction('rw', [db.projects, db.cases, db.labels, db.scores, db.reviews, db.edits, db.assignments], async () => {
    await db.projects.delete(root);
    for (const table of [db.cases, db.labels, db.scores, db.reviews, db.edits, db.assignments] as const) {
      await table.where('project').equals(root).delete();
    }
  });
}
