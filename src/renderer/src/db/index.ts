/** The renderer's project database: projects, scans, score history, review decisions, edits (Dexie 4). */
export { ProjectDbError, type ProjectDbErrorCode } from './db-error';
export { DEFAULT_DB_NAME, ProjectDb, nowIso } from './project-db';
export {
  DECISIONS,
  type CaseRow,
  type Decision,
  type EditRow,
  type LabelRow,
  type LatestScore,
  type ProjectRow,
  type QueueStatus,
  type ReviewRow,
  type ScoreRow,
  type AssignmentRow,
} from './rows';
export { SCHEMA_V1, SCHEMA_V2, SCHEMA_V3, SCHEMA_VERSION, declareSchema, upgradeToV2 } from './schema';
export {
  assignedLabelPaths,
  deleteAssignment,
  getAssignment,
  listAssignments,
  saveAssignment,
  type AssignmentScope,
  type SaveAssignmentOptions,
  type SaveAssignmentResult,
} from './assignments';
export {
  folderName,
  forgetProject,
  getProject,
  recentProjects,
  setAnnotator,
  upsertProjectFromSnapshot,
  type UpsertOptions,
  type UpsertResult,
} from './projects';
export {
  importScoresCsvText,
  labelScoreOf,
  latestScoresByModel,
  recordScore,
  scoreHistory,
  type CsvImportResult,
  type RecordScoreResult,
} from './scores';
export { ScoresCsvError, parseScoresCsv } from '../../../shared/scores-csv';
export { editsOf, recordDecision, recordEdit, reviewsOf, type DecisionInput, type EditInput } from './reviews';
export { queueStatusOf, reviewQueue, type QueueFilters, type QueueItem } from './review-queue';
export {
  EXPORT_FORMAT,
  EXPORT_FORMAT_VERSION,
  exportProject,
  importProject,
  type ImportOptions,
  type ImportResult,
  type ProjectExport,
} from './project-export';
