/**
 * Progress and cancellation of an export. Every export takes `{ onProgress, signal }`; a cancelled export throws
 * ExportCancelled after removing what it had written, so the chosen folder is as it was.
 */

export interface ExportControl {
  /** `done` of `total` steps of `stage` (stages: 'checking', 'writing', 'finishing'). */
  onProgress?: (done: number, total: number, stage: ExportStage) => void;
  signal?: AbortSignal;
}

export type ExportStage = 'checking' | 'writing' | 'finishing';

export class ExportCancelled extends Error {
  constructor() {
    super('export cancelled: nothing was written');
    this.name = 'ExportCancelled';
  }
}

/** Throws ExportCancelled when the export was cancelled. Called between files, so a cancel takes effect quickly. */
export function checkpoint(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ExportCancelled();
}

export function isExportCancelled(err: unknown): err is ExportCancelled {
  return err instanceof ExportCancelled;
}
