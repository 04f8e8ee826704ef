/**
 * The exports the engine runs for the app (nnU-Net dataset, audit log): one AbortController per export id, so
 * cancelExport stops it between files; progress goes out as 'export' events. The output folder must lie in a
 * folder the host allowed (a security boundary: the renderer names the folder, the host decides).
 */
import { SentinelError } from '../errors';
import type { DatasetManifest } from '../dataset/manifest';
import type { LabelStore } from '../store';
import { confineExportDir, ExportFolder, exportAudit, exportNnunet, isExportCancelled, realFolders, type ExportControl } from '../export';
import type { EngineEvent, ExportRequest, ExportResult } from '../../shared/api';

export interface ExportProject {
  manifest: DatasetManifest;
  store: LabelStore;
}

export class ExportJobs {
  private readonly running = new Map<string, AbortController>();
  private allowed: Promise<string[]>;

  constructor(folders: readonly string[] = []) {
    this.allowed = realFolders(folders);
  }

  /** Lets exports go into `path` and below (Electron: a folder the user picked in the dialog). */
  allow(path: string): Promise<void> {
    const next = this.allowed.then(async (list) => [...new Set([...list, ...(await realFolders([path]))])]);
    this.allowed = next;
    return next.then(() => undefined);
  }

  async run(req: ExportRequest, project: ExportProject, emit: (e: EngineEvent) => void): Promise<ExportResult> {
    if (this.running.has(req.id)) throw new SentinelError('invalid_argument', `an export with id "${req.id}" is running already`);
    const to = await confineExportDir(req.to, await this.allowed);
    const folder = await ExportFolder.open(to);
    const abort = new AbortController();
    this.running.set(req.id, abort);
    const root = project.manifest.root;
    const control: ExportControl = {
      signal: abort.signal,
      onProgress: (done, total, stage) => emit({ type: 'export', id: req.id, root, stage, done, total }),
    };
    const opts = { force: req.force ?? false, includeIdentifiers: req.includeIdentifiers ?? false, root };
    try {
      if (req.what === 'audit') {
        const r = await exportAudit(folder, project.manifest, project.store, req.decisions ?? [], opts, control);
        return { id: req.id, completed: true, paths: r.paths, events: r.events, notes: [] };
      }
      const r = await exportNnunet(
        folder,
        { manifest: project.manifest, resolvePath: (rel) => project.store.resolvePath(rel), scores: req.scores ?? [] },
        {
          threshold: req.threshold,
          organs: req.organs,
          datasetId: req.datasetId ?? 501,
          datasetName: req.datasetName ?? 'PseudoLabels',
          link: req.link,
          includeIdentifiers: opts.includeIdentifiers,
          force: opts.force,
        },
        control,
      );
      return { id: req.id, completed: true, paths: [r.folder], included: r.included.length, excluded: r.excluded.length, organs: r.organs, notes: r.notes };
    } catch (err) {
      if (isExportCancelled(err)) return { id: req.id, completed: false, paths: [], notes: [] };
      throw err;
    } finally {
      this.running.delete(req.id);
    }
  }

  cancel(id: string): boolean {
    const a = this.running.get(id);
    a?.abort();
    return a !== undefined;
  }

  cancelAll(): void {
    for (const a of this.running.values()) a.abort();
  }
}
