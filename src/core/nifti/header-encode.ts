/** Writes a NiftiHeader as the fixed NIfTI-1 (348-byte) or NIfTI-2 (540-byte) header plus the 4-byte extension flag. */
import { NIFTI1_HEADER_BYTES, NIFTI2_HEADER_BYTES } from './header-parse';
import type { NiftiHeader } from './types';

/** Writes a string as Latin-1 bytes (how the parser reads it back), NUL-padded, cut to leave a final NUL. */
function putString(out: Uint8Array, offset: number, length: number, s: string): void {
  out.fill(0, offset, offset + length);
  const n = Math.min(s.length, length - 1);
  for (let i = 0; i < n; i++) out[offset + i] = s.charCodeAt(i) & 0xff;
}

/** Encodes `h` (version and byte order as it says) into `out` from byte 0; returns the bytes written. */
export function encodeNiftiHeader(h: NiftiHeader, out: Uint8Array): number {
  return h.version === 1 ? encodeV1(h, out) : encodeV2(h, out);
}

function encodeV1(h: NiftiHeader, out: Uint8Array): number {
  const le = h.littleEndian;
  const dv = new DataView(out.buffer, out.byteOffset, NIFTI1_HEADER_BYTES + 4);
  out.fill(0, 0, NIFTI1_HEADER_BYTES + 4);
  const i16 = (o: number, v: number): void => dv.setInt16(o, v, le);
  const f32 = (o: number, v: number): void => dv.setFloat32(o, v, le);
  dv.setInt32(0, NIFTI1_HEADER_BYTES, le);
  out[38] = 0x72; // 'r' (ANALYZE's "regular"), as other writers set it
  out[39] = h.dimInfo & 0xff;
  for (let i = 0; i < 8; i++) {
    i16(40 + 2 * i, h.dim[i] ?? 0);
    f32(76 + 4 * i, h.pixdim[i] ?? 0);
  }
  f32(56, h.intentP1);
  f32(60, h.intentP2);
  f32(64, h.intentP3);
  i16(68, h.intentCode);
  i16(70, h.datatype);
  i16(72, h.bitpix);
  i16(74, h.sliceStart);
  f32(108, h.voxOffset);
  f32(112, h.sclSlope);
  f32(116, h.sclInter);
  i16(120, h.sliceEnd);
  out[122] = h.sliceCode & 0xff;
  out[123] = h.xyztUnits & 0xff;
  f32(124, h.calMax);
  f32(128, h.calMin);
  f32(132, h.sliceDuration);
  f32(136, h.toffset);
  putString(out, 148, 80, h.descrip);
  putString(out, 228, 24, h.auxFile);
  i16(252, h.qformCode);
  i16(254, h.sformCode);
  f32(256, h.quaternB);
  f32(260, h.quaternC);
  f32(264, h.quaternD);
  f32(268, h.qoffsetX);
  f32(272, h.qoffsetY);
  f32(276, h.qoffsetZ);
  for (let i = 0; i < 4; i++) {
    f32(280 + 4 * i, h.srowX[i]);
    f32(296 + 4 * i, h.srowY[i]);
    f32(312 + 4 * i, h.srowZ[i]);
  }
  putString(out, 328, 16, h.intentName);
  putString(out, 344, 4, h.magic === 'ni1' ? 'ni1' : 'n+1');
  out[NIFTI1_HEADER_BYTES] = h.extensionFlag ? 1 : 0;
  return NIFTI1_HEADER_BYTES + 4;
}

function encodeV2(h: NiftiHeader, out: Uint8Array): number {
  const le = h.littleEndian;
  const dv = new DataView(out.buffer, out.byteOffset, NIFTI2_HEADER_BYTES + 4);
  out.fill(0, 0, NIFTI2_HEADER_BYTES + 4);
  const f64 = (o: number, v: number): void => dv.setFloat64(o, v, le);
  const i32 = (o: number, v: number): void => dv.setInt32(o, v, le);
  const i64 = (o: number, v: number): void => dv.setBigInt64(o, BigInt(Math.trunc(v)), le);
  dv.setInt32(0, NIFTI2_HEADER_BYTES, le);
  // The magic's tail (\0 \r \n \x1a \n) lets readers spot a file mangled by text-mode transfers.
  out.set([0x6e, h.magic === 'ni2' ? 0x69 : 0x2b, 0x32, 0, 0x0d, 0x0a, 0x1a, 0x0a], 4);
  dv.setInt16(12, h.datatype, le);
  dv.setInt16(14, h.bitpix, le);
  for (let i = 0; i < 8; i++) {
    i64(16 + 8 * i, h.dim[i] ?? 0);
    f64(104 + 8 * i, h.pixdim[i] ?? 0);
  }
  f64(80, h.intentP1);
  f64(88, h.intentP2);
  f64(96, h.intentP3);
  i64(168, h.voxOffset);
  f64(176, h.sclSlope);
  f64(184, h.sclInter);
  f64(192, h.calMax);
  f64(200, h.calMin);
  f64(208, h.sliceDuration);
  f64(216, h.toffset);
  i64(224, h.sliceStart);
  i64(232, h.sliceEnd);
  putString(out, 240, 80, h.descrip);
  putString(out, 320, 24, h.auxFile);
  i32(344, h.qformCode);
  i32(348, h.sformCode);
  f64(352, h.quaternB);
  f64(360, h.quaternC);
  f64(368, h.quaternD);
  f64(376, h.qoffsetX);
  f64(384, h.qoffsetY);
  f64(392, h.qoffsetZ);
  for (let i = 0; i < 4; i++) {
    f64(400 + 8 * i, h.srowX[i]);
    f64(432 + 8 * i, h.srowY[i]);
    f64(464 + 8 * i, h.srowZ[i]);
  }
  i32(496, h.sliceCode);
  i32(500, h.xyztUnits);
  i32(504, h.intentCode);
  putString(out, 508, 16, h.intentName);
  out[524] = h.dimInfo & 0xff;
  out[NIFTI2_HEADER_BYTES] = h.extensionFlag ? 1 : 0;
  return NIFTI2_HEADER_BYTES + 4;
}
