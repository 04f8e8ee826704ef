/**
 * Writing NIfTI files. A mask written back over its source keeps the source's header: when the volume's geometry
 * is the one the header describes, sform/qform/pixdim are copied field for field, so read → write → read gives
 * identical voxels, geometry and extensions.
 */
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gzip as gzipCb, type ZlibOptions } from 'node:zlib';
import { asSentinelError, SentinelError } from '../errors';
import type { Volume, VoxelArray } from '../volume';
import { datatypeByCode, datatypeByName, datatypeOfArray, type DatatypeInfo, type NiftiDatatypeName } from './datatypes';
import { extensionsByteLength, writeNiftiExtensions } from './extensions';
import { encodeNiftiHeader } from './header-encode';
import { affineDistance, affineToQform, headerSpacing, niftiAffine } from './geometry';
import type { NiftiExtension, NiftiHeader } from './types';
import { activeScaling, encodeVoxels } from './voxels';

const gzipAsync = promisify<Uint8Array, ZlibOptions, Buffer>(gzipCb);

export interface NiftiWriteInput {
  /** The source file's header (or parts of it) to carry over; geometry and datatype come from `volume`. */
  header?: Partial<NiftiHeader>;
  volume: Volume;
  /** Written as given (a label table extension included). */
  extensions?: NiftiExtension[];
}

export interface EncodeNiftiOptions {
  gzip: boolean;
  /** Stored type; by default the source's integer type when it had a scl_slope, else the array's own type. */
  datatype?: NiftiDatatypeName;
  /** NIfTI version; by default 2 when the source was NIfTI-2 or a dimension exceeds 32767, else 1. */
  version?: 1 | 2;
  /** Byte order of the file; little-endian unless false. */
  littleEndian?: boolean;
  /** gzip level 1–9 (default 6). */
  level?: number;
}

/** Default header fields for a volume that has no source file. */
function defaults(): NiftiHeader {
  return {
    version: 1, littleEndian: true, magic: 'n+1', dim: [3, 1, 1, 1, 1, 1, 1, 1],
    intentP1: 0, intentP2: 0, intentP3: 0, intentCode: 0, intentName: '',
    datatype: 2, bitpix: 8, sliceStart: 0, pixdim: [1, 1, 1, 1, 1, 1, 1, 1], voxOffset: 352,
    sclSlope: 1, sclInter: 0, sliceEnd: 0, sliceCode: 0, dimInfo: 0, xyztUnits: 2, // mm
    calMax: 0, calMin: 0, sliceDuration: 0, toffset: 0, descrip: '', auxFile: '',
    qformCode: 0, sformCode: 0, quaternB: 0, quaternC: 0, quaternD: 0, qoffsetX: 0, qoffsetY: 0, qoffsetZ: 0,
    srowX: [1, 0, 0, 0], srowY: [0, 1, 0, 0], srowZ: [0, 0, 1, 0], extensionFlag: 0,
  };
}

function isFloatArray(a: VoxelArray): boolean {
  return a instanceof Float32Array || a instanceof Float64Array;
}

/** The stored type and, when the source's integer type and scaling are reapplied, that scaling. */
function storage(src: Partial<NiftiHeader>, data: VoxelArray, requested?: NiftiDatatypeName): { type: DatatypeInfo; scaling?: { slope: number; inter: number } } {
  const srcScaling = activeScaling(src.sclSlope ?? NaN, src.sclInter ?? NaN);
  const srcType = src.datatype !== undefined ? datatypeByCode(src.datatype) : undefined;
  const type = requested ? datatypeByName(requested)
    : srcScaling && srcType?.integer && isFloatArray(data) ? srcType
    : datatypeOfArray(data);
  const scaling = srcScaling && type.integer && isFloatArray(data) ? srcScaling : undefined;
  return scaling ? { type, scaling } : { type };
}

/** Geometry fields: the source's own when they still describe the volume, else derived from its affine. */
function geometry(src: Partial<NiftiHeader>, volume: Volume): Partial<NiftiHeader> {
  const { dims, spacing, affine } = volume.grid;
  const base = { ...defaults(), ...src };
  const sameDims = src.dim !== undefined && src.dim[1] === dims[0] && src.dim[2] === dims[1] && src.dim[3] === dims[2];
  if (sameDims && (src.sformCode !== undefined || src.qformCode !== undefined)) {
    const was = niftiAffine(base).affine;
    const scale = Math.max(1, ...affine.map(Math.abs));
    const wasSpacing = headerSpacing(base, was);
    const spacingSame = wasSpacing.every((s, i) => Math.abs(s - spacing[i]) <= 1e-6 * Math.max(1, s));
    if (affineDistance(was, affine) <= 1e-6 * scale && spacingSame) {
      return {
        pixdim: base.pixdim.slice(0, 8), sformCode: base.sformCode, qformCode: base.qformCode,
        srowX: base.srowX.slice(0, 4), srowY: base.srowY.slice(0, 4), srowZ: base.srowZ.slice(0, 4),
        quaternB: base.quaternB, quaternC: base.quaternC, quaternD: base.quaternD,
        qoffsetX: base.qoffsetX, qoffsetY: base.qoffsetY, qoffsetZ: base.qoffsetZ,
      };
    }
  }
  const q = affineToQform(affine);
  let sformCode = base.sformCode > 0 ? base.sformCode : 0;
  let qformCode = base.qformCode > 0 ? base.qformCode : 0;
  if (sformCode === 0 && qformCode === 0) {
    sformCode = 2; // "aligned to something": what other writers use for a volume with a known affine
    qformCode = q.exact ? 2 : 0;
  }
  if (!q.exact) {
    // The qform cannot hold a shear: the sform carries the geometry.
    if (sformCode === 0) sformCode = qformCode;
    qformCode = 0;
  }
  const pixdim = base.pixdim.slice(0, 8);
  while (pixdim.length < 8) pixdim.push(1);
  pixdim[0] = q.qfac;
  pixdim[1] = spacing[0];
  pixdim[2] = spacing[1];
  pixdim[3] = spacing[2];
  return {
    pixdim, sformCode, qformCode,
    srowX: affine.slice(0, 4), srowY: affine.slice(4, 8), srowZ: affine.slice(8, 12),
    quaternB: q.quaternB, quaternC: q.quaternC, quaternD: q.quaternD,
    qoffsetX: q.qoffsetX, qoffsetY: q.qoffsetY, qoffsetZ: q.qoffsetZ,
  };
}

/** Encodes an image as the bytes of a .nii (or, with gzip, .nii.gz) file. */
export async function encodeNifti(img: NiftiWriteInput, opts: EncodeNiftiOptions): Promise<Uint8Array> {
  const { volume } = img;
  const src = img.header ?? {};
  const dims = volume.grid.dims;
  if (!dims.every((n) => Number.isInteger(n) && n >= 1)) {
    throw new SentinelError('invalid_argument', `cannot write a volume of dims ${dims.join('x')}`);
  }
  const voxels = dims[0] * dims[1] * dims[2];
  if (volume.data.length !== voxels) {
    throw new SentinelError('invalid_argument', `the volume has ${volume.data.length} voxels for dims ${dims.join('x')}`);
  }
  const version: 1 | 2 = dims.some((n) => n > 32767) ? 2 : (opts.version ?? (src.version === 2 ? 2 : 1));
  const { type, scaling } = storage(src, volume.data, opts.datatype);
  const exts = img.extensions ?? [];
  const fixed = version === 1 ? 352 : 544;
  const voxOffset = fixed + extensionsByteLength(exts);

  // dim[0] stays 4 or 5 only when the source said so with singleton extra dimensions.
  const srcDim = src.dim ?? [];
  const keepNd = (srcDim[0] === 4 || srcDim[0] === 5) && srcDim.slice(4, srcDim[0] + 1).every((n) => n === 1) ? srcDim[0] : 3;
  const dim = [keepNd, dims[0], dims[1], dims[2], 1, 1, 1, 1];
  // Scaling: written when reapplied; a source value that asks for none (NaN, 0, 1/0) is kept as it was; else 1/0.
  let sclSlope = 1;
  let sclInter = 0;
  if (scaling) {
    sclSlope = scaling.slope;
    sclInter = scaling.inter;
  } else if (src.sclSlope !== undefined && !activeScaling(src.sclSlope, src.sclInter ?? 0)) {
    sclSlope = src.sclSlope;
    sclInter = src.sclInter ?? 0;
  }
  const header: NiftiHeader = {
    ...defaults(),
    ...src,
    ...geometry(src, volume),
    version,
    littleEndian: opts.littleEndian ?? true,
    magic: version === 1 ? 'n+1' : 'n+2',
    dim,
    datatype: type.code,
    bitpix: type.bytes * 8,
    voxOffset,
    sclSlope,
    sclInter,
    extensionFlag: exts.length > 0 ? 1 : 0,
  };
  const out = new Uint8Array(voxOffset + voxels * type.bytes);
  encodeNiftiHeader(header, out);
  writeNiftiExtensions(out, fixed, exts, header.littleEndian);
  encodeVoxels(volume.data, type, out.subarray(voxOffset), header.littleEndian, scaling);
  if (!opts.gzip) return out;
  const gz = await gzipAsync(out, { level: opts.level ?? 6 });
  return new Uint8Array(gz.buffer, gz.byteOffset, gz.byteLength);
}

/** Writes an image to `path`; gzip unless told otherwise when the name ends in .gz. */
export async function writeNifti(path: string, img: NiftiWriteInput, opts: Partial<EncodeNiftiOptions> = {}): Promise<void> {
  try {
    const bytes = await encodeNifti(img, { ...opts, gzip: opts.gzip ?? /\.gz$/i.test(path) });
    await writeFile(path, bytes);
  } catch (err) {
    throw asSentinelError(err, path);
  }
}
