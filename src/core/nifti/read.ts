/**
 * Reading NIfTI files: header first (from the first bytes, inflating only those for .nii.gz), checked before the
 * data is touched, then exactly the data the header describes into one buffer of that validated size.
 */
import { stat } from 'node:fs/promises';
import { asSentinelError, SentinelError } from '../errors';
import type { Grid } from '../volume';
import { openByteSource, type ByteSource } from './byte-source';
import { parseNiftiExtensions } from './extensions';
import { checkVolumeLayout, headerBytes, type VolumeLayout } from './header-check';
import { detectNiftiLayout, NIFTI1_HEADER_BYTES, NIFTI2_HEADER_BYTES, parseNiftiHeader } from './header-parse';
import { niftiGrid } from './geometry';
import { findLabelTable } from './label-table';
import type { NiftiExtension, NiftiHeader, NiftiHeaderInfo, NiftiImage, ReadNiftiOptions } from './types';
import { decodeVoxels } from './voxels';

/** Bytes a gzip stream may hold past the image before we stop checking it (some writers pad the end). */
const TRAILING_SLACK = 1 << 20;
/** A .hdr file of a header/image pair is read whole; anything bigger than this is not a header. */
const MAX_PAIR_HEADER_BYTES = 64 << 20;

interface HeaderPart {
  header: NiftiHeader;
  layout: VolumeLayout;
  /** The file's bytes from 0 that have been read so far. */
  prefix: Uint8Array;
  extensions: NiftiExtension[];
}

/** Reads a whole NIfTI image (.nii, .nii.gz, or a .hdr/.img pair) as a 3D volume. */
export async function readNifti(path: string, opts: ReadNiftiOptions = {}): Promise<NiftiImage> {
  let src: ByteSource | undefined;
  try {
    src = await openByteSource(path, { bulk: true });
    const part = await readHeaderPart(src, path, opts.maxVoxels);
    const { layout } = part;
    const raw = layout.singleFile
      ? await readSingleFileData(src, part, layout, path)
      : await readPairData(path, layout);
    const { header } = part;
    const data = decodeVoxels(raw, layout.type, layout.voxels, header.littleEndian, header.sclSlope, header.sclInter);
    const volume = { grid: niftiGrid(header, layout.dims), data };
    const labelTable = findLabelTable(part.extensions);
    return { file: path, header, volume, extensions: part.extensions, ...(labelTable ? { labelTable } : {}) };
  } catch (err) {
    throw asSentinelError(err, path);
  } finally {
    await src?.close().catch(() => undefined);
  }
}

/**
 * Reads only the header and extensions (inflating no further for .nii.gz): for fast scans of many files.
 * Runs the same checks as readNifti short of the data itself, so a file that fails here would fail there.
 */
export async function readNiftiHeader(path: string, opts: ReadNiftiOptions = {}): Promise<NiftiHeaderInfo> {
  let src: ByteSource | undefined;
  try {
    src = await openByteSource(path, { bulk: false });
    const part = await readHeaderPart(src, path, opts.maxVoxels);
    if (part.layout.singleFile) checkDataFits(src, part.layout, path);
    const grid: Grid = niftiGrid(part.header, part.layout.dims);
    const labelTable = findLabelTable(part.extensions);
    return { header: part.header, grid, extensions: part.extensions, ...(labelTable ? { labelTable } : {}) };
  } catch (err) {
    throw asSentinelError(err, path);
  } finally {
    await src?.close().catch(() => undefined);
  }
}

async function readExactlyOrShort(src: ByteSource, target: Uint8Array): Promise<Uint8Array> {
  const n = await src.readInto(target);
  return target.subarray(0, n);
}

/** The fixed header (348 or 540 bytes, found from sizeof_hdr) and the 4-byte extension flag. */
async function readFixedHeader(src: ByteSource, path: string): Promise<{ header: NiftiHeader; prefix: Uint8Array }> {
  let prefix = await readExactlyOrShort(src, new Uint8Array(NIFTI1_HEADER_BYTES + 4));
  if (detectNiftiLayout(prefix)?.version === 2 && prefix.length === NIFTI1_HEADER_BYTES + 4) {
    prefix = await extend(src, prefix, NIFTI2_HEADER_BYTES + 4);
  }
  return { header: parseNiftiHeader(prefix, path), prefix };
}

/**
 * Header, checked layout, and extensions: in a single file they lie between the header and vox_offset, in a
 * .hdr file they run to its end. The layout is checked first, so a lying header fails before anything else is read.
 */
async function readHeaderPart(src: ByteSource, path: string, maxVoxels?: number): Promise<HeaderPart> {
  const fixed = await readFixedHeader(src, path);
  const { header } = fixed;
  let { prefix } = fixed;
  const layout = checkVolumeLayout(header, path, maxVoxels);
  if (header.extensionFlag === 0) return { header, prefix, layout, extensions: [] };
  let extEnd: number;
  if (layout.singleFile) {
    if (layout.voxOffset > src.maxBytes) throw beyondFile(src, `vox_offset ${layout.voxOffset}`, path);
    extEnd = layout.voxOffset;
  } else {
    extEnd = Math.min(src.maxBytes, MAX_PAIR_HEADER_BYTES);
  }
  if (extEnd > prefix.length) {
    prefix = await extend(src, prefix, extEnd);
    if (layout.singleFile && prefix.length < extEnd) {
      throw new SentinelError('truncated', `the file ends at byte ${prefix.length}, inside the header extensions (vox_offset ${extEnd})`, path);
    }
  }
  const end = Math.max(headerBytes(header), Math.min(extEnd, prefix.length));
  const extensions = parseNiftiExtensions(prefix.subarray(0, end), header, path, layout.singleFile ? 'vox_offset' : 'the end of the header file');
  return { header, prefix, layout, extensions };
}

/**
 * Grows `prefix` towards `size` bytes by reading on, stopping where the source ends. The buffer grows with what
 * actually arrives (doubling), so a vox_offset that lies about the extension area costs no more than the file holds.
 */
async function extend(src: ByteSource, prefix: Uint8Array, size: number): Promise<Uint8Array> {
  let buf = prefix;
  let have = prefix.length;
  while (have < size) {
    const cap = Math.min(size, Math.max(have * 2, 1 << 16));
    const next = new Uint8Array(cap);
    next.set(buf.subarray(0, have));
    const got = await src.readInto(next.subarray(have));
    buf = next;
    have += got;
    if (have < cap) break; // the source ended
  }
  return buf.subarray(0, have);
}

function beyondFile(src: ByteSource, what: string, path: string): SentinelError {
  const why = src.gzip
    ? `a ${src.fileBytes}-byte gzip file cannot inflate to that much`
    : `the file has only ${src.fileBytes} bytes`;
  return new SentinelError('truncated', `the header puts ${what} but ${why}`, path);
}

/** Fails fast, before allocating, when the file cannot hold the data the header claims. */
function checkDataFits(src: ByteSource, layout: VolumeLayout, path: string): void {
  const end = layout.voxOffset + layout.dataBytes;
  if (end > src.maxBytes) throw beyondFile(src, `${layout.dataBytes} bytes of voxel data at offset ${layout.voxOffset}`, path);
}

/** Allocates the data buffer (an ArrayBuffer of its own, so typed views are aligned). */
function allocData(bytes: number): Uint8Array {
  return new Uint8Array(Buffer.allocUnsafeSlow(bytes).buffer, 0, bytes);
}

async function readSingleFileData(src: ByteSource, part: HeaderPart, layout: VolumeLayout, path: string): Promise<Uint8Array> {
  checkDataFits(src, layout, path);
  const data = allocData(layout.dataBytes);
  let filled = 0;
  const { prefix } = part;
  if (prefix.length > layout.voxOffset) {
    const fromPrefix = prefix.subarray(layout.voxOffset, layout.voxOffset + layout.dataBytes);
    data.set(fromPrefix);
    filled = fromPrefix.length;
  } else {
    const gap = layout.voxOffset - prefix.length;
    if ((await src.skip(gap)) < gap) throw shortData(layout, 0, path);
  }
  filled += await src.readInto(data.subarray(filled));
  if (filled < layout.dataBytes) throw shortData(layout, filled, path);
  await src.finish(TRAILING_SLACK);
  return data;
}

function shortData(layout: VolumeLayout, got: number, path: string): SentinelError {
  return new SentinelError(
    'truncated',
    `the data is shorter than the header says: ${layout.dims.join('x')} ${layout.type.name} needs ${layout.dataBytes} bytes from offset ${layout.voxOffset}, the file has ${got}`,
    path,
  );
}

/** The image file beside a .hdr (.img or .img.gz, either compressed or not). */
async function pairImagePath(path: string): Promise<string> {
  const base = path.replace(/\.hdr(\.gz)?$/i, '');
  if (base === path) throw new SentinelError('unsupported', 'a header-only NIfTI (ni1/ni2) must be a .hdr file beside its .img', path);
  for (const candidate of [`${base}.img`, `${base}.img.gz`, `${base}.IMG`]) {
    if (await stat(candidate).then((s) => s.isFile(), () => false)) return candidate;
  }
  throw new SentinelError('not_found', `the image file ${base}.img for this header is missing`, path);
}

async function readPairData(path: string, layout: VolumeLayout): Promise<Uint8Array> {
  const imgPath = await pairImagePath(path);
  let src: ByteSource | undefined;
  try {
    src = await openByteSource(imgPath, { bulk: true });
    checkDataFits(src, layout, imgPath);
    if ((await src.skip(layout.voxOffset)) < layout.voxOffset) throw shortData(layout, 0, imgPath);
    const data = allocData(layout.dataBytes);
    const got = await src.readInto(data);
    if (got < layout.dataBytes) throw shortData(layout, got, imgPath);
    await src.finish(TRAILING_SLACK);
    return data;
  } catch (err) {
    throw asSentinelError(err, imgPath);
  } finally {
    await src?.close().catch(() => undefined);
  }
}
