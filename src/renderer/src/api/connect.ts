/**
 * Finds the engine: inside Electron the preload has put the API on `window.sentinel`; in a browser the page talks
 * to the web host that served it. Either way the app gets one `SentinelApi`.
 */
import type { SentinelApi } from '../../../shared/api';
import { createHttpApi } from './http-client';

export type AppApi = SentinelApi & {
  pickDatasetFolder?: () => Promise<string | null>;
  /** Electron: the folder dialog; the folder picked becomes one exports may be written to. */
  pickExportFolder?: () => Promise<string | null>;
  onOpenRequest?: (listener: (root: string) => void) => () => void;
  /** Electron: the save run when the user picks Save in the unsaved-edits dialog of a close or reload. */
  onSaveBeforeUnload?: (handler: () => Promise<boolean>) => () => void;
};

declare global {
  interface Window {
    sentinel?: AppApi;
  }
}

export async function connectApi(): Promise<AppApi> {
  if (window.sentinel) return window.sentinel;
  return createHttpApi(window.location.origin);
}
