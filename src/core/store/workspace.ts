/**
 * The project's workspace: where corrections of a dataset that must not be written (read-only, or reached through
 * a link that leaves it) go. It mirrors the dataset's layout, so `<workspace>/<rel>` is the corrected `<root>/<rel>`.
 */
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The per-user data folder of the OS (XDG on Linux, Application Support on macOS, LocalAppData on Windows). */
export function osDataDir(): string {
  if (process.platform === 'win32') return process.env.LOCALAPPDATA ?? process.env.APPDATA ?? join(homedir(), 'AppData', 'Local');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support');
  return process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
}

export function defaultWorkspacesDir(): string {
  return join(osDataDir(), 'sentinel-workstation', 'workspaces');
}

/** `<workspacesDir>/<16 hex digits of sha256(root)>`: one folder per dataset root, stable across runs. */
export function workspaceDirFor(root: string, workspacesDir = defaultWorkspacesDir()): string {
  return join(workspacesDir, createHash('sha256').update(root).digest('hex').slice(0, 16));
}

/** Written into the workspace so a person can tell which dataset it mirrors. */
export const WORKSPACE_INFO = 'workspace.json';
