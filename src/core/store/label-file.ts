/**
 * A label file opened for reading one label, or for rewriting it, whatever its format. NIfTI is edited in its own
 * bytes (header, extensions and everything else kept byte for byte, see nifti-bytes.ts). NRRD, Slicer .seg.nrrd
 * and DICOM SEG are decoded by core/formats and encoded again by its writeMaskFile with the file itself as the
 * template, so their metadata (segment names and colours, DICOM references) carry over and the file stays in
 * its own format. Only the label's voxels change, as mask-rewrite.ts defines.
 */
import { SentinelError } from '../errors';
import { detectVolumeFormat, readSegmentMask, readVolumeFile, writeMaskFile, type VolumeFile, type VolumeFormat } from '../formats';
import type { Grid, Volume } from '../volume';
import { isNiftiPath } from '../dataset/volume-files';
import { applyMask, applyMaskToVolume, decodeVolume, labelMask, type LabelInFile, type MaskChange } from './mask-rewrite';
import { packNifti, unpackNifti, type NiftiBytes } from './nifti-bytes';

export interface LabelFile {
  format: VolumeFormat;
  /** Geometry of the voxels below, in the file's voxel order. */
  grid: Grid;
  /** The grid the file holds: `grid`, unless its reader placed it on the CT's (a DICOM SEG on another grid). */
  fileGrid: Grid;
  /** The file's label values in its voxel order; null when its segments overlap (no one value per voxel). */
  volume: Volume | null;
  /** The label as 0/1 in the file's voxel order. */
  labelMask(label: LabelInFile): Promise<Uint8Array>;
  /** Rewrites the label to `fileMask` (file voxel order, non-zero = inside); call `encode` afterwards. */
  apply(label: LabelInFile, fileMask: Uint8Array): Promise<MaskChange>;
  /** The file's bytes as they are now. */
  encode(): Promise<Uint8Array>;
}

export interface OpenOptions {
  /** The CT's grid, where a DICOM SEG's frames lie. */
  referenceGrid?: Grid;
}

/** A detached NRRD header names a second file: a save could not replace both at once, so it is refused. */
export function checkSavable(file: string): void {
  if (/\.nhdr$/i.test(file)) {
    throw new SentinelError(
      'unsupported',
      'saving into a detached NRRD header (.nhdr with its data file) is not supported: a save replaces one file atomically; store the mask as .nrrd to edit it',
      file,
    );
  }
}

/**
 * Opens `bytes`, the content of the label file at `abs`. NIfTI is decoded from the bytes themselves; other formats
 * are read from `abs` by core/formats, so `abs` must hold exactly these bytes (the current file, or a history copy
 * named with the same extension). Only a DICOM SEG is read against the CT's grid (its frames are placed on it):
 * every other file is decoded on its own grid, which is the grid it is written back on.
 */
export async function openLabelFile(bytes: Uint8Array, abs: string, opts: OpenOptions = {}): Promise<LabelFile> {
  if (looksLikeNifti(abs, bytes)) return niftiLabelFile(await unpackNifti(bytes, abs));
  const seg = opts.referenceGrid !== undefined && (await detectVolumeFormat(abs)) === 'dicom-seg';
  const ref = seg ? { referenceGrid: opts.referenceGrid } : {};
  const file = await readVolumeFile(abs, ref);
  return decodedLabelFile(file, abs, ref);
}

function looksLikeNifti(abs: string, bytes: Uint8Array): boolean {
  return isNiftiPath(abs) || (!/\.(nrrd|nhdr|dcm)$/i.test(abs) && isNiftiMagic(bytes));
}

/** `n+1`/`n+2` at byte 344 (NIfTI-1) or 4 (NIfTI-2) of an uncompressed file; gzip is NIfTI's only compression here. */
function isNiftiMagic(b: Uint8Array): boolean {
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) return true;
  const at = (o: number): boolean => b.length > o + 3 && b[o] === 0x6e && (b[o + 1] === 0x2b || b[o + 1] === 0x69) && (b[o + 2] === 0x31 || b[o + 2] === 0x32);
  return at(344) || at(4);
}

function niftiLabelFile(n: NiftiBytes): LabelFile {
  let decoded: Volume | null = null;
  const volume = (): Volume => (decoded ??= decodeVolume(n));
  return {
    format: 'nifti',
    grid: n.grid,
    fileGrid: n.grid,
    get volume() {
      return volume();
    },
    labelMask: async (label) => labelMask(volume(), label),
    async apply(label, fileMask) {
      decoded = null;
      return applyMask(n, label, fileMask);
    },
    encode: () => packNifti(n),
  };
}

/**
 * A decoded file. Its segments may overlap (Slicer layers, SEG frames shared by segments): a label is then one
 * segment, read alone and written alone (writeMaskFile's `segment`), the file's other segments kept as they are.
 */
function decodedLabelFile(file: VolumeFile, abs: string, ref: OpenOptions): LabelFile {
  const overlapping = file.overlapping === true;
  const volume: Volume = { grid: file.volume.grid, data: file.volume.data.slice() };
  let segment: { value: number; mask: Uint8Array } | null = null;
  const segmentMask = async (value: number): Promise<Uint8Array> =>
    Uint8Array.from((await readSegmentMask(abs, value, ref)).data, (v) => (v !== 0 ? 1 : 0));
  const oneSegment = (label: LabelInFile): number => {
    if (label.kind !== 'multilabel') throw new SentinelError('invalid_argument', 'a file of overlapping segments holds no single mask: name a segment', abs);
    return label.value;
  };
  const own = new Map<number, Uint8Array>();
  return {
    format: file.format,
    grid: file.grid,
    fileGrid: file.fileGrid,
    volume: overlapping ? null : volume,
    async labelMask(label) {
      if (!overlapping) return labelMask(volume, label);
      const value = oneSegment(label);
      const m = await segmentMask(value);
      own.set(value, m);
      return m;
    },
    async apply(label, fileMask) {
      if (!overlapping) return applyMaskToVolume(volume, label, fileMask, abs);
      const value = oneSegment(label);
      const before = own.get(value) ?? (await segmentMask(value));
      if (fileMask.length !== before.length) throw new SentinelError('invalid_argument', `the mask has ${fileMask.length} voxels, the file ${before.length}`, abs);
      let added = 0;
      let removed = 0;
      const mask = new Uint8Array(before.length);
      for (let i = 0; i < mask.length; i++) {
        mask[i] = fileMask[i] !== 0 ? 1 : 0;
        if (mask[i] && !before[i]) added++;
        else if (!mask[i] && before[i]) removed++;
      }
      segment = { value, mask };
      // Segments overlap by design: this one takes no voxel from another.
      return { added, removed, takenFrom: new Map() };
    },
    encode: () =>
      writeMaskFile({
        path: abs,
        format: file.format,
        template: abs,
        ...(segment ? { mask: { grid: file.grid, data: segment.mask }, segment: segment.value } : { mask: volume }),
        ...(file.labelTable ? { labelTable: file.labelTable } : {}),
      }),
  };
}
