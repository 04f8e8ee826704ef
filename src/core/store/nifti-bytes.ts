/**
 * A single-file NIfTI held as its bytes: inflated whole (bounded by the size its header implies), its header
 * parsed and checked by core/nifti, and its voxel data reachable as stored values. Saving edits these bytes in
 * place, so the header, extensions, datatype, byte order and anything after the data stay exactly as they were.
 */
import { constants as bufferConstants } from 'node:buffer';
import { promisify } from 'node:util';
import { gunzip as gunzipCb, gzip as gzipCb, type ZlibOptions } from 'node:zlib';
import { SentinelError } from '../errors';
import { checkVolumeLayout, niftiGrid, parseNiftiHeader, type NiftiHeader } from '../nifti';
import type { VolumeLayout } from '../nifti/header-check';
import { activeScaling, swapBytes } from '../nifti/voxels';
import type { Grid, VoxelArray } from '../volume';

const gunzipAsync = promisify<Uint8Array, ZlibOptions, Buffer>(gunzipCb);
const gzipAsync = promisify<Uint8Array, ZlibOptions, Buffer>(gzipCb);
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Deflate cannot expand data more than 1032:1. */
const DEFLATE_MAX_RATIO = 1032;

export interface NiftiBytes {
  file: string;
  gzip: boolean;
  /** The whole uncompressed file. */
  raw: Uint8Array;
  header: NiftiHeader;
  layout: VolumeLayout;
  /** Geometry in the file's voxel order. */
  grid: Grid;
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export async function unpackNifti(bytes: Uint8Array, file: string): Promise<NiftiBytes> {
  const gzip = isGzip(bytes);
  // An uncompressed file is copied: edits go into `raw`, and the caller's bytes are the version in place, which a
  // save archives into the history after editing (an edit in place once archived the new voxels as the old).
  let raw: Uint8Array = gzip ? bytes : bytes.slice();
  if (gzip) {
    try {
      const out = await gunzipAsync(bytes, { maxOutputLength: Math.min(bytes.length * DEFLATE_MAX_RATIO, bufferConstants.MAX_LENGTH) });
      raw = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    } catch (err) {
      throw new SentinelError('corrupt', `the gzip stream is damaged (${(err as Error).message})`, file, { cause: err });
    }
  }
  const header = parseNiftiHeader(raw, file);
  const layout = checkVolumeLayout(header, file);
  if (!layout.singleFile) {
    throw new SentinelError('unsupported', 'saving into a .hdr/.img pair is not supported; convert it to .nii.gz', file);
  }
  if (raw.length < layout.voxOffset + layout.dataBytes) {
    throw new SentinelError('truncated', `the data is shorter than the header says (${raw.length} bytes)`, file);
  }
  return { file, gzip, raw, header, layout, grid: niftiGrid(header, layout.dims) };
}

/** The file's bytes again, compressed when it was. */
export async function packNifti(n: NiftiBytes): Promise<Uint8Array> {
  if (!n.gzip) return n.raw;
  const out = await gzipAsync(n.raw, { level: 6 });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * The stored voxels as an aligned array in host byte order (a copy): edit it, then `commit` puts it back into
 * `raw` in the file's byte order. Values are as stored; `scaled`/`toStored` apply the header's scl_slope/scl_inter.
 */
export interface VoxelEditor {
  data: VoxelArray;
  scaled(stored: number): number;
  /** The stored value whose scaled value is `value`; throws when the datatype and scaling cannot hold it. */
  toStored(value: number): number;
  commit(): void;
}

export function editVoxels(n: NiftiBytes): VoxelEditor {
  const { layout, header, raw, file } = n;
  const { type, voxOffset, dataBytes, voxels } = layout;
  const copy = raw.slice(voxOffset, voxOffset + dataBytes);
  const swap = type.bytes > 1 && header.littleEndian !== HOST_LITTLE_ENDIAN;
  if (swap) swapBytes(copy, type.bytes);
  const data = type.view(copy.buffer as ArrayBuffer, 0, voxels);
  const scaling = activeScaling(header.sclSlope, header.sclInter);
  const scaled = scaling ? (v: number): number => v * scaling.slope + scaling.inter : (v: number): number => v;
  return {
    data,
    scaled,
    toStored(value) {
      let stored = scaling ? (value - scaling.inter) / scaling.slope : value;
      if (type.integer) stored = Math.round(stored);
      const ok = type.integer ? stored >= type.min && stored <= type.max : true;
      if (!ok || Math.abs(scaled(stored) - value) > 1e-6 * Math.max(1, Math.abs(value))) {
        throw new SentinelError('unsupported', `the value ${value} cannot be stored as ${type.name}${scaling ? ' with this scl_slope/scl_inter' : ''}`, file);
      }
      return stored;
    },
    commit() {
      const out = new Uint8Array(copy.buffer, 0, dataBytes).slice();
      if (swap) swapBytes(out, type.bytes);
      raw.set(out, voxOffset);
    },
  };
}
