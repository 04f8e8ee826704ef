/**
 * Decoding a case's volumes, whatever their format, the way scoring, the editor and the evaluation all need them:
 * through core/formats, reoriented to the voxel order closest to RAS (nifti/toCanonical, lossless). A label of a
 * multi-label file is its value in a decoded label map; a segment of a file whose segments overlap (which one
 * value per voxel cannot hold) is read alone and given its value, so every caller tests `voxel === value` alike.
 */
import { readSegmentMask, readVolumeFile, readVolumeInfo, type VolumeFileInfo } from '../formats';
import { readNifti, toCanonical } from '../nifti';
import type { Grid, Volume } from '../volume';
import type { LabelSource } from './manifest';
import { isNiftiPath } from './volume-files';

export interface ReadOptions {
  /** The CT's grid: where a DICOM SEG's frames lie. */
  referenceGrid?: Grid;
}

const refOpts = (o: ReadOptions): { referenceGrid?: Grid } => (o.referenceGrid ? { referenceGrid: o.referenceGrid } : {});

/** Any volume file (or DICOM series folder) in closest-RAS voxel order. */
export async function readCanonical(abs: string, opts: ReadOptions = {}): Promise<Volume> {
  return (await readMaskVolume(abs, opts)).volume;
}

/**
 * A label's volume in closest-RAS order, and the grid its file has. Given the CT's grid, core/formats places a
 * DICOM SEG's frames on it and may already resample a file on another grid onto it: `fileGrid` keeps what the file
 * itself holds, which is what dataset/grid-rule judges.
 */
export interface MaskVolume {
  volume: Volume;
  fileGrid: Grid;
}

export async function readMaskVolume(abs: string, opts: ReadOptions = {}): Promise<MaskVolume> {
  if (isNiftiPath(abs)) {
    // NIfTI by name: straight to its reader, as before other formats existed (no sniffing, never resampled here).
    const { volume } = await readNifti(abs);
    return { volume: toCanonical(volume).volume, fileGrid: volume.grid };
  }
  const file = await readVolumeFile(abs, refOpts(opts));
  return { volume: toCanonical(file.volume).volume, fileGrid: file.fileGrid };
}

/**
 * Reads labels of one case, each file decoded once however many of its labels are asked for. The volume returned
 * for a label holds the label where `voxel > 0` (a file) or `voxel === value` (a value of a multi-label file).
 */
export class LabelVolumeReader {
  private readonly maps = new Map<string, Promise<MaskVolume | 'overlapping'>>();

  constructor(private readonly opts: ReadOptions = {}) {}

  /** `abs` is where to read `source.path` (the workspace copy, when there is one). */
  async read(abs: string, source: LabelSource): Promise<MaskVolume> {
    if (source.kind === 'file') return readMaskVolume(abs, this.opts);
    let map = this.maps.get(abs);
    if (!map) {
      map = this.decodeMap(abs);
      this.maps.set(abs, map);
    }
    const got = await map;
    if (got !== 'overlapping') return got;
    const [seg, info] = await Promise.all([readSegmentMask(abs, source.value, refOpts(this.opts)), this.infoOf(abs)]);
    return { volume: toCanonical(valued(seg, source.value)).volume, fileGrid: info.fileGrid };
  }

  private readonly infos = new Map<string, Promise<VolumeFileInfo>>();

  private infoOf(abs: string): Promise<VolumeFileInfo> {
    let info = this.infos.get(abs);
    if (!info) this.infos.set(abs, (info = readVolumeInfo(abs, refOpts(this.opts))));
    return info;
  }

  private async decodeMap(abs: string): Promise<MaskVolume | 'overlapping'> {
    if (!isNiftiPath(abs) && (await this.infoOf(abs)).overlapping) return 'overlapping';
    return readMaskVolume(abs, this.opts);
  }
}

/** A 0/1 segment mask with its voxels set to `value` instead of 1. */
function valued(mask: Volume, value: number): Volume {
  const src = mask.data;
  const data = value <= 255 ? new Uint8Array(src.length) : value <= 65535 ? new Uint16Array(src.length) : new Int32Array(src.length);
  for (let i = 0; i < src.length; i++) if (src[i] !== 0) data[i] = value;
  return { grid: mask.grid, data };
}
