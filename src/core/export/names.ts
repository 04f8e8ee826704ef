/**
 * Names that become file or folder names of an export: case IDs, dataset names, organ names. Anything that could
 * lead a path out of the chosen folder (separators, '..', NUL, a drive letter) is refused, not cleaned up, so two
 * different cases can never end up in one file.
 */
import { SentinelError } from '../errors';

/** A single path segment that is safe on Linux, macOS and Windows. */
export function checkFileName(name: string, what: string): string {
  const bad = (why: string): never => {
    throw new SentinelError('invalid_argument', `${what} "${name}" ${why}`);
  };
  if (name.length === 0 || name.length > 200) bad('is empty or longer than 200 characters');
  if (/[\u0000-\u001f\u007f]/.test(name)) bad('contains a control character');
  if (/[/\\]/.test(name)) bad('contains a path separator');
  if (name === '.' || name === '..' || name.startsWith('.')) bad('starts with a dot');
  if (/[<>:"|?*]/.test(name)) bad('contains a character Windows does not allow in file names (<>:"|?*)');
  if (/[ .]$/.test(name)) bad('ends with a space or a dot');
  return name;
}

/** nnU-Net dataset IDs are three digits (1–999); its docs ask custom datasets to use 500 and above. */
export function checkDatasetId(id: number): number {
  if (!Number.isInteger(id) || id < 1 || id > 999) {
    throw new SentinelError('invalid_argument', `the nnU-Net dataset ID must be a whole number from 1 to 999, got ${id}`);
  }
  return id;
}

/** The name part of `DatasetNNN_Name`: letters, digits, '_' and '-', as nnU-Net's own datasets use. */
export function checkDatasetName(name: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) {
    throw new SentinelError('invalid_argument', `the nnU-Net dataset name "${name}" must be 1–64 letters, digits, "_" or "-"`);
  }
  return name;
}

export function nnunetFolderName(id: number, name: string): string {
  return `Dataset${String(checkDatasetId(id)).padStart(3, '0')}_${checkDatasetName(name)}`;
}
