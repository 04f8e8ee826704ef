/**
 * The history of one file: every version a save replaced, as `<id>.<ext>` (the file's bytes as they were) and
 * `<id>.json` (who wrote that version, how, when it was replaced), in
 * `<base>/.sentinel/history/<case>/<file>/`. `current.json` describes the version in place, as the last save
 * wrote it. Nothing here is ever deleted, except an entry whose save then failed (it would duplicate the current).
 */
import { join } from 'node:path';
import { asSentinelError, SentinelError } from '../errors';
import { atomicWrite, writeExclusive } from './atomic-write';
import { confinedJoin } from './confine';
import type { StoreFs } from './store-fs';
import { isHistoryId, timeOfHistoryId, type HistoryClock } from './version-id';

export const STORE_DIR = '.sentinel';
export type VersionKind = 'original' | 'save' | 'revert' | 'external';

/** What is known about one version of the file. */
export interface VersionInfo {
  kind: VersionKind;
  annotator: string | null;
  /** ISO time the version was written (by a save), or the file's modification time when found as it was. */
  writtenAt: string;
  /** Content version (see version-id.ts) and size of the bytes. */
  content: string;
  bytes: number;
  /** The label whose save wrote it (a map holds several); null when not written by a save. */
  labelPath: string | null;
}

export interface ArchivedVersion extends VersionInfo {
  /** History id: the time the version was replaced. */
  id: string;
  replacedAt: string;
}

const HEAD = 'current.json';

/** `<base>/.sentinel/history/<case>/<the file's path below the case folder, or below the root>`. */
export function historyDir(base: string, caseId: string, file: string): string {
  const inCase = file.startsWith(`${caseId}/`) ? file.slice(caseId.length + 1) : file;
  return join(confinedJoin(join(base, STORE_DIR, 'history'), caseId), ...inCase.split('/'));
}

/** Whether `name` is a file the history writes: `current.json`, or an entry's `<id>.json` or `<id>.<ext>`. */
export function isHistoryFileName(name: string): boolean {
  return name === HEAD || (name.length > 20 && name[19] === '.' && isHistoryId(name.slice(0, 19)));
}

/** The extension history copies keep, so a version can be opened as it is (nii.gz, nii, seg.nrrd, nrrd, dcm). */
export function versionExtension(file: string): string {
  const name = file.slice(file.lastIndexOf('/') + 1).toLowerCase();
  if (name.endsWith('.nii.gz')) return 'nii.gz';
  if (name.endsWith('.seg.nrrd')) return 'seg.nrrd';
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1) : 'bin';
}

export class FileHistory {
  constructor(
    private readonly fs: StoreFs,
    readonly dir: string,
    private readonly ext: string,
    private readonly clock: HistoryClock,
  ) {}

  /** Archived versions, newest first. Entries whose sidecar cannot be read are left out, never guessed. */
  async list(): Promise<ArchivedVersion[]> {
    const names = await this.fs.list(this.dir).catch(() => [] as string[]);
    const out: ArchivedVersion[] = [];
    for (const name of names) {
      const id = name.endsWith('.json') ? name.slice(0, -5) : '';
      if (!isHistoryId(id)) continue;
      const meta = await this.readJson(join(this.dir, name));
      if (meta && isArchived(meta, id)) out.push(meta);
    }
    return out.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  }

  async head(): Promise<VersionInfo | null> {
    const meta = await this.readJson(join(this.dir, HEAD));
    return meta && isVersionInfo(meta) ? meta : null;
  }

  /** Stores `bytes` as a replaced version; the data file is complete before its sidecar makes it visible. */
  async archive(bytes: Uint8Array, info: VersionInfo): Promise<ArchivedVersion> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const id = this.clock.next();
      const dataPath = join(this.dir, `${id}.${this.ext}`);
      if (!(await writeExclusive(this.fs, dataPath, bytes))) continue; // another process took this millisecond
      const entry: ArchivedVersion = { ...info, id, replacedAt: timeOfHistoryId(id) };
      try {
        await atomicWrite(this.fs, join(this.dir, `${id}.json`), json(entry));
      } catch (err) {
        await this.fs.unlink(dataPath).catch(() => undefined); // no copy without its sidecar
        throw err;
      }
      return entry;
    }
    throw new SentinelError('io', 'could not find a free history name', this.dir);
  }

  async setHead(info: VersionInfo): Promise<void> {
    await atomicWrite(this.fs, join(this.dir, HEAD), json(info));
  }

  /** `path`: where the version lies, named with the file's extension, so format readers can open it. */
  async read(id: string): Promise<{ bytes: Uint8Array; meta: ArchivedVersion; path: string } | null> {
    if (!isHistoryId(id)) return null;
    const meta = await this.readJson(join(this.dir, `${id}.json`));
    if (!meta || !isArchived(meta, id)) return null;
    const path = join(this.dir, `${id}.${this.ext}`);
    try {
      return { bytes: await this.fs.readFile(path), meta, path };
    } catch (err) {
      throw asSentinelError(err, path);
    }
  }

  /** Removes the entry `archive` just made, when the save it was made for failed. */
  async discard(id: string): Promise<void> {
    await this.fs.unlink(join(this.dir, `${id}.json`)).catch(() => undefined);
    await this.fs.unlink(join(this.dir, `${id}.${this.ext}`)).catch(() => undefined);
  }

  private async readJson(path: string): Promise<unknown> {
    try {
      return JSON.parse(new TextDecoder().decode(await this.fs.readFile(path))) as unknown;
    } catch {
      return null;
    }
  }
}

function json(v: unknown): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(v, null, 2)}\n`);
}

const KINDS: readonly string[] = ['original', 'save', 'revert', 'external'];

function isVersionInfo(v: unknown): v is VersionInfo {
  const o = v as Record<string, unknown>;
  return (
    typeof o === 'object' && o !== null && KINDS.includes(o.kind as string) &&
    (o.annotator === null || typeof o.annotator === 'string') && typeof o.writtenAt === 'string' &&
    typeof o.content === 'string' && typeof o.bytes === 'number' && (o.labelPath === null || typeof o.labelPath === 'string')
  );
}

function isArchived(v: unknown, id: string): v is ArchivedVersion {
  const o = v as Record<string, unknown>;
  return isVersionInfo(v) && o.id === id && typeof o.replacedAt === 'string';
}
