/**
 * What the project database stores, one interface per table. Times are ISO-8601 UTC strings (they sort as text).
 * Every row but a project's names its project by root, so one database holds all projects the user opened.
 */
import type { Assignment } from '../../../shared/plan/assignment';
import type { LabelStatus } from '../../../shared/scores';

export interface ProjectRow {
  root: string;
  name: string;
  layout: string;
  openedAt: string;
  updatedAt: string;
  /** Who reviews in this project (prefilled in decisions and saves). */
  annotator: string | null;
}

export interface CaseRow {
  project: string;
  id: string;
  ctPath: string;
  meta: Record<string, string> | null;
}

export type Decision = 'accept' | 'fixed' | 'reject' | 'flag';

export const DECISIONS: readonly Decision[] = ['accept', 'fixed', 'reject', 'flag'];

/** The newest score of a label, kept on the label so the queue needs no look-up in the history. */
export interface LatestScore {
  model: string;
  predictedDsc: number | null;
  worstSlice: number | null;
  worstSliceDsc: number | null;
  status: LabelStatus;
  message: string;
  time: string;
}

export interface LabelRow {
  project: string;
  caseId: string;
  labelPath: string;
  organ: string;
  organId: number | null;
  organName: string | null;
  approximate: boolean;
  /** The scan's verdict: ok (scorable), unmapped, grid_mismatch or error. */
  status: LabelStatus;
  message: string;
  // Since schema v2: derived from the score and review history (the v2 upgrade fills them in).
  /** Predicted DSC of the newest score when it is ok; absent otherwise, so only scored labels are in its index. */
  dsc?: number;
  latest?: LatestScore | null;
  decision?: Decision | null;
  decidedAt?: string | null;
}

export interface ScoreRow {
  id?: number;
  project: string;
  caseId: string;
  labelPath: string;
  organ: string;
  organId: number | null;
  model: string;
  ep: string;
  predictedDsc: number | null;
  slices: number[];
  sliceDsc: number[];
  worstSlice: number | null;
  worstSliceDsc: number | null;
  status: LabelStatus;
  message: string;
  seconds: number;
  /** When the score was recorded here (a CSV row carries no time of its own). */
  time: string;
}

export interface ReviewRow {
  id?: number;
  project: string;
  labelPath: string;
  decision: Decision;
  note: string;
  annotator: string | null;
  time: string;
}

export interface EditRow {
  id?: number;
  project: string;
  labelPath: string;
  /** Version id of the saved mask (as the engine's history names it). */
  version: string;
  annotator: string | null;
  time: string;
  voxelsChanged: number;
}

/** A review assignment (schema v3): labels chosen by the planner, or read from an assignment file. */
export interface AssignmentRow {
  id?: number;
  project: string;
  /** What lists show: the file it came from, or the plan's budget and time. */
  name: string;
  /** Whom the labels are assigned to (the document's assignee); null when nobody in particular. */
  assignee: string | null;
  source: 'planner' | 'import';
  /** When it was stored here. */
  time: string;
  /** The assignment as its file holds it, so an export writes back exactly what came in. */
  doc: Assignment;
}

/** A label's place in the review workflow: the newest score's status, or pending while a scorable label waits. */
export type QueueStatus = LabelStatus | 'pending';
