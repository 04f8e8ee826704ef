/**
 * The file-system operations the store needs, as one small interface: the store's crash-safety rests on them,
 * and tests inject failures (a full disk, a write that stops halfway) by wrapping the real implementation.
 */
import { constants } from 'node:fs';
import { access, mkdir, open, readdir, readFile, realpath, rename, stat, unlink } from 'node:fs/promises';

export interface StoreFs {
  readFile(path: string): Promise<Uint8Array>;
  /** Creates `path` (failing if it exists), writes `bytes`, fsyncs and closes it. */
  writeNew(path: string, bytes: Uint8Array): Promise<void>;
  /** Creates `path` with `bytes` unless it exists (false then); not synced (lock files, save-lock.ts). */
  createExclusive(path: string, bytes: Uint8Array): Promise<boolean>;
  /** Atomic on one file system: `to` is either the old or the new file, never a mix. */
  rename(from: string, to: string): Promise<void>;
  /** Makes a rename inside `dir` durable. Best effort where a folder cannot be opened (Windows). */
  syncDir(dir: string): Promise<void>;
  mkdirp(dir: string): Promise<void>;
  unlink(path: string): Promise<void>;
  /** Names in `dir`; [] when it does not exist. */
  list(dir: string): Promise<string[]>;
  /** null when nothing is there. */
  stat(path: string): Promise<{ size: number; mtimeMs: number; isFile: boolean; isDir: boolean } | null>;
  /** Whether the process may create files in `dir`. */
  canWrite(dir: string): Promise<boolean>;
  realpath(path: string): Promise<string>;
}

export const nodeStoreFs: StoreFs = {
  readFile: async (path) => {
    const b = await readFile(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  },
  async writeNew(path, bytes) {
    const fh = await open(path, 'wx');
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
  },
  async createExclusive(path, bytes) {
    let fh;
    try {
      fh = await open(path, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err;
    }
    try {
      await fh.writeFile(bytes);
    } catch (err) {
      await fh.close().catch(() => undefined);
      await unlink(path).catch(() => undefined);
      throw err;
    }
    await fh.close();
    return true;
  },
  rename: (from, to) => rename(from, to),
  async syncDir(dir) {
    let fh;
    try {
      fh = await open(dir, 'r');
      await fh.sync();
    } catch {
      // Windows cannot open a folder; NTFS journals the rename itself.
    } finally {
      await fh?.close().catch(() => undefined);
    }
  },
  mkdirp: async (dir) => {
    await mkdir(dir, { recursive: true });
  },
  unlink: (path) => unlink(path),
  list: (dir) =>
    readdir(dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [];
      throw err;
    }),
  async stat(path) {
    const s = await stat(path).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return null;
      throw err;
    });
    return s ? { size: s.size, mtimeMs: s.mtimeMs, isFile: s.isFile(), isDir: s.isDirectory() } : null;
  },
  canWrite: (dir) => access(dir, constants.W_OK).then(() => true, () => false),
  realpath: (path) => realpath(path),
};
