/**
 * The engine service behind the API contract: open projects, a priority queue of labels to score, and one model.
 * Electron main (over IPC) and the web host (over HTTP/WebSocket) are thin adapters around one Engine.
 */
import { resolve } from 'node:path';
import { scanDataset, labelPath, type CaseEntry, type DatasetManifest, type LabelEntry } from '../dataset';
import { asSentinelError, SentinelError } from '../errors';
import type { ExecutionProvider, WorkerScript } from '../inference';
import { configureOrganResources } from '../organs';
import { PriorityJobQueue, type JobPriority } from '../queue/priority-queue';
import { defaultModelPath } from '../resources/paths';
import { scoreCaseLabels } from '../scoring/score-case';
import { openScorer, type Scorer } from '../scoring/scorer';
import { LabelStore, workspaceDirFor, type StoreFs, type StoreSaveResult } from '../store';
import type {
  EngineEvent,
  EngineInfo,
  ExportRequest,
  ExportResult,
  HistoryEntry,
  LabelRef,
  LabelVolumes,
  ProjectSnapshot,
  SaveMaskRequest,
  SaveResult,
  ScoreRequest,
  ScoringProgress,
} from '../../shared/api';
import { toProjectSnapshot } from './project-snapshot';
import { findLabel, fileRef, loadLabelVolumes } from './label-volumes';
import { takenFromNames } from './taken-from';
import { RateMeter } from './rate-meter';
import { ExportJobs } from './export-jobs';

export interface EngineOptions {
  /** The mask-preparation worker's code (Electron passes its bundled file); false prepares on the main thread. */
  prepWorker?: WorkerScript | false;
  modelPath?: string;
  executionProviders?: ExecutionProvider[];
  worker?: WorkerScript;
  resourcesDir?: string;
  threads?: number;
  /** Folder holding the workspaces of read-only datasets; default `<os data dir>/sentinel-workstation/workspaces`. */
  workspacesDir?: string;
  /** Treat every dataset as read-only: corrections go to its workspace (openProject can say so per project). */
  readOnly?: boolean;
  /** The store's file-system layer (tests inject failures). */
  storeFs?: StoreFs;
  /** Folders exports may be written to (and below); more with allowExportFolder. None by default. */
  exportFolders?: string[];
}

export interface OpenProjectOptions {
  /** Never write into this dataset: corrections go to its workspace. */
  readOnly?: boolean;
}

interface Job {
  root: string;
  caseId: string;
  label: LabelEntry;
}

/** The case group being scored now; pause and cancel stop it between labels (labels already decoding finish). */
interface InFlight {
  root: string;
  abort: AbortController;
  /** Put the labels it did not reach back in the queue (pause), or drop them (cancel, close). */
  requeue: boolean;
}

interface ProjectState {
  manifest: DatasetManifest;
  store: LabelStore;
  state: 'running' | 'paused';
  done: number;
  failed: number;
  meter: RateMeter;
}

export class Engine {
  private readonly listeners = new Set<(e: EngineEvent) => void>();
  private readonly projects = new Map<string, ProjectState>();
  private readonly queue = new PriorityJobQueue<Job>();
  private scorer: Promise<Scorer> | null = null;
  private modelError: string | null = null;
  private running = false;
  private inFlight: InFlight | null = null;
  private closed = false;
  private readonly exports: ExportJobs;

  constructor(private readonly opts: EngineOptions = {}) {
    // The scan's organ matching reads the same resources as the scorer (a packaged app moves them).
    if (opts.resourcesDir) configureOrganResources(opts.resourcesDir);
    this.exports = new ExportJobs(opts.exportFolders ?? []);
  }

  subscribe(listener: (e: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async engineInfo(): Promise<EngineInfo> {
    const scorer = await this.tryScorer();
    return {
      version: '0.1.0',
      model: scorer ? scorer.settings.modelTag : null,
      modelPurpose: scorer ? scorer.info.card.purpose : null,
      ep: scorer ? scorer.info.provider : null,
      epNotes: scorer ? scorer.info.attempts.filter((a) => !a.ok).map((a) => `${a.provider}: ${a.error ?? 'failed'}`) : [],
      modelError: this.modelError,
    };
  }

  async openProject(rootArg: string, opts: OpenProjectOptions = {}): Promise<ProjectSnapshot> {
    const root = resolve(rootArg);
    const manifest = await scanDataset(root, {
      onProgress: (p) => this.emit({ type: 'scan', root, scanned: p.done, total: p.total }),
    });
    const store = await LabelStore.open({
      root,
      workspaceDir: workspaceDirFor(root, this.opts.workspacesDir),
      readOnly: opts.readOnly ?? this.opts.readOnly,
      fs: this.opts.storeFs,
    });
    const previous = this.projects.get(root);
    this.projects.set(root, {
      manifest,
      store,
      state: previous?.state ?? 'running',
      done: 0,
      failed: 0,
      meter: new RateMeter(),
    });
    return toProjectSnapshot(manifest);
  }

  async score(req: ScoreRequest): Promise<{ queued: number }> {
    const project = this.project(req.root);
    const wanted = req.labelPaths ? new Set(req.labelPaths) : null;
    const priority: JobPriority = req.priority ?? 'unscored';
    let queued = 0;
    for (const c of project.manifest.cases) {
      for (const l of c.labels) {
        const path = labelPath(l.source);
        if (wanted && !wanted.has(path)) continue;
        this.queue.push(jobKey(project.manifest.root, c.id, path), { root: project.manifest.root, caseId: c.id, label: l }, priority);
        queued++;
      }
    }
    this.emitProgress(project.manifest.root);
    void this.pump();
    return { queued };
  }

  async controlScoring(req: { root: string; action: 'pause' | 'resume' | 'cancel' }): Promise<ScoringProgress> {
    const project = this.project(req.root);
    const root = project.manifest.root;
    if (req.action === 'pause') {
      project.state = 'paused';
      this.stopInFlight(root, true);
    } else if (req.action === 'resume') project.state = 'running';
    else {
      this.queue.remove((j) => j.payload.root === root);
      this.stopInFlight(root, false);
    }
    this.emitProgress(root);
    void this.pump();
    return this.progress(root);
  }

  /** The volumes the editor needs for one label (see label-volumes.ts). */
  async loadLabel(req: LabelRef): Promise<LabelVolumes> {
    const project = this.project(req.root);
    const { entry, label } = findLabel(project.manifest, req.caseId, req.labelPath);
    return loadLabelVolumes(project.store, entry, label);
  }

  /** Saves an edited mask (crash-safe, with history) and rescores the label first thing. */
  async saveMask(req: SaveMaskRequest): Promise<SaveResult> {
    const project = this.project(req.root);
    const { entry, label } = findLabel(project.manifest, req.caseId, req.labelPath);
    const r = await project.store.saveMask(fileRef(label, entry), req.mask, { annotator: req.annotator, baseVersion: req.baseVersion });
    return this.afterWrite(project, entry, label, r);
  }

  async listHistory(req: LabelRef): Promise<HistoryEntry[]> {
    const project = this.project(req.root);
    const { label } = findLabel(project.manifest, req.caseId, req.labelPath);
    return project.store.history(fileRef(label));
  }

  /** Makes an earlier version current again, as a new save (nothing is lost). */
  async revert(req: LabelRef & { version: string; annotator: string }): Promise<SaveResult> {
    const project = this.project(req.root);
    const { entry, label } = findLabel(project.manifest, req.caseId, req.labelPath);
    const r = await project.store.revert(fileRef(label, entry), req.version, req.annotator);
    return this.afterWrite(project, entry, label, r);
  }

  /** Writes an export (nnU-Net dataset, audit log) into an allowed folder; see export-jobs.ts. */
  async exportToFolder(req: ExportRequest): Promise<ExportResult> {
    const project = this.project(req.root);
    return this.exports.run(req, { manifest: project.manifest, store: project.store }, (e) => this.emit(e));
  }

  async cancelExport(req: { id: string }): Promise<{ cancelled: boolean }> {
    return { cancelled: this.exports.cancel(req.id) };
  }

  /** Host-only (never an API method): lets exports go into `path` and below, e.g. a folder picked in a dialog. */
  allowExportFolder(path: string): Promise<void> {
    return this.exports.allow(path);
  }

  /**
   * Queues the saved label at top priority, and the labels it took voxels from next, so their scores follow the
   * edit. rescoreQueued says whether the saved label was queued (it must be mapped to an organ to be scored).
   */
  private afterWrite(project: ProjectState, entry: CaseEntry, label: LabelEntry, r: StoreSaveResult): SaveResult {
    const takenFrom = takenFromNames(entry, label, r.change.takenFrom);
    const result = { version: r.version, savedTo: r.savedTo, inWorkspace: r.inWorkspace, changed: r.changed };
    const named = takenFrom.map(({ organ, voxels }) => ({ organ, voxels }));
    if (!r.changed) return { ...result, takenFrom: named, rescoreQueued: false };
    const root = project.manifest.root;
    const queue = (l: LabelEntry, priority: JobPriority): boolean => {
      if (l.organMatch.status !== 'mapped') return false;
      // An edit can fill a label the scan or scoring found empty.
      if (l.status === 'empty') l.status = 'ok';
      if (l.status !== 'ok') return false;
      this.queue.push(jobKey(root, entry.id, labelPath(l.source)), { root, caseId: entry.id, label: l }, priority);
      return true;
    };
    const rescoreQueued = queue(label, 'interactive');
    for (const t of takenFrom) if (t.label) queue(t.label, 'open_case');
    this.emitProgress(root);
    void this.pump();
    return { ...result, takenFrom: named, rescoreQueued };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.exports.cancelAll();
    this.queue.remove(() => true);
    if (this.inFlight) this.stopInFlight(this.inFlight.root, false);
    const s = await this.tryScorer(false);
    await s?.close();
  }

  private stopInFlight(root: string, requeue: boolean): void {
    const f = this.inFlight;
    if (!f || f.root !== root) return;
    // A cancel after a pause still drops the rest: requeue only while nothing said otherwise.
    f.requeue = f.requeue && requeue;
    f.abort.abort();
  }

  private project(rootArg: string): ProjectState {
    const p = this.projects.get(resolve(rootArg));
    if (!p) throw new SentinelError('invalid_argument', 'this project is not open: open it first', rootArg);
    return p;
  }

  /** The model, loaded once; null (with modelError set) when it cannot be loaded. */
  private async tryScorer(load = true): Promise<Scorer | null> {
    if (!this.scorer) {
      if (!load) return null;
      const modelPath = this.opts.modelPath ?? defaultModelPath(this.opts.resourcesDir);
      if (!modelPath) {
        this.modelError = 'No model: resources/models/default.onnx is missing. Start with --model <file.onnx>.';
        return null;
      }
      this.scorer = openScorer({
        modelPath,
        executionProviders: this.opts.executionProviders ?? ['cpu'],
        worker: this.opts.worker,
        prepWorker: this.opts.prepWorker,
        resourcesDir: this.opts.resourcesDir,
        threads: this.opts.threads,
      });
    }
    try {
      return await this.scorer;
    } catch (err) {
      this.modelError = asSentinelError(err).message;
      return null;
    }
  }

  /** Works the queue: one case group at a time, highest priority first, skipping paused projects. */
  private async pump(): Promise<void> {
    if (this.running || this.closed) return;
    this.running = true;
    const touched = new Set<string>();
    try {
      while (!this.closed) {
        // Paused projects' jobs stay queued; the best job among running projects goes first, with its case's others.
        const group = this.queue.takeGroup(
          (a, b) => a.root === b.root && a.caseId === b.caseId,
          (j) => this.projects.get(j.root)?.state === 'running',
        );
        if (group.length === 0) break;
        const first = group[0].payload;
        const project = this.projects.get(first.root);
        if (!project) continue;
        const scorer = await this.tryScorer();
        const entry = project.manifest.cases.find((c) => c.id === first.caseId);
        if (!scorer || !entry) {
          this.emit({ type: 'error', root: first.root, message: this.modelError ?? `case ${first.caseId} is gone` });
          break;
        }
        touched.add(first.root);
        const flight: InFlight = { root: first.root, abort: new AbortController(), requeue: true };
        this.inFlight = flight;
        const scored = new Set<string>();
        try {
          await scoreCaseLabels(
            entry,
            group.map((g) => g.payload.label),
            {
              root: first.root,
              settings: scorer.settings,
              batcher: scorer.batcher,
              prepPool: scorer.prepPool ?? undefined,
              embedding: (id) => scorer.embedding(id),
              signal: flight.abort.signal,
              // A corrected copy in the workspace is read in place of the dataset's file.
              resolvePath: (p) => project.store.resolvePath(p),
            },
            (score) => {
              scored.add(score.labelPath);
              if (score.status === 'ok') project.done++;
              else project.failed++;
              project.meter.tick();
              this.emit({ type: 'score', root: first.root, score });
              this.emitProgress(first.root);
            },
          );
        } catch (err) {
          // Unexpected (scoreCaseLabels reports label failures as scores): say so and go on with the next case.
          this.emit({ type: 'error', root: first.root, message: `case ${first.caseId}: ${asSentinelError(err).message}` });
        } finally {
          this.inFlight = null;
          scorer.batcher.flush();
        }
        if (flight.abort.signal.aborted && flight.requeue) {
          this.queue.restore(group.filter((g) => !scored.has(labelPath(g.payload.label.source))));
        }
      }
    } finally {
      this.running = false;
      // The last progress event must say the work is over (state idle or paused), not the 'running' of the last score.
      for (const root of touched) this.emitProgress(root);
    }
  }

  private progress(root: string): ScoringProgress {
    const p = this.projects.get(root);
    const mine = this.queue.count((j) => j.root === root);
    const rate = p?.meter.rate() ?? 0;
    return {
      root,
      state: !p ? 'idle' : p.state === 'paused' ? 'paused' : mine > 0 || this.running ? 'running' : 'idle',
      queued: mine,
      done: p?.done ?? 0,
      failed: p?.failed ?? 0,
      labelsPerSecond: rate,
      etaSeconds: rate > 0 ? mine / rate : null,
    };
  }

  private emitProgress(root: string): void {
    this.emit({ type: 'progress', progress: this.progress(root) });
  }

  private emit(e: EngineEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // A listener's failure (a closed window) must not stop scoring.
      }
    }
  }
}

function jobKey(root: string, caseId: string, path: string): string {
  return `${root}\u0000${caseId}\u0000${path}`;
}
