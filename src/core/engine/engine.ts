/**
 * The engine service behind the API contract: open projects, a priority queue of labels to score, and one model.
 * Electron main (over IPC) and the web host (over HTTP/WebSocket) are thin adapters around one Engine.
 */
import { resolve } from 'node:path';
import { scanDataset, labelPath, type DatasetManifest, type LabelEntry } from '../dataset';
import { asSentinelError, SentinelError } from '../errors';
import type { ExecutionProvider, WorkerScript } from '../inference';
import { configureOrganResources } from '../organs';
import { PriorityJobQueue, type JobPriority } from '../queue/priority-queue';
import { defaultModelPath } from '../resources/paths';
import { scoreCaseLabels } from '../scoring/score-case';
import { openScorer, type Scorer } from '../scoring/scorer';
import type { EngineEvent, EngineInfo, ProjectSnapshot, ScoreRequest, ScoringProgress } from '../../shared/api';
import { toProjectSnapshot } from './project-snapshot';
import { RateMeter } from './rate-meter';

export interface EngineOptions {
  modelPath?: string;
  executionProviders?: ExecutionProvider[];
  worker?: WorkerScript;
  resourcesDir?: string;
  threads?: number;
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

  constructor(private readonly opts: EngineOptions = {}) {
    // The scan's organ matching reads the same resources as the scorer (a packaged app moves them).
    if (opts.resourcesDir) configureOrganResources(opts.resourcesDir);
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

  async openProject(rootArg: string): Promise<ProjectSnapshot> {
    const root = resolve(rootArg);
    const manifest = await scanDataset(root, {
      onProgress: (p) => this.emit({ type: 'scan', root, scanned: p.done, total: p.total }),
    });
    const previous = this.projects.get(root);
    this.projects.set(root, {
      manifest,
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
        this.queue.push(`${project.manifest.root}\u0000${c.id}\u0000${path}`, { root: project.manifest.root, caseId: c.id, label: l }, priority);
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

  async close(): Promise<void> {
    this.closed = true;
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
              embedding: (id) => scorer.embedding(id),
              signal: flight.abort.signal,
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
