/**
 * One IPC call of the API, guarded: answered only for a frame showing the app itself, and only with a request
 * that passes the contract's schema (src/shared/api-schema.ts); then dispatched to the engine like the web host
 * does. No electron import: test/security/api-validation.test.ts calls it as ipcMain would.
 */
import type { ApiMethod } from '../shared/api';
import { validateApiRequest } from '../shared/api-schema';
import type { Engine } from '../core/engine/engine';
import { dispatchApiCall, type DispatchHooks } from '../core/engine/dispatch';
import { isAppFrame, type AppSource } from './hardening';

/**
 * `openRoot` confines openProject to the folders the user allowed (core/engine/folder-allow-list.ts); without it
 * any folder opens, which only tests should rely on.
 */
export function guardedApiCall(
  engine: Engine,
  source: AppSource,
  method: ApiMethod,
  senderUrl: string | undefined,
  arg: unknown,
  hooks: DispatchHooks = {},
): Promise<unknown> {
  let request;
  try {
    checkAppFrame(senderUrl, source);
    request = validateApiRequest(method, arg);
  } catch (err) {
    return Promise.reject(err);
  }
  return dispatchApiCall(engine, method, request, hooks);
}

/** A message from another frame (an injected iframe, a page navigated elsewhere) is refused before parsing. */
export function checkAppFrame(senderUrl: string | undefined, source: AppSource): void {
  if (!senderUrl || !isAppFrame(senderUrl, source)) throw new Error('IPC from an unexpected frame');
}
