/**
 * The one contract between the renderer and the engine. The preload implements it over Electron IPC, the web host
 * over HTTP + WebSocket; the renderer only ever sees `SentinelApi`. Everything crossing it is JSON-like data plus
 * typed arrays (voxels), which IPC clones and the web host sends as a binary envelope (binary-envelope.ts).
 */
import type { LabelScore, LabelStatus } from './scores';
import type { AuditDecision } from './export/audit-log';

export type JobPriority = 'interactive' | 'open_case' | 'unscored' | 'stale';

export interface EngineInfo {
  version: string;
  /** name@version of the loaded model card, or null when no model could be loaded. */
  model: string | null;
  modelPurpose: 'default' | 'test-only' | 'user' | null;
  /** Execution provider in use, and why others were passed over. */
  ep: string | null;
  epNotes: string[];
  /** Why no model is loaded, when none is. */
  modelError: string | null;
}

export interface ProjectLabel {
  caseId: string;
  organ: string;
  labelPath: string;
  organId: number | null;
  organName: string | null;
  approximate: boolean;
  /** Known before scoring: ok (scorable), unmapped, grid_mismatch or error. */
  status: LabelScore['status'];
  message: string;
}

export interface ProjectSnapshot {
  root: string;
  layout: string;
  cases: { id: string; ctPath: string; meta?: Record<string, string> }[];
  labels: ProjectLabel[];
  /** Problems the scan found that are not a single label's (unreadable CT, stray files). */
  issues: { path: string; message: string }[];
}

export interface ScoringProgress {
  root: string;
  state: 'idle' | 'running' | 'paused';
  queued: number;
  done: number;
  failed: number;
  labelsPerSecond: number;
  etaSeconds: number | null;
}

export type EngineEvent =
  | { type: 'scan'; root: string; scanned: number; total: number }
  | { type: 'score'; root: string; score: LabelScore }
  | { type: 'progress'; progress: ScoringProgress }
  | { type: 'error'; root: string | null; message: string }
  | { type: 'export'; id: string; root: string; stage: 'checking' | 'writing' | 'finishing'; done: number; total: number };

export interface ScoreRequest {
  root: string;
  /** Label paths to score; all scorable labels of the project when absent. */
  labelPaths?: string[];
  priority?: JobPriority;
}

/** Geometry of the volumes the editor receives: always in the voxel order closest to RAS (as scored). */
export interface VolumeGeometry {
  dims: [number, number, number];
  spacing: [number, number, number];
  /** 4×4 voxel → world (RAS mm), row-major. */
  affine: number[];
}

export interface LabelRef {
  root: string;
  caseId: string;
  labelPath: string;
}

/** Everything the editor needs to show and edit one label. Typed arrays travel as binary, never as JSON numbers. */
export interface LabelVolumes {
  caseId: string;
  labelPath: string;
  organ: string;
  geometry: VolumeGeometry;
  /** CT in HU, clamped to the int16 range. */
  ct: Int16Array;
  /** This label's voxels, 0/1. */
  mask: Uint8Array;
  /**
   * The case's other labels for context, as one map: value v > 0 is contextNames[v - 1]. Absent when the case has
   * no other label. Per-organ masks may overlap; the map keeps the first.
   */
  context?: Uint8Array;
  contextNames?: string[];
  /** Identifies the file version read (its content version), for the conflict check on save. */
  version: string;
  /** True when corrections of this dataset go to the project's workspace instead of the dataset. */
  readOnlyDataset: boolean;
  /**
   * What the editor should tell the annotator about how the label is shown: resampled onto the CT's grid, a segment
   * that overlaps others in its file, a mask file that is not plainly binary. Absent when there is nothing to say.
   */
  warnings?: string[];
}

export interface HistoryEntry {
  /** Version id, usable in revert: a history id (sortable, the time it was replaced), or for the current one its content version. */
  version: string;
  /** ISO time the version was replaced (or written, for the current one). */
  time: string;
  /** ISO time the version was written by a save; for a version found as it was, the file's modification time. */
  writtenAt: string;
  /** Who wrote it; null when it was not written by a save. */
  annotator: string | null;
  /** 'original' (as found), 'save', 'revert', 'external' (changed outside the app after a save). */
  kind: 'original' | 'save' | 'revert' | 'external';
  current: boolean;
  bytes: number;
  /** The label whose save wrote it (a multi-label map's history holds every label's saves); null if none. */
  labelPath: string | null;
}

export interface SaveMaskRequest extends LabelRef {
  mask: Uint8Array;
  annotator: string;
  /** The version the edit started from; a save over a newer version is refused instead of losing it. */
  baseVersion: string;
}

export interface SaveResult {
  /** The file's version now (pass it as baseVersion of the next save). */
  version: string;
  /** Where the mask was written, relative to the dataset root or (inWorkspace) to the project's workspace. */
  savedTo: string;
  inWorkspace: boolean;
  /** False when the mask was the file's already: nothing was written. */
  changed: boolean;
  /** In a multi-label map: voxels taken from other labels by this save, per label name. */
  takenFrom: { organ: string; voxels: number }[];
  /** The label was queued for rescoring at top priority; its score arrives as a 'score' event. */
  rescoreQueued: boolean;
}

/** What an nnU-Net export needs of a label's score (the app's database has it for every scored label). */
export interface ExportScoreInput {
  caseId: string;
  labelPath: string;
  status: LabelStatus;
  predictedDsc: number | null;
  model?: string;
  /** The reviewer's current decision: labels rejected or flagged are never exported. */
  decision?: 'accept' | 'fixed' | 'reject' | 'flag' | null;
}

/**
 * An export the engine writes into a folder (docs/exports.md); scores and the worst list are made in the renderer
 * as downloads. The folder must be one the host allows (browser host: --export-dir; Electron: a folder picked in
 * the dialog). Progress arrives as 'export' events with this id; cancelExport stops it and nothing is left.
 */
export interface ExportRequest {
  /** Chosen by the caller (letters, digits, '-', '_'): names the export in its events and in cancelExport. */
  id: string;
  root: string;
  to: string;
  what: 'nnunet' | 'audit';
  /** nnunet: the labels' newest scores. */
  scores?: ExportScoreInput[];
  threshold?: number;
  organs?: string[];
  datasetId?: number;
  datasetName?: string;
  link?: boolean;
  includeIdentifiers?: boolean;
  /** audit: the review decisions of the app's database, merged with the dataset's save history. */
  decisions?: AuditDecision[];
  /** Replace an existing export of the same name. */
  force?: boolean;
}

export interface ExportResult {
  id: string;
  /** False when it was cancelled: then nothing was written. */
  completed: boolean;
  /** Absolute paths written. */
  paths: string[];
  /** nnunet: cases in and out (excluded.csv says why), organs in label order. */
  included?: number;
  excluded?: number;
  organs?: string[];
  /** audit: events in the log. */
  events?: number;
  notes: string[];
}

export interface SentinelApi {
  engineInfo(): Promise<EngineInfo>;
  openProject(root: string): Promise<ProjectSnapshot>;
  score(req: ScoreRequest): Promise<{ queued: number }>;
  controlScoring(req: { root: string; action: 'pause' | 'resume' | 'cancel' }): Promise<ScoringProgress>;
  loadLabel(req: LabelRef): Promise<LabelVolumes>;
  saveMask(req: SaveMaskRequest): Promise<SaveResult>;
  listHistory(req: LabelRef): Promise<HistoryEntry[]>;
  revert(req: LabelRef & { version: string; annotator: string }): Promise<SaveResult>;
  /** Writes an export into a folder the host allows; resolves when done or cancelled. */
  exportToFolder(req: ExportRequest): Promise<ExportResult>;
  cancelExport(req: { id: string }): Promise<{ cancelled: boolean }>;
  /** Engine events (scan and scoring progress, results). Returns the function that unsubscribes. */
  subscribe(listener: (event: EngineEvent) => void): () => void;
}

/** Names of the request/response methods, shared by both transports so they cannot drift. */
export const API_METHODS = [
  'engineInfo',
  'openProject',
  'score',
  'controlScoring',
  'loadLabel',
  'saveMask',
  'listHistory',
  'revert',
  'exportToFolder',
  'cancelExport',
] as const;
export type ApiMethod = (typeof API_METHODS)[number];
