/**
 * One dispatch of validated API requests to the Engine, shared by both transports (Electron IPC and the web host),
 * so a method added to the contract is wired once. `openRoot` lets a transport confine which folders may be opened.
 */
import type { ApiMethod } from '../../shared/api';
import type { ApiRequest } from '../../shared/api-schema';
import type { Engine } from './engine';

export interface DispatchHooks {
  /** Maps the requested project folder to the one to open, or throws (the web host's allowed roots). */
  openRoot?: (path: string) => Promise<string>;
}

type Handlers = { [M in ApiMethod]: (engine: Engine, request: ApiRequest<M>, hooks: DispatchHooks) => Promise<unknown> };

const handlers: Handlers = {
  engineInfo: (e) => e.engineInfo(),
  openProject: async (e, root, hooks) => e.openProject(hooks.openRoot ? await hooks.openRoot(root) : root),
  score: (e, r) => e.score(r),
  controlScoring: (e, r) => e.controlScoring(r),
  // The root of these must be an open project, so the folder confinement of openProject covers them too.
  loadLabel: (e, r) => e.loadLabel(r),
  saveMask: (e, r) => e.saveMask(r),
  listHistory: (e, r) => e.listHistory(r),
  revert: (e, r) => e.revert(r),
  // The engine confines the folder to those the host allowed (EngineOptions.exportFolders, allowExportFolder).
  exportToFolder: (e, r) => e.exportToFolder(r),
  cancelExport: (e, r) => e.cancelExport(r),
};

export function dispatchApiCall<M extends ApiMethod>(engine: Engine, method: M, request: ApiRequest<M>, hooks: DispatchHooks = {}): Promise<unknown> {
  return (handlers[method] as (e: Engine, r: ApiRequest<M>, h: DispatchHooks) => Promise<unknown>)(engine, request, hooks);
}
