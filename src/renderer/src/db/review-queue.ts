/**
 * The review queue: a project's labels, worst predicted quality first. Labels without a predicted DSC (not yet
 * scored, or whose score failed) come last, so the annotator's time goes where the model expects errors.
 */
import { assignedLabelPaths } from './assignments';
import { ProjectDbError } from './db-error';
import type { ProjectDb } from './project-db';
import type { Decision, LabelRow, QueueStatus } from './rows';

export interface QueueFilters {
  organ?: string | string[];
  caseId?: string | string[];
  /** Workflow status: the newest score's status, or 'pending' for a scorable label not scored yet. */
  status?: QueueStatus[];
  /** Current decision; 'none' for labels without one. */
  decision?: (Decision | 'none')[];
  /** Predicted DSC range, inclusive. Either bound restricts the queue to scored labels. */
  minDsc?: number;
  maxDsc?: number;
  /** Only the labels of this review assignment. */
  assignmentId?: number;
  /** Only the labels assigned to this person (any of the project's assignments). */
  assignee?: string;
  limit?: number;
}

export type QueueItem = LabelRow & { queueStatus: QueueStatus };

export function queueStatusOf(label: LabelRow): QueueStatus {
  if (label.latest) return label.latest.status;
  return label.status === 'ok' ? 'pending' : label.status;
}

const asSet = (v: string | string[] | undefined): Set<string> | null => (v === undefined ? null : new Set(Array.isArray(v) ? v : [v]));

function compareQueue(a: LabelRow, b: LabelRow): number {
  const da = a.dsc;
  const db = b.dsc;
  if (da !== undefined && db !== undefined && da !== db) return da - db;
  if ((da === undefined) !== (db === undefined)) return da === undefined ? 1 : -1;
  if (a.caseId !== b.caseId) return a.caseId < b.caseId ? -1 : 1;
  if (a.organ !== b.organ) return a.organ < b.organ ? -1 : 1;
  return a.labelPath < b.labelPath ? -1 : a.labelPath > b.labelPath ? 1 : 0;
}

export async function reviewQueue(db: ProjectDb, project: string, filters: QueueFilters = {}): Promise<QueueItem[]> {
  const { minDsc, maxDsc } = filters;
  if (minDsc !== undefined && maxDsc !== undefined && minDsc > maxDsc) {
    throw new ProjectDbError('invalid_argument', `score range [${minDsc}, ${maxDsc}] is empty`, project);
  }
  // A score range reads only scored labels, straight from the [project+dsc] index.
  const rows =
    minDsc !== undefined || maxDsc !== undefined
      ? await db.labels
          .where('[project+dsc]')
          .between([project, minDsc ?? -Infinity], [project, maxDsc ?? Infinity], true, true)
          .toArray()
      : await db.labels.where('project').equals(project).toArray();
  const organs = asSet(filters.organ);
  const cases = asSet(filters.caseId);
  const statuses = filters.status ? new Set<string>(filters.status) : null;
  const decisions = filters.decision ? new Set<string>(filters.decision) : null;
  const assigned = await assignedLabelPaths(db, project, filters);
  const items: QueueItem[] = [];
  for (const label of rows) {
    const queueStatus = queueStatusOf(label);
    if (organs && !organs.has(label.organ)) continue;
    if (cases && !cases.has(label.caseId)) continue;
    if (statuses && !statuses.has(queueStatus)) continue;
    if (decisions && !decisions.has(label.decision ?? 'none')) continue;
    if (assigned && !assigned.has(label.labelPath)) continue;
    items.push({ ...label, queueStatus });
  }
  items.sort(compareQueue);
  return filters.limit === undefined ? items : items.slice(0, Math.max(0, filters.limit));
}
