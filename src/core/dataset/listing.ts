/**
 * Directory listing for the scan: names with their kind, symbolic links followed (datasets are often assembled
 * from links), hidden entries (.sentinel, ._ files of macOS) left out.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

export interface DirEntry {
  name: string;
  isDir: boolean;
  isFile: boolean;
}

export async function listDir(dir: string): Promise<DirEntry[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const out: DirEntry[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    let isDir = e.isDirectory();
    let isFile = e.isFile();
    if (e.isSymbolicLink()) {
      // A dangling link is neither: it is reported where it matters (a missing CT or mask), not here.
      const s = await stat(path.join(dir, e.name)).catch(() => null);
      isDir = s?.isDirectory() ?? false;
      isFile = s?.isFile() ?? false;
    }
    out.push({ name: e.name, isDir, isFile });
  }
  return out.sort((a, b) => compareIds(a.name, b.name));
}

/** Locale-independent order, so that manifests and shards are the same on every machine. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Path relative to the root with '/' separators, as the manifest stores it on every platform. */
export function toRelative(root: string, abs: string): string {
  return path.relative(root, abs).split(path.sep).join('/');
}
