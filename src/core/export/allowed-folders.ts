/**
 * Where the app may write exports: only into folders the host allows (the browser host: folders named on its
 * command line with --export-dir; Electron: folders the user picked in the folder dialog), or below them. The
 * requested folder's real path is what is checked, so a link inside an allowed folder that leads elsewhere is
 * refused. A security boundary: the renderer names the folder, the host decides.
 */
import { realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SentinelError } from '../errors';
import { isWithin } from '../store/confine';

/** Real paths of the allowed folders (those that exist). */
export async function realFolders(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const real = await realpath(resolve(p)).catch(() => null);
    if (real && (await stat(real)).isDirectory()) out.push(real);
  }
  return out;
}

/** The real path of `path` when it is an existing folder inside one of `allowed` (real paths); else an error. */
export async function confineExportDir(path: string, allowed: readonly string[]): Promise<string> {
  if (allowed.length === 0) {
    throw new SentinelError('invalid_argument', 'this host allows no export folder (browser host: start it with --export-dir <folder>; app: choose the folder first)', path);
  }
  const real = await realpath(resolve(path)).catch(() => {
    throw new SentinelError('not_found', 'no such folder', path);
  });
  if (!(await stat(real)).isDirectory()) throw new SentinelError('invalid_argument', 'not a folder', path);
  if (!allowed.some((root) => isWithin(root, real))) {
    throw new SentinelError('invalid_argument', `outside the folders exports may be written to (${allowed.join(', ')})`, path);
  }
  return real;
}
