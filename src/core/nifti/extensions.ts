/** Header extensions: the (esize, ecode, data) records between the fixed header and the voxel data. */
import { SentinelError } from '../errors';
import { headerBytes } from './header-check';
import type { NiftiExtension, NiftiHeader } from './types';

/**
 * Parses the extensions in `prefix` (the file's bytes from 0 up to where extensions must end: vox_offset in a
 * single-file image, the end of a .hdr file). Extension payloads are copied, so `prefix` may be reused.
 */
export function parseNiftiExtensions(prefix: Uint8Array, header: NiftiHeader, file: string, endName = 'vox_offset'): NiftiExtension[] {
  const out: NiftiExtension[] = [];
  if (header.extensionFlag === 0) return out;
  const end = prefix.length;
  const dv = new DataView(prefix.buffer, prefix.byteOffset, prefix.length);
  let at = headerBytes(header);
  while (at + 8 <= end) {
    const esize = dv.getInt32(at, header.littleEndian);
    const ecode = dv.getInt32(at + 4, header.littleEndian);
    if (esize === 0) break; // zero padding after the last extension
    if (esize < 8) throw new SentinelError('corrupt', `header extension at byte ${at} has an invalid size ${esize}`, file);
    if (at + esize > end) {
      throw new SentinelError(
        'corrupt',
        `header extension at byte ${at} claims ${esize} bytes, running past ${endName} (${end})`,
        file,
      );
    }
    out.push({ ecode, data: prefix.slice(at + 8, at + esize) });
    at += esize;
  }
  return out;
}

/** Bytes the extensions take when written (each padded to a multiple of 16, as the standard asks). */
export function extensionsByteLength(exts: readonly NiftiExtension[]): number {
  let n = 0;
  for (const e of exts) n += paddedSize(e);
  return n;
}

function paddedSize(e: NiftiExtension): number {
  return Math.ceil((8 + e.data.length) / 16) * 16;
}

/** Writes the extensions into `out` at `offset`; returns the offset after them. */
export function writeNiftiExtensions(out: Uint8Array, offset: number, exts: readonly NiftiExtension[], littleEndian: boolean): number {
  const dv = new DataView(out.buffer, out.byteOffset, out.length);
  let at = offset;
  for (const e of exts) {
    const size = paddedSize(e);
    dv.setInt32(at, size, littleEndian);
    dv.setInt32(at + 4, e.ecode, littleEndian);
    out.set(e.data, at + 8);
    out.fill(0, at + 8 + e.data.length, at + size);
    at += size;
  }
  return at;
}
