/**
 * The preload: exposes the typed SentinelApi to the sandboxed renderer over IPC, and nothing else
 * (no ipcRenderer, no Node). Every call goes to one validated handler in the main process.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { EngineEvent, SentinelApi } from '../shared/api';
import { SAVE_REPLY_CHANNEL, SAVE_REQUEST_CHANNEL } from '../main/close-guard';

type ElectronSentinelApi = SentinelApi & {
  pickDatasetFolder(): Promise<string | null>;
  /** The dialog's folder becomes one exports may be written to. */
  pickExportFolder(): Promise<string | null>;
  onOpenRequest(listener: (root: string) => void): () => void;
  /**
   * The editor's save, run when the user picks Save in main's unsaved-edits dialog; resolves true when saved. One
   * handler at a time (the latest); the returned function removes it.
   */
  onSaveBeforeUnload(handler: () => Promise<boolean>): () => void;
};

let saveHandler: (() => Promise<boolean>) | null = null;
// Main asks with a request id; the reply carries only that id and whether the save succeeded.
ipcRenderer.on(SAVE_REQUEST_CHANNEL, (_e: IpcRendererEvent, id: unknown) => {
  const handler = saveHandler;
  void (handler ? handler().catch(() => false) : Promise.resolve(false)).then((saved) => ipcRenderer.send(SAVE_REPLY_CHANNEL, { id, saved: saved === true }));
});

const api: ElectronSentinelApi = {
  engineInfo: () => ipcRenderer.invoke('sentinel:engineInfo', undefined),
  openProject: (root) => ipcRenderer.invoke('sentinel:openProject', root),
  score: (req) => ipcRenderer.invoke('sentinel:score', req),
  controlScoring: (req) => ipcRenderer.invoke('sentinel:controlScoring', req),
  // Typed arrays (voxels) cross IPC by structured clone, as typed arrays.
  loadLabel: (req) => ipcRenderer.invoke('sentinel:loadLabel', req),
  saveMask: (req) => ipcRenderer.invoke('sentinel:saveMask', req),
  listHistory: (req) => ipcRenderer.invoke('sentinel:listHistory', req),
  revert: (req) => ipcRenderer.invoke('sentinel:revert', req),
  exportToFolder: (req) => ipcRenderer.invoke('sentinel:exportToFolder', req),
  cancelExport: (req) => ipcRenderer.invoke('sentinel:cancelExport', req),
  subscribe(listener) {
    const handler = (_e: IpcRendererEvent, ev: EngineEvent): void => listener(ev);
    ipcRenderer.on('sentinel:event', handler);
    return () => ipcRenderer.removeListener('sentinel:event', handler);
  },
  pickDatasetFolder: () => ipcRenderer.invoke('sentinel:pickDatasetFolder'),
  pickExportFolder: () => ipcRenderer.invoke('sentinel:pickExportFolder'),
  onOpenRequest(listener) {
    const handler = (_e: IpcRendererEvent, root: string): void => listener(root);
    ipcRenderer.on('sentinel:open', handler);
    return () => ipcRenderer.removeListener('sentinel:open', handler);
  },
  onSaveBeforeUnload(handler) {
    saveHandler = handler;
    return () => {
      if (saveHandler === handler) saveHandler = null;
    };
  },
};

contextBridge.exposeInMainWorld('sentinel', api);
