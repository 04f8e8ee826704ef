/**
 * Identifiers in NIfTI headers. Converters put what they know into free-text fields: `descrip` (often the
 * series or the patient), `aux_file`, `intent_name`, NIfTI-1's unused ANALYZE fields `data_type` and `db_name`,
 * and header extensions (a whole DICOM header, an AFNI or XML attribute block). An export drops all of them
 * unless the user asks to keep identifiers; voxels, datatype, byte order, scaling and geometry stay as they were.
 */
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gzip as gzipCb, type ZlibOptions } from 'node:zlib';
import { asSentinelError, SentinelError } from '../errors';
import { encodeNifti, readNifti, type NiftiHeader } from '../nifti';
import { encodeNiftiHeader } from '../nifti/header-encode';
import { headerBytes } from '../nifti/header-check';
import { isGzip, unpackNifti } from '../store/nifti-bytes';

const gzipAsync = promisify<Uint8Array, ZlibOptions, Buffer>(gzipCb);

/** NIfTI-1 byte ranges of the ANALYZE 7.5 text fields nothing reads any more. */
const LEGACY_TEXT_FIELDS: [string, number, number][] = [
  ['data_type', 4, 14],
  ['db_name', 14, 32],
];

/** The header fields of `raw` (a file's first bytes, uncompressed) that hold anything, by their NIfTI names. */
export function identifierFields(raw: Uint8Array, header: NiftiHeader): string[] {
  const found: string[] = [];
  if (header.descrip.trim()) found.push('descrip');
  if (header.auxFile.trim()) found.push('aux_file');
  if (header.intentName.trim()) found.push('intent_name');
  if (header.version === 1) {
    for (const [name, from, to] of LEGACY_TEXT_FIELDS) {
      if (raw.subarray(from, to).some((b) => b !== 0 && b !== 0x20)) found.push(name);
    }
  }
  if (header.extensionFlag !== 0) found.push('extensions');
  return found;
}

/** The header with the free-text fields emptied and no extensions. */
export function withoutIdentifiers(h: NiftiHeader): NiftiHeader {
  return { ...h, descrip: '', auxFile: '', intentName: '', extensionFlag: 0 };
}

/**
 * The image at `path` as the bytes of a .nii.gz file: without identifier fields unless `keepIdentifiers`. A single
 * file keeps its voxel bytes exactly (only the header is rewritten); a .hdr/.img pair is read and written anew.
 */
export async function niftiGzBytes(path: string, keepIdentifiers: boolean): Promise<Uint8Array> {
  try {
    const bytes = new Uint8Array(await readFile(path));
    let raw: Uint8Array;
    if (/\.hdr(\.gz)?$/i.test(path)) {
      const img = await readNifti(path);
      const header = keepIdentifiers ? img.header : withoutIdentifiers(img.header);
      return await encodeNifti({ header, volume: img.volume, extensions: keepIdentifiers ? img.extensions : [] }, { gzip: true });
    }
    const n = await unpackNifti(bytes, path);
    if (keepIdentifiers) {
      if (isGzip(bytes)) return bytes;
      raw = n.raw;
    } else {
      const header = withoutIdentifiers(n.header);
      const fixed = headerBytes(header);
      raw = new Uint8Array(fixed + n.layout.dataBytes);
      encodeNiftiHeader({ ...header, voxOffset: fixed }, raw);
      raw.set(n.raw.subarray(n.layout.voxOffset, n.layout.voxOffset + n.layout.dataBytes), fixed);
    }
    const gz = await gzipAsync(raw, { level: 6 });
    return new Uint8Array(gz.buffer, gz.byteOffset, gz.byteLength);
  } catch (err) {
    if (err instanceof SentinelError) throw err;
    throw asSentinelError(err, path);
  }
}
