/**
 * A lock between processes for the saves of one file. Without it, two app processes (the app opened twice, the app
 * and a script over core) could both pass a save's version check before either renamed its file into place, and
 * one update would be lost. The lock is a file `<base>/.sentinel/locks/<16 hex of sha256(file)>.lock` created
 * exclusively (O_EXCL: atomic on local disks, NFSv3+ and SMB) and holding who took it; a save takes it after its
 * own process's lock of the file (label-store.ts), before reading the version, and gives it back when done.
 * A lock whose holder is gone is taken over: a process of this machine that no longer runs; else (another machine,
 * whose process ids mean nothing here) one unchanged for LOCK_STALE_MS, or an empty one (its holder died between
 * creating and writing it) unchanged for EMPTY_LOCK_STALE_MS. Taking over moves the lock aside first and checks it
 * is the one judged stale, so two waiters do not both take it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { SentinelError } from '../errors';
import { STORE_DIR } from './history';
import type { StoreFs } from './store-fs';
import { tempNameFor } from './temp-files';

export const LOCKS_DIR = 'locks';
/** Far longer than any save holds it (seconds, even for large files on a slow share). */
export const LOCK_STALE_MS = 10 * 60_000;
const EMPTY_LOCK_STALE_MS = 5_000;
/** How long a save waits for another process's save of the same file. */
export const LOCK_WAIT_MS = 60_000;

/** What a lock file holds. */
export interface LockHolder {
  host: string;
  pid: number;
  /** Random, tells this taking of the lock from any other. */
  token: string;
  /** The file saved (relative to its base), for a person looking at the lock. */
  file: string;
  since: string;
}

interface SeenLock {
  holder: LockHolder | null;
  mtimeMs: number;
}

export interface SaveLockOptions {
  waitMs?: number;
}

/** The lock file of `file` (relative to `base`, the dataset root or the workspace). */
export function lockPath(base: string, file: string): string {
  return join(base, STORE_DIR, LOCKS_DIR, `${createHash('sha256').update(file).digest('hex').slice(0, 16)}.lock`);
}

/**
 * Runs `work` holding the lock at `path`. `file` is the file saved (relative, written into the lock); errors name
 * `abs`, the file the save was for.
 */
export async function withSaveLock<T>(
  fs: StoreFs,
  path: string,
  where: { file: string; abs: string },
  work: () => Promise<T>,
  opts: SaveLockOptions = {},
): Promise<T> {
  const token = await acquire(fs, path, where, opts.waitMs ?? LOCK_WAIT_MS);
  try {
    return await work();
  } finally {
    await release(fs, path, token);
  }
}

async function acquire(fs: StoreFs, path: string, where: { file: string; abs: string }, waitMs: number): Promise<string> {
  const me: LockHolder = { host: hostname(), pid: process.pid, token: randomBytes(8).toString('hex'), file: where.file, since: new Date().toISOString() };
  const bytes = new TextEncoder().encode(`${JSON.stringify(me)}\n`);
  const started = Date.now();
  let pause = 10;
  try {
    await fs.mkdirp(dirname(path));
  } catch (err) {
    throw notTaken(err, path, where.abs);
  }
  for (;;) {
    let created: boolean;
    try {
      created = await fs.createExclusive(path, bytes);
    } catch (err) {
      throw notTaken(err, path, where.abs);
    }
    if (created) return me.token;
    const seen = await readLock(fs, path).catch((err: unknown) => {
      throw notTaken(err, path, where.abs);
    });
    if (seen && isStale(seen, Date.now())) {
      await takeOver(fs, path, seen);
      continue;
    }
    // `seen` is null when the lock was given back just now (or the name is taken by something that is no lock).
    if (Date.now() - started > waitMs) {
      const who = seen?.holder ? `process ${seen.holder.pid} on ${seen.holder.host}, since ${seen.holder.since}` : 'another process';
      throw new SentinelError('io', `not saved: another save of this file is running (${who}); the file is unchanged: try again`, where.abs);
    }
    await new Promise((r) => setTimeout(r, pause));
    pause = Math.min(pause * 2, 200);
  }
}

async function release(fs: StoreFs, path: string, token: string): Promise<void> {
  // Only a lock that is still this one: a holder judged stale and taken over must not remove the new holder's.
  const seen = await readLock(fs, path).catch(() => null);
  if (seen?.holder?.token === token) await fs.unlink(path).catch(() => undefined);
}

function isStale(seen: SeenLock, now: number): boolean {
  const age = now - seen.mtimeMs;
  const h = seen.holder;
  if (!h) return age > EMPTY_LOCK_STALE_MS;
  if (h.host === hostname() && h.pid !== process.pid && !isRunning(h.pid)) return true;
  return age > LOCK_STALE_MS;
}

/** Moves the stale lock aside, and removes it if it is the one judged stale; else puts it back. */
async function takeOver(fs: StoreFs, path: string, stale: SeenLock): Promise<void> {
  // A temporary name of the store: if this process dies here, the stale-file cleanup removes it later.
  const aside = join(dirname(path), tempNameFor(basename(path)));
  try {
    await fs.rename(path, aside);
  } catch {
    return; // gone: given back, or taken over by another waiter
  }
  const moved = await readLock(fs, aside).catch(() => null);
  const same = moved !== null && (stale.holder ? moved.holder?.token === stale.holder.token : !moved.holder && moved.mtimeMs === stale.mtimeMs);
  if (same) await fs.unlink(aside).catch(() => undefined);
  else await fs.rename(aside, path).catch(() => undefined); // another waiter took over first: this is its lock
}

async function readLock(fs: StoreFs, path: string): Promise<SeenLock | null> {
  const st = await fs.stat(path);
  if (!st) return null;
  let text: string;
  try {
    text = new TextDecoder().decode(await fs.readFile(path));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  return { holder: parseHolder(text), mtimeMs: st.mtimeMs };
}

function parseHolder(text: string): LockHolder | null {
  try {
    const o = JSON.parse(text) as Record<string, unknown>;
    const ok =
      typeof o === 'object' && o !== null && typeof o.host === 'string' && typeof o.token === 'string' &&
      Number.isInteger(o.pid) && (o.pid as number) > 0 && typeof o.file === 'string' && typeof o.since === 'string';
    return ok ? (o as unknown as LockHolder) : null;
  } catch {
    return null;
  }
}

/** Whether a process of this machine runs with this id (signal 0 only checks; EPERM: it runs as another user). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function notTaken(err: unknown, path: string, abs: string): SentinelError {
  if (err instanceof SentinelError) return err;
  const e = err as NodeJS.ErrnoException;
  const why = e?.code ? `${e.code}: ${e.message?.replace(/^[A-Z]+: /, '') ?? ''}` : String(err);
  return new SentinelError('io', `not saved: the save lock ${path} could not be made (${why}); the file is unchanged`, abs, { cause: err });
}
