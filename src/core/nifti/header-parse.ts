/**
 * Decodes the fixed NIfTI-1 (348-byte) and NIfTI-2 (540-byte) headers in either byte order.
 * Only decoding happens here; whether the header describes a readable volume is checked in header-check.ts.
 */
import { SentinelError } from '../errors';
import type { NiftiHeader } from './types';

export const NIFTI1_HEADER_BYTES = 348;
export const NIFTI2_HEADER_BYTES = 540;

/** Reads C strings stored in fixed fields: up to the first NUL, as Latin-1 so any byte decodes. */
function cString(bytes: Uint8Array, offset: number, length: number): string {
  let end = offset;
  const stop = offset + length;
  while (end < stop && bytes[end] !== 0) end++;
  let s = '';
  for (let i = offset; i < end; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

/** Version and byte order from sizeof_hdr, which must read 348 or 540 in one of the two byte orders. */
export function detectNiftiLayout(bytes: Uint8Array): { version: 1 | 2; littleEndian: boolean } | undefined {
  if (bytes.length < 4) return undefined;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, 4);
  for (const littleEndian of [true, false]) {
    const size = dv.getInt32(0, littleEndian);
    if (size === NIFTI1_HEADER_BYTES) return { version: 1, littleEndian };
    if (size === NIFTI2_HEADER_BYTES) return { version: 2, littleEndian };
  }
  return undefined;
}

/**
 * Parses the header at the start of `bytes` (the extension flag too when the 4 bytes after the header are present).
 * Throws SentinelError 'corrupt' for anything that is not a NIfTI-1/2 header and 'truncated' when too short.
 */
export function parseNiftiHeader(bytes: Uint8Array, file: string): NiftiHeader {
  if (bytes.length === 0) throw new SentinelError('truncated', 'file is empty (0 bytes)', file);
  if (bytes.length < 4) throw new SentinelError('truncated', `file has only ${bytes.length} bytes, too short for a NIfTI header`, file);
  const layout = detectNiftiLayout(bytes);
  if (!layout) {
    throw new SentinelError('corrupt', 'not a NIfTI file (sizeof_hdr is neither 348 nor 540)', file);
  }
  const size = layout.version === 1 ? NIFTI1_HEADER_BYTES : NIFTI2_HEADER_BYTES;
  if (bytes.length < size) {
    throw new SentinelError('truncated', `file has ${bytes.length} bytes, shorter than the ${size}-byte NIfTI-${layout.version} header`, file);
  }
  return layout.version === 1 ? parseV1(bytes, layout.littleEndian, file) : parseV2(bytes, layout.littleEndian, file);
}

function parseV1(bytes: Uint8Array, le: boolean, file: string): NiftiHeader {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const magicRaw = cString(bytes, 344, 4);
  if (magicRaw !== 'n+1' && magicRaw !== 'ni1') {
    throw new SentinelError('corrupt', `not a NIfTI file (magic ${JSON.stringify(magicRaw)} where "n+1" or "ni1" belongs)`, file);
  }
  const i16 = (o: number): number => dv.getInt16(o, le);
  const f32 = (o: number): number => dv.getFloat32(o, le);
  const dim: number[] = [];
  const pixdim: number[] = [];
  for (let i = 0; i < 8; i++) {
    dim.push(i16(40 + 2 * i));
    pixdim.push(f32(76 + 4 * i));
  }
  const row = (o: number): number[] => [f32(o), f32(o + 4), f32(o + 8), f32(o + 12)];
  return {
    version: 1,
    littleEndian: le,
    magic: magicRaw,
    dim,
    intentP1: f32(56),
    intentP2: f32(60),
    intentP3: f32(64),
    intentCode: i16(68),
    datatype: i16(70),
    bitpix: i16(72),
    sliceStart: i16(74),
    pixdim,
    voxOffset: f32(108),
    sclSlope: f32(112),
    sclInter: f32(116),
    sliceEnd: i16(120),
    sliceCode: bytes[122],
    xyztUnits: bytes[123],
    dimInfo: bytes[39],
    calMax: f32(124),
    calMin: f32(128),
    sliceDuration: f32(132),
    toffset: f32(136),
    descrip: cString(bytes, 148, 80),
    auxFile: cString(bytes, 228, 24),
    qformCode: i16(252),
    sformCode: i16(254),
    quaternB: f32(256),
    quaternC: f32(260),
    quaternD: f32(264),
    qoffsetX: f32(268),
    qoffsetY: f32(272),
    qoffsetZ: f32(276),
    srowX: row(280),
    srowY: row(296),
    srowZ: row(312),
    intentName: cString(bytes, 328, 16),
    extensionFlag: bytes.length > NIFTI1_HEADER_BYTES ? bytes[NIFTI1_HEADER_BYTES] : 0,
  };
}

function parseV2(bytes: Uint8Array, le: boolean, file: string): NiftiHeader {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const magicRaw = cString(bytes, 4, 8);
  // The 4 bytes after the 3-character magic are \0 \r \n \x1a \n in a well-formed file; only the text is required.
  if (magicRaw !== 'n+2' && magicRaw !== 'ni2') {
    throw new SentinelError('corrupt', `not a NIfTI file (magic ${JSON.stringify(magicRaw)} where "n+2" or "ni2" belongs)`, file);
  }
  const f64 = (o: number): number => dv.getFloat64(o, le);
  const i32 = (o: number): number => dv.getInt32(o, le);
  const i64 = (o: number, what: string): number => {
    const v = dv.getBigInt64(o, le);
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new SentinelError('corrupt', `${what} ${v} is out of range`, file);
    }
    return Number(v);
  };
  const dim: number[] = [];
  const pixdim: number[] = [];
  for (let i = 0; i < 8; i++) {
    dim.push(i64(16 + 8 * i, `dim[${i}]`));
    pixdim.push(f64(104 + 8 * i));
  }
  const row = (o: number): number[] => [f64(o), f64(o + 8), f64(o + 16), f64(o + 24)];
  return {
    version: 2,
    littleEndian: le,
    magic: magicRaw,
    datatype: dv.getInt16(12, le),
    bitpix: dv.getInt16(14, le),
    dim,
    intentP1: f64(80),
    intentP2: f64(88),
    intentP3: f64(96),
    pixdim,
    voxOffset: i64(168, 'vox_offset'),
    sclSlope: f64(176),
    sclInter: f64(184),
    calMax: f64(192),
    calMin: f64(200),
    sliceDuration: f64(208),
    toffset: f64(216),
    sliceStart: i64(224, 'slice_start'),
    sliceEnd: i64(232, 'slice_end'),
    descrip: cString(bytes, 240, 80),
    auxFile: cString(bytes, 320, 24),
    qformCode: i32(344),
    sformCode: i32(348),
    quaternB: f64(352),
    quaternC: f64(360),
    quaternD: f64(368),
    qoffsetX: f64(376),
    qoffsetY: f64(384),
    qoffsetZ: f64(392),
    srowX: row(400),
    srowY: row(432),
    srowZ: row(464),
    sliceCode: i32(496),
    xyztUnits: i32(500),
    intentCode: i32(504),
    intentName: cString(bytes, 508, 16),
    dimInfo: bytes[524],
    extensionFlag: bytes.length > NIFTI2_HEADER_BYTES ? bytes[NIFTI2_HEADER_BYTES] : 0,
  };
}
