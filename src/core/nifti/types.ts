/**
 * The NIfTI types the rest of the engine sees. Field names follow the NIfTI-1/2 standards (camelCased), so a
 * reader of the standard finds every field where it expects it.
 */
import type { Grid, Volume } from '../volume';

/** Every field of a NIfTI-1 or NIfTI-2 header that the engine reads or writes back. */
export interface NiftiHeader {
  /** 1 for the 348-byte NIfTI-1 header, 2 for the 540-byte NIfTI-2 header. */
  version: 1 | 2;
  /** Byte order of the file (found from sizeof_hdr). */
  littleEndian: boolean;
  /** 'n+1' / 'n+2' (header and data in one file) or 'ni1' / 'ni2' (header in .hdr, data in .img). */
  magic: 'n+1' | 'ni1' | 'n+2' | 'ni2';
  /** dim[0] = number of dimensions, dim[1..7] = size along each (8 numbers). */
  dim: number[];
  intentP1: number;
  intentP2: number;
  intentP3: number;
  intentCode: number;
  intentName: string;
  /** NIfTI datatype code (2 uint8, 4 int16, 8 int32, 16 float32, 64 float64, 256 int8, 512 uint16, 768 uint32, ...). */
  datatype: number;
  bitpix: number;
  sliceStart: number;
  /** pixdim[0] = qfac (±1), pixdim[1..3] = voxel size, pixdim[4] = time step (8 numbers). */
  pixdim: number[];
  /** Byte offset of the voxel data in the file. */
  voxOffset: number;
  sclSlope: number;
  sclInter: number;
  sliceEnd: number;
  sliceCode: number;
  dimInfo: number;
  xyztUnits: number;
  calMax: number;
  calMin: number;
  sliceDuration: number;
  toffset: number;
  descrip: string;
  auxFile: string;
  qformCode: number;
  sformCode: number;
  quaternB: number;
  quaternC: number;
  quaternD: number;
  qoffsetX: number;
  qoffsetY: number;
  qoffsetZ: number;
  /** Rows of the sform affine (4 numbers each). */
  srowX: number[];
  srowY: number[];
  srowZ: number[];
  /** extension[0] of the 4 bytes after the header: non-zero when extensions follow. */
  extensionFlag: number;
}

/** One header extension: its code and its payload (esize - 8 bytes, padding included, as stored). */
export interface NiftiExtension {
  ecode: number;
  data: Uint8Array;
}

export interface LabelInfo {
  name: string;
  /** Colour as 0–255 integers (the file stores 0–1 floats). */
  rgb?: [number, number, number];
}

/** Label value → name (and colour), from a label-table extension. */
export type LabelTable = Map<number, LabelInfo>;

export interface NiftiImage {
  file: string;
  header: NiftiHeader;
  volume: Volume;
  extensions: NiftiExtension[];
  labelTable?: LabelTable;
}

export interface NiftiHeaderInfo {
  header: NiftiHeader;
  grid: Grid;
  extensions: NiftiExtension[];
  labelTable?: LabelTable;
}

export interface ReadNiftiOptions {
  /** Largest voxel count accepted; default 2^31 bytes' worth of the file's datatype. */
  maxVoxels?: number;
}
