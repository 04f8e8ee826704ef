/**
 * Decides, before any voxel is read or inflated, whether a header describes a 3D volume the engine can hold:
 * a lying header must fail here, cheaply, instead of allocating what it claims.
 */
import { SentinelError } from '../errors';
import type { Vec3 } from '../volume';
import { datatypeByCode, describeDatatypeCode, type DatatypeInfo } from './datatypes';
import { NIFTI1_HEADER_BYTES, NIFTI2_HEADER_BYTES } from './header-parse';
import type { NiftiHeader } from './types';

export interface VolumeLayout {
  dims: Vec3;
  voxels: number;
  type: DatatypeInfo;
  /** Bytes of voxel data. */
  dataBytes: number;
  /** Where the data starts: in this file for n+1/n+2, in the .img file for ni1/ni2. */
  voxOffset: number;
  /** True when the header and data share one file. */
  singleFile: boolean;
}

/** Bytes of the fixed header plus the 4-byte extension flag. */
export function headerBytes(header: Pick<NiftiHeader, 'version'>): number {
  return (header.version === 1 ? NIFTI1_HEADER_BYTES : NIFTI2_HEADER_BYTES) + 4;
}

/** Checks the dimensions alone (shared by header scans and full reads). */
export function checkDims(header: NiftiHeader, file: string): Vec3 {
  const d = header.dim;
  const nd = d[0];
  if (!Number.isInteger(nd) || nd < 1 || nd > 7) {
    throw new SentinelError('corrupt', `dim[0] is ${nd}; a NIfTI image has 1 to 7 dimensions`, file);
  }
  for (let i = 1; i <= nd; i++) {
    if (!Number.isInteger(d[i]) || d[i] < 1) {
      throw new SentinelError('corrupt', `dimension ${i} has size ${d[i]} (dim = [${d.slice(0, nd + 1).join(', ')}])`, file);
    }
  }
  const extra = d.slice(4, nd + 1);
  if (nd < 3 || extra.some((n) => n !== 1)) {
    const shape = d.slice(1, nd + 1).join('x');
    throw new SentinelError('unsupported', `only 3D volumes are read; this image is ${nd}D (${shape})`, file);
  }
  return [d[1], d[2], d[3]];
}

/** Full validation for reading voxels; `maxVoxels` defaults to 2^31 bytes' worth of the datatype. */
export function checkVolumeLayout(header: NiftiHeader, file: string, maxVoxels?: number): VolumeLayout {
  const dims = checkDims(header, file);
  const type = datatypeByCode(header.datatype);
  if (!type) throw new SentinelError('unsupported', `unsupported ${describeDatatypeCode(header.datatype)}`, file);
  const voxels = dims[0] * dims[1] * dims[2];
  const limit = maxVoxels ?? Math.floor(2 ** 31 / type.bytes);
  if (!(voxels <= limit)) {
    const gb = (voxels * type.bytes) / 1e9;
    throw new SentinelError(
      'too_large',
      `${dims.join('x')} voxels of ${type.name} (${gb.toFixed(gb < 10 ? 2 : 0)} GB) exceed the limit of ${limit} voxels`,
      file,
    );
  }
  const singleFile = header.magic === 'n+1' || header.magic === 'n+2';
  let voxOffset = header.voxOffset;
  if (!Number.isFinite(voxOffset) || voxOffset < 0 || !Number.isInteger(voxOffset)) {
    throw new SentinelError('corrupt', `vox_offset ${voxOffset} is not a byte offset`, file);
  }
  const fixed = headerBytes(header) - 4;
  if (singleFile && voxOffset === 0) voxOffset = fixed + 4; // some writers leave it unset; the standard minimum applies
  if (singleFile && voxOffset < fixed) {
    throw new SentinelError('corrupt', `vox_offset ${voxOffset} lies inside the ${fixed}-byte header`, file);
  }
  return { dims, voxels, type, dataBytes: voxels * type.bytes, voxOffset, singleFile };
}
