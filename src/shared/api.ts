/**
 * The one contract between the renderer and the engine. The preload implements it over Electron IPC, the web host
 * over HTTP + WebSocket; the renderer only ever sees `SentinelApi`. Everything crossing it is plain JSON data.
 */
import type { LabelScore } from './scores';

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
  | { type: 'error'; root: string | null; message: string };

export interface ScoreRequest {
  root: string;
  /** Label paths to score; all scorable labels of the project when absent. */
  labelPaths?: string[];
  priority?: JobPriority;
}

export interface SentinelApi {
  engineInfo(): Promise<EngineInfo>;
  openProject(root: string): Promise<ProjectSnapshot>;
  score(req: ScoreRequest): Promise<{ queued: number }>;
  controlScoring(req: { root: string; action: 'pause' | 'resume' | 'cancel' }): Promise<ScoringProgress>;
  /** Engine events (scan and scoring progress, results). Returns the function that unsubscribes. */
  subscribe(listener: (event: EngineEvent) => void): () => void;
}

/** Names of the request/response methods, shared by both transports so they cannot drift. */
export const API_METHODS = ['engineInfo', 'openProject', 'score', 'controlScoring'] as const;
export type ApiMethod = (typeof API_METHODS)[number];
