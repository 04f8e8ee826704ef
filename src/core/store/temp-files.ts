/**
 * The temporary files of the store's crash-safe writes (atomic-write.ts): `.<name>.<12 hex digits>.sentinel-tmp`
 * beside the file `<name>` being written. A save killed between creating one and renaming it leaves it behind:
 * hidden, skipped by scans, but litter. Such files are removed later (before a save of the same file, and in the
 * workspace when a project is opened), and only when both hold:
 * - the name is exactly the store's pattern for a file the caller owns there (a label's own name in its folder,
 *   history entries in its history folder), so no user file is ever taken for one;
 * - it has not been modified for STALE_TEMP_AGE_MS. A live save writes its temporary file and renames it within
 *   seconds; an hour also covers clocks of a file server that differ from this machine's.
 * No process id goes into the name: datasets on shared folders are saved by processes on other machines, where a
 * process id of this one means nothing. A live save whose temporary file were removed anyway would fail cleanly
 * (its rename finds nothing; the previous file is unchanged).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { StoreFs } from './store-fs';

/** The suffix of temporary files: no dataset scanner takes a `.sentinel-tmp` file for a NIfTI. */
export const TEMP_SUFFIX = '.sentinel-tmp';
export const STALE_TEMP_AGE_MS = 60 * 60 * 1000;

const TEMP_NAME = /^\.([\s\S]+)\.[0-9a-f]{12}\.sentinel-tmp$/;

/** A fresh temporary name for writing the file named `name` (no folder). */
export function tempNameFor(name: string): string {
  return `.${name}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`;
}

/** The name of the file a temporary file of the store was made for; null when `entry` is not one. */
export function tempTarget(entry: string): string | null {
  const m = TEMP_NAME.exec(entry);
  return m ? m[1] : null;
}

/**
 * Removes from `dir` the store's temporary files made for names `owned` accepts that have not been modified for
 * `maxAgeMs`. Best effort: a file that cannot be looked at or removed stays. Returns the names removed.
 */
export async function removeStaleTemps(
  fs: StoreFs,
  dir: string,
  owned: (target: string) => boolean,
  opts: { now?: number; maxAgeMs?: number } = {},
): Promise<string[]> {
  const now = opts.now ?? Date.now();
  const maxAge = opts.maxAgeMs ?? STALE_TEMP_AGE_MS;
  const removed: string[] = [];
  for (const name of await fs.list(dir).catch(() => [] as string[])) {
    const target = tempTarget(name);
    if (target === null || !owned(target)) continue;
    const path = join(dir, name);
    const st = await fs.stat(path).catch(() => null);
    // A time in the future (another machine's clock) counts as fresh.
    if (!st?.isFile || now - st.mtimeMs <= maxAge) continue;
    try {
      await fs.unlink(path);
      removed.push(name);
    } catch {
      // Gone already (another process cleaned it) or not ours to remove: leave it.
    }
  }
  return removed;
}
