/**
 * Saving, history and revert of the label files of one dataset, crash-safe, as docs/storage.md describes.
 * A save reads the file's current bytes, refuses when they are not the version the edit started from, rewrites
 * only the edited label's voxels, archives the current version into the history, then replaces the file
 * atomically. Saves of one file run one at a time; saves of different files run in parallel. Every format is
 * saved in itself (label-file.ts): NIfTI byte-exact outside the label, NRRD / .seg.nrrd / DICOM SEG re-encoded
 * by core/formats with the file as its template.
 * A dataset that must not be written gets its corrections in the workspace, which every read then prefers.
 * Saves of one file are also serialised across processes (save-lock.ts), and each clears what killed saves of
 * that file left behind (temp-files.ts).
 */
import { basename, dirname, join } from 'node:path';
import { asSentinelError, SentinelError } from '../errors';
import type { HistoryEntry } from '../../shared/api';
import { atomicWrite } from './atomic-write';
import { checkRelativePath, confinedJoin, staysInside } from './confine';
import { FileHistory, historyDir, isHistoryFileName, STORE_DIR, versionExtension, type VersionInfo, type VersionKind } from './history';
import { KeyedMutex } from './keyed-mutex';
import { canonicalMaskToFileOrder, type LabelInFile, type MaskChange } from './mask-rewrite';
import { checkSavable, openLabelFile, type LabelFile } from './label-file';
import { editFromCtGrid } from './resampled-edit';
import { judgeGrid } from '../dataset/grid-rule';
import type { Grid, Volume } from '../volume';
import { LOCKS_DIR, lockPath, withSaveLock } from './save-lock';
import { nodeStoreFs, type StoreFs } from './store-fs';
import { removeStaleTemps, TEMP_SUFFIX } from './temp-files';
import { contentVersion, HistoryClock, isHistoryId } from './version-id';
import { WORKSPACE_INFO, workspaceDirFor } from './workspace';

export interface LabelStoreOptions {
  /** Absolute dataset root. */
  root: string;
  /** The workspace of this dataset; default `<os data dir>/sentinel-workstation/workspaces/<hash of root>`. */
  workspaceDir?: string;
  /** Never write into the dataset, even where the file system would allow it. */
  readOnly?: boolean;
  fs?: StoreFs;
}

/** Which label of which file. */
export interface LabelFileRef {
  caseId: string;
  /** The file, relative to the root ('/' separators). */
  file: string;
  /** The label's path as the scores use it (file, or file#value). */
  labelPath: string;
  label: LabelInFile;
  /**
   * The case CT's grid (as the manifest has it): places a DICOM SEG's frames, and tells a label on another grid,
   * which the editor shows and edits resampled onto the CT's (dataset/grid-rule).
   */
  ctGrid?: Grid;
}

/** One label as the file holds it now. */
export interface CurrentLabel {
  current: CurrentFile;
  /** The label as 0/1 in the file's voxel order, and that order's grid. */
  mask: Volume;
  /** The grid the file holds (differs from mask.grid only for a DICOM SEG its reader placed on the CT's grid). */
  fileGrid: Grid;
  /** All of the file's values (file voxel order), for context of its other labels; null when segments overlap. */
  values: Volume | null;
}

export interface CurrentFile {
  /** Absolute path read: the workspace copy when there is one. */
  abs: string;
  bytes: Uint8Array;
  version: string;
  inWorkspace: boolean;
}

export interface StoreSaveResult {
  /** Content version of the file now in place. */
  version: string;
  /** The file written, relative to the root or (inWorkspace) to the workspace. */
  savedTo: string;
  inWorkspace: boolean;
  /** False when the mask equalled the file's (nothing written, no history entry). */
  changed: boolean;
  change: MaskChange;
}

interface Place {
  base: string;
  abs: string;
  inWorkspace: boolean;
}

const clock = new HistoryClock();
/** One lock per file for the whole process: a project opened again gets a new store, never a second lock. */
const fileLocks = new KeyedMutex();

export class LabelStore {
  readonly root: string;
  readonly workspaceDir: string;
  private readonly fs: StoreFs;
  /** Files (relative paths) that have a corrected copy in the workspace. */
  private readonly inWorkspace = new Set<string>();

  private constructor(private readonly opts: LabelStoreOptions) {
    this.root = opts.root;
    this.workspaceDir = opts.workspaceDir ?? workspaceDirFor(opts.root);
    this.fs = opts.fs ?? nodeStoreFs;
  }

  /** Opens the store of a dataset, indexing the corrected files its workspace already holds. */
  static async open(opts: LabelStoreOptions): Promise<LabelStore> {
    const store = new LabelStore(opts);
    await store.indexWorkspace('');
    return store;
  }

  /**
   * Where to read `rel` (a path relative to the root): the workspace copy when there is one, else the dataset's.
   * Synchronous, for scoring's resolvePath.
   */
  resolvePath(rel: string): string {
    return this.inWorkspace.has(rel) ? confinedJoin(this.workspaceDir, rel) : confinedJoin(this.root, rel);
  }

  /** Whether saves of `rel` go to the workspace (the dataset is read-only there, or already corrected there). */
  async savesToWorkspace(rel: string): Promise<boolean> {
    return (await this.placeFor(rel)).inWorkspace;
  }

  /** The bytes of the file as the app sees it now, with their content version. */
  async readCurrent(rel: string): Promise<CurrentFile> {
    checkRelativePath(rel, 'label file');
    const abs = this.resolvePath(rel);
    try {
      const bytes = await this.fs.readFile(abs);
      return { abs, bytes, version: contentVersion(bytes), inWorkspace: this.inWorkspace.has(rel) };
    } catch (err) {
      throw asSentinelError(err, abs);
    }
  }

  /** The label's voxels decoded from the very bytes whose version is returned (a save's conflict check refers to them). */
  async readLabel(ref: LabelFileRef): Promise<CurrentLabel> {
    const current = await this.readCurrent(ref.file);
    const file = await this.open(ref, current.bytes, current.abs);
    const mask: Volume = { grid: file.grid, data: await file.labelMask(ref.label) };
    return { current, mask, fileGrid: file.fileGrid, values: file.volume };
  }

  /**
   * Saves `mask` (0/1 in the voxel order closest to RAS, as loadLabel gave it: on the label's own grid, or on the
   * CT's when the label lies on another grid) as the label's voxels, if the file is still at `baseVersion`.
   */
  async saveMask(ref: LabelFileRef, mask: Uint8Array, who: { annotator: string; baseVersion: string }): Promise<StoreSaveResult> {
    checkRelativePath(ref.file, 'label file');
    checkSavable(ref.file);
    return this.exclusive(ref, async (place) => {
      const current = await this.readCurrent(ref.file);
      if (current.version !== who.baseVersion) {
        throw new SentinelError(
          'invalid_argument',
          `conflict: the file changed since this edit started (now ${current.version}, the edit started from ${who.baseVersion}); nothing was saved: reload the label and apply the edit again`,
          current.abs,
        );
      }
      const file = await this.open(ref, current.bytes, current.abs);
      const fileMask =
        ref.ctGrid && judgeGrid(file.grid, ref.ctGrid).kind === 'resample'
          ? editFromCtGrid(file.grid, await file.labelMask(ref.label), ref.ctGrid, mask, current.abs)
          : canonicalMaskToFileOrder({ grid: file.grid, file: current.abs }, mask);
      const change = await file.apply(ref.label, fileMask);
      if (change.added === 0 && change.removed === 0) return this.unchanged(ref.file, current, change);
      return this.commit(ref, place, current, await file.encode(), { kind: 'save', annotator: who.annotator }, change);
    });
  }

  /**
   * Makes `version` (a history id, or the current content version) current again, as a new save. A binary mask
   * file gets that version's bytes back exactly; a label of a multi-label map gets that version's voxels of this
   * label, the map's other labels staying as they are now.
   */
  async revert(ref: LabelFileRef, version: string, annotator: string): Promise<StoreSaveResult> {
    checkRelativePath(ref.file, 'label file');
    checkSavable(ref.file);
    return this.exclusive(ref, async (place) => {
      const current = await this.readCurrent(ref.file);
      const none: MaskChange = { added: 0, removed: 0, takenFrom: new Map() };
      if (version === current.version) return this.unchanged(ref.file, current, none);
      const old = isHistoryId(version) ? await this.readVersion(ref, version) : null;
      if (!old) throw new SentinelError('invalid_argument', `no version "${version}" in this file's history`, current.abs);
      if (contentVersion(old.bytes) === current.version) return this.unchanged(ref.file, current, none);
      const then = await this.open(ref, old.bytes, old.path);
      const n = await this.open(ref, current.bytes, current.abs);
      if (ref.label.kind === 'file') {
        const change = diffMasks(await n.labelMask(ref.label), await then.labelMask(ref.label));
        return this.commit(ref, place, current, old.bytes, { kind: 'revert', annotator }, change);
      }
      if (then.grid.dims.some((d, i) => d !== n.grid.dims[i])) {
        throw new SentinelError('unsupported', `version ${version} has another grid (${then.grid.dims.join('x')}) than the file now`, current.abs);
      }
      const change = await n.apply(ref.label, await then.labelMask(ref.label));
      if (change.added === 0 && change.removed === 0) return this.unchanged(ref.file, current, change);
      return this.commit(ref, place, current, await n.encode(), { kind: 'revert', annotator }, change);
    });
  }

  /** The file's versions, newest first: the current one, then every version a save replaced. */
  async history(ref: LabelFileRef): Promise<HistoryEntry[]> {
    checkRelativePath(ref.file, 'label file');
    const current = await this.readCurrent(ref.file);
    const histories = this.histories(ref);
    const archived = (await Promise.all(histories.map((h) => h.list()))).flat();
    const known = await this.describeCurrent(ref, current);
    const entries: HistoryEntry[] = archived
      .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .map((a) => ({
        version: a.id,
        time: a.replacedAt,
        writtenAt: a.writtenAt,
        annotator: a.annotator,
        kind: a.kind,
        current: false,
        bytes: a.bytes,
        labelPath: a.labelPath,
      }));
    entries.unshift({
      version: current.version,
      time: known.writtenAt,
      writtenAt: known.writtenAt,
      annotator: known.annotator,
      kind: known.kind,
      current: true,
      bytes: current.bytes.length,
      labelPath: known.labelPath,
    });
    return entries;
  }

  private lockKey(rel: string): string {
    return `${this.root}\u0000${rel}`;
  }

  /**
   * Runs a save of `ref`'s file alone: after this process's other saves of it, then holding the lock between
   * processes in the place the save goes to; first clearing what killed saves of the file left there.
   */
  private exclusive<T>(ref: LabelFileRef, work: (place: Place) => Promise<T>): Promise<T> {
    return fileLocks.run(this.lockKey(ref.file), async () => {
      const place = await this.placeFor(ref.file);
      const lock = lockPath(place.base, ref.file);
      return withSaveLock(this.fs, lock, { file: ref.file, abs: place.abs }, async () => {
        await this.removeStaleTemps(ref, place, lock);
        return work(place);
      });
    });
  }

  /** Stale temporary files of this file's saves: beside it, in its history folder, and of its lock. */
  private async removeStaleTemps(ref: LabelFileRef, place: Place, lock: string): Promise<void> {
    const name = basename(place.abs);
    const lockName = basename(lock);
    await removeStaleTemps(this.fs, dirname(place.abs), (t) => t === name);
    await removeStaleTemps(this.fs, historyDir(place.base, ref.caseId, ref.file), isHistoryFileName);
    await removeStaleTemps(this.fs, dirname(lock), (t) => t === lockName);
  }

  private unchanged(rel: string, current: CurrentFile, change: MaskChange): StoreSaveResult {
    return { version: current.version, savedTo: rel, inWorkspace: current.inWorkspace, changed: false, change };
  }

  /** Archives the current version, then puts `bytes` in place; on failure the archive entry is taken back. */
  private async commit(
    ref: LabelFileRef,
    place: Place,
    current: CurrentFile,
    bytes: Uint8Array,
    how: { kind: VersionKind; annotator: string },
    change: MaskChange,
  ): Promise<StoreSaveResult> {
    const history = this.historyAt(place.base, ref);
    const previous = await this.describeCurrent(ref, current);
    let archived;
    try {
      archived = await history.archive(current.bytes, previous);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new SentinelError('io', `not saved: the version in place could not be copied to the history first (${why}); the file is unchanged`, place.abs, { cause: err });
    }
    try {
      if (place.inWorkspace) await this.noteWorkspace();
      await atomicWrite(this.fs, place.abs, bytes);
    } catch (err) {
      await history.discard(archived.id);
      throw asSentinelError(err, place.abs);
    }
    if (place.inWorkspace) this.inWorkspace.add(ref.file);
    const version = contentVersion(bytes);
    const info: VersionInfo = {
      kind: how.kind,
      annotator: how.annotator,
      writtenAt: new Date().toISOString(),
      content: version,
      bytes: bytes.length,
      labelPath: ref.labelPath,
    };
    // The file is saved; a history note that cannot be written only makes this version show as 'external'.
    await history.setHead(info).catch(() => undefined);
    return { version, savedTo: ref.file, inWorkspace: place.inWorkspace, changed: true, change };
  }

  /** What the history knows of the version in place: the last save's note when the bytes are still its bytes. */
  private async describeCurrent(ref: LabelFileRef, current: CurrentFile): Promise<VersionInfo> {
    const histories = this.histories(ref);
    const heads = await Promise.all(histories.map((h) => h.head()));
    const head = heads.find((h) => h?.content === current.version);
    if (head) return head;
    const anyHistory = (await Promise.all(histories.map((h) => h.list()))).some((l) => l.length > 0) || heads.some((h) => h);
    const st = await this.fs.stat(current.abs);
    return {
      kind: anyHistory ? 'external' : 'original',
      annotator: null,
      writtenAt: new Date(st?.mtimeMs ?? Date.now()).toISOString(),
      content: current.version,
      bytes: current.bytes.length,
      labelPath: null,
    };
  }

  private async readVersion(ref: LabelFileRef, id: string): Promise<{ bytes: Uint8Array; path: string } | null> {
    for (const h of this.histories(ref)) {
      const got = await h.read(id);
      if (got) return got;
    }
    return null;
  }

  /** `bytes` (the content of the file at `abs`) opened in the label file's format. */
  private open(ref: LabelFileRef, bytes: Uint8Array, abs: string): Promise<LabelFile> {
    return openLabelFile(bytes, abs, ref.ctGrid ? { referenceGrid: ref.ctGrid } : {});
  }

  /** The file's history in the dataset and in the workspace (a dataset can turn read-only between saves). */
  private histories(ref: LabelFileRef): FileHistory[] {
    return [this.historyAt(this.root, ref), this.historyAt(this.workspaceDir, ref)];
  }

  private historyAt(base: string, ref: LabelFileRef): FileHistory {
    return new FileHistory(this.fs, historyDir(base, ref.caseId, ref.file), versionExtension(ref.file), clock);
  }

  /**
   * Where a save of `rel` goes: the workspace when it already holds the file, when the project is read-only, when
   * the file's folder or the dataset's history or lock folder cannot be written, or when a link leads one of them
   * outside the dataset; else the dataset.
   */
  private async placeFor(rel: string): Promise<Place> {
    const ws: Place = { base: this.workspaceDir, abs: confinedJoin(this.workspaceDir, rel), inWorkspace: true };
    if (this.inWorkspace.has(rel) || this.opts.readOnly) return ws;
    const abs = confinedJoin(this.root, rel);
    const historyRoot = join(this.root, STORE_DIR, 'history');
    const locksRoot = join(this.root, STORE_DIR, LOCKS_DIR);
    for (const target of [abs, join(historyRoot, 'x'), join(locksRoot, 'x')]) {
      if (!(await staysInside(this.fs, this.root, target))) return ws;
      if (!(await this.fs.canWrite(await this.deepestDir(dirname(target))))) return ws;
    }
    return { base: this.root, abs, inWorkspace: false };
  }

  private async deepestDir(dir: string): Promise<string> {
    let d = dir;
    while (!(await this.fs.stat(d))?.isDir) {
      const up = dirname(d);
      if (up === d) break;
      d = up;
    }
    return d;
  }

  private async noteWorkspace(): Promise<void> {
    const info = join(this.workspaceDir, WORKSPACE_INFO);
    if (await this.fs.stat(info)) return;
    const text = `${JSON.stringify({ root: this.root, note: 'Corrections of this dataset, in its layout.' }, null, 2)}\n`;
    await atomicWrite(this.fs, info, new TextEncoder().encode(text));
  }

  /** Also clears stale temporary files of killed saves: everything in the workspace is the store's own. */
  private async indexWorkspace(rel: string): Promise<void> {
    const dir = rel ? join(this.workspaceDir, ...rel.split('/')) : this.workspaceDir;
    await removeStaleTemps(this.fs, dir, () => true);
    for (const name of await this.fs.list(dir)) {
      if (name.startsWith('.') || name.endsWith(TEMP_SUFFIX) || (!rel && name === WORKSPACE_INFO)) continue;
      const child = rel ? `${rel}/${name}` : name;
      const st = await this.fs.stat(join(dir, name));
      if (st?.isDir) await this.indexWorkspace(child);
      else if (st?.isFile) this.inWorkspace.add(child);
    }
  }
}

/** The change from one 0/1 mask to another (file voxel order). */
function diffMasks(from: Uint8Array, to: Uint8Array): MaskChange {
  let added = 0;
  let removed = 0;
  const n = Math.min(from.length, to.length);
  for (let i = 0; i < n; i++) {
    if (to[i] && !from[i]) added++;
    else if (!to[i] && from[i]) removed++;
  }
  return { added, removed, takenFrom: new Map() };
}
