/** Crash-safe saves of label files with history, revert, and the workspace of read-only datasets. */
export { LabelStore, type LabelStoreOptions, type LabelFileRef, type CurrentFile, type CurrentLabel, type StoreSaveResult } from './label-store';
export { openLabelFile, checkSavable, type LabelFile } from './label-file';
export { editFromCtGrid } from './resampled-edit';
export type { LabelInFile, MaskChange } from './mask-rewrite';
export { decodeVolume, labelMask, canonicalMaskToFileOrder, applyMask, applyMaskToVolume } from './mask-rewrite';
export { unpackNifti, packNifti, type NiftiBytes } from './nifti-bytes';
export { nodeStoreFs, type StoreFs } from './store-fs';
export { atomicWrite } from './atomic-write';
export { removeStaleTemps, STALE_TEMP_AGE_MS, TEMP_SUFFIX, tempTarget } from './temp-files';
export { lockPath, withSaveLock, LOCK_STALE_MS, type LockHolder } from './save-lock';
export { KeyedMutex } from './keyed-mutex';
export { historyDir, STORE_DIR, type VersionKind } from './history';
export { contentVersion, isHistoryId } from './version-id';
export { checkRelativePath, isWithin } from './confine';
export { defaultWorkspacesDir, workspaceDirFor, osDataDir } from './workspace';
