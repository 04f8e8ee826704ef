/**
 * Where an export writes: only inside the chosen folder. Everything is first written into a staging folder made
 * for this export inside it (`.sentinel-export-<random>.partial`, created exclusively, so nothing else can be in
 * it or be a link there), then moved to its final name by a rename. A cancelled or failed export removes the
 * staging folder: the chosen folder is left as it was. An existing file or folder of the same name is kept unless
 * `force` is given, and then replaced only once the new one is complete.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, link, lstat, mkdir, open, realpath, rename, rm, stat, symlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { asSentinelError, SentinelError } from '../errors';
import { confinedJoin, isWithin } from '../store/confine';
import { checkFileName } from './names';

export const STAGING_PREFIX = '.sentinel-export-';
export const STAGING_SUFFIX = '.partial';

export interface ExportFolderOptions {
  /** Create the folder (and its parents) when it does not exist (the CLI); the app requires an existing folder. */
  create?: boolean;
}

export class ExportFolder {
  private constructor(
    /** The folder's real path (links resolved). */
    readonly dir: string,
  ) {}

  static async open(path: string, opts: ExportFolderOptions = {}): Promise<ExportFolder> {
    const abs = resolve(path);
    try {
      if (opts.create) await mkdir(abs, { recursive: true });
      const st = await stat(abs);
      if (!st.isDirectory()) throw new SentinelError('invalid_argument', 'the export folder is not a folder', abs);
      return new ExportFolder(await realpath(abs));
    } catch (err) {
      throw asSentinelError(err, abs);
    }
  }

  /** Refuses names that exist in the folder already (unless `force`): checked before any work is done. */
  async checkFree(names: readonly string[], force: boolean): Promise<void> {
    if (force) return;
    for (const name of names) {
      const target = join(this.dir, checkFileName(name, 'export name'));
      if (await exists(target)) {
        throw new SentinelError('invalid_argument', 'exists already: nothing was written (choose another folder or name, or replace it with --force)', target);
      }
    }
  }

  /** A new, empty staging folder inside this one. */
  async stage(): Promise<Staging> {
    const name = `${STAGING_PREFIX}${randomBytes(8).toString('hex')}${STAGING_SUFFIX}`;
    const path = join(this.dir, name);
    try {
      await mkdir(path); // not recursive: fails if anything (a link included) has this name
    } catch (err) {
      throw asSentinelError(err, path);
    }
    const real = await realpath(path);
    if (real !== path || !isWithin(this.dir, real)) {
      await rm(path, { recursive: true, force: true });
      throw new SentinelError('io', 'the staging folder is not where it was made (a link?): nothing was written', path);
    }
    return new Staging(this.dir, path);
  }
}

export class Staging {
  private done = false;

  constructor(
    private readonly dir: string,
    readonly path: string,
  ) {}

  /** The absolute path of `rel` ('/'-separated, no '..') inside the staging folder. */
  abs(rel: string): string {
    return confinedJoin(this.path, rel);
  }

  async mkdir(rel: string): Promise<void> {
    await mkdir(this.abs(rel), { recursive: true });
  }

  /** Writes a new file (never over an existing one or through a link). */
  async writeFile(rel: string, data: Uint8Array | string): Promise<void> {
    const target = this.abs(rel);
    try {
      await mkdir(dirname(target), { recursive: true });
      const fh = await open(target, 'wx');
      try {
        await fh.writeFile(data);
        await fh.sync();
      } finally {
        await fh.close();
      }
    } catch (err) {
      throw asSentinelError(err, target);
    }
  }

  async copyFile(rel: string, source: string): Promise<void> {
    const target = this.abs(rel);
    try {
      await mkdir(dirname(target), { recursive: true });
      await copyFile(source, target, constants.COPYFILE_EXCL);
    } catch (err) {
      throw asSentinelError(err, source);
    }
  }

  /** A hard link to `source`, or a symbolic link where a hard link is impossible (another file system). */
  async link(rel: string, source: string): Promise<'hard' | 'symbolic'> {
    const target = this.abs(rel);
    await mkdir(dirname(target), { recursive: true });
    // The file itself, not a link to it that lies in the dataset (link() does not follow symbolic links).
    const real = await realpath(source).catch((err: unknown) => {
      throw asSentinelError(err, source);
    });
    try {
      await link(real, target);
      return 'hard';
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'EMLINK') throw asSentinelError(err, source);
    }
    try {
      await symlink(real, target);
      return 'symbolic';
    } catch (err) {
      throw asSentinelError(err, source);
    }
  }

  /**
   * Moves the staged entries `names` (top-level names in the staging folder) to the chosen folder, replacing
   * same-named entries only when `force`; then removes the staging folder. Returns the paths written.
   */
  async commit(names: readonly string[], force: boolean): Promise<string[]> {
    const written: string[] = [];
    try {
      for (const name of names) {
        const from = join(this.path, checkFileName(name, 'export name'));
        const to = join(this.dir, name);
        if (await exists(to)) {
          if (!force) throw new SentinelError('invalid_argument', 'appeared while the export ran: the export was not written', to);
          // The old entry moves into the staging folder, which is removed below.
          await rename(to, join(this.path, `.replaced-${randomBytes(4).toString('hex')}`));
        }
        await rename(from, to);
        written.push(to);
      }
    } catch (err) {
      await this.discard();
      throw asSentinelError(err, this.path);
    }
    await this.discard();
    return written;
  }

  /** Removes the staging folder and everything in it (links are removed, never followed). */
  async discard(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await rm(this.path, { recursive: true, force: true });
  }
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}
