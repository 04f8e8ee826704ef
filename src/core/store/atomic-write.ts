/**
 * Crash-safe replacement of one file: the new bytes go to a temporary file beside the target, are fsynced, and
 * the temporary file is renamed over the target, then the folder is fsynced. A crash or a failing write at any
 * point leaves either the old file or the new one, never a mix; a failure removes the temporary file (one a kill
 * leaves behind is removed later, temp-files.ts).
 */
import { basename, dirname, join } from 'node:path';
import { SentinelError } from '../errors';
import type { StoreFs } from './store-fs';
import { tempNameFor } from './temp-files';

export async function atomicWrite(fs: StoreFs, target: string, bytes: Uint8Array): Promise<void> {
  const dir = dirname(target);
  const temp = join(dir, tempNameFor(basename(target)));
  try {
    await fs.mkdirp(dir);
    await fs.writeNew(temp, bytes);
    await fs.rename(temp, target);
  } catch (err) {
    await fs.unlink(temp).catch(() => undefined);
    if (err instanceof SentinelError) throw err;
    throw new SentinelError('io', `could not be written (${reason(err)}); the previous file is unchanged`, target, { cause: err });
  }
  // The new file is in place: a folder sync that fails (best effort already where folders cannot be opened) must
  // not report the write as failed, or a caller would undo what is already there (its history entry, say).
  await fs.syncDir(dir).catch(() => undefined);
}

/** Writes a file that must not exist yet (history entries): false when the name is taken. */
export async function writeExclusive(fs: StoreFs, target: string, bytes: Uint8Array): Promise<boolean> {
  const dir = dirname(target);
  await fs.mkdirp(dir);
  if (await fs.stat(target)) return false;
  await atomicWrite(fs, target, bytes);
  return true;
}

function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e?.code ? `${e.code}${e.message ? `: ${e.message.replace(/^[A-Z]+: /, '')}` : ''}` : err instanceof Error ? err.message : String(err);
}
