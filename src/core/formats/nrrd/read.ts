/**
 * Reading NRRD files: attached (.nrrd) or detached (.nhdr beside its data file), raw, gzip or ascii. The header is
 * read and checked first; the data is then read (or inflated) into one buffer of exactly the size it describes.
 */
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { realpath } from 'node:fs/promises';
import { asSentinelError, SentinelError } from '../../errors';
import type { VoxelArray } from '../../volume';
import { fileSize, inflateExactly, readRange } from '../files';
import { findHeaderEnd, isNrrdMagic, nrrdLayout, parseNrrdHeader, TYPE_BYTES, type NrrdHeader, type NrrdLayout, type NrrdTypeName } from './header';

/** A header larger than this is not a header. */
const MAX_HEADER_BYTES = 16 << 20;

export interface NrrdHeaderInfo {
  header: NrrdHeader;
  layout: NrrdLayout;
}

export interface NrrdData extends NrrdHeaderInfo {
  /** All values in file order (the list axis, if any, included). */
  values: VoxelArray;
}

/** Reads and checks the header alone: the data's size is checked against the file too, so a short file fails here. */
export async function readNrrdHeader(path: string, maxVoxels?: number): Promise<NrrdHeaderInfo> {
  try {
    const size = await fileSize(path);
    let want = Math.min(size, 1 << 16);
    for (;;) {
      const head = await readRange(path, 0, want);
      if (!isNrrdMagic(head)) throw new SentinelError('corrupt', 'not an NRRD file (no NRRD000x magic)', path);
      const end = findHeaderEnd(head);
      if (end !== null || want >= size) {
        // A detached header may end at the end of its file without a blank line.
        const stop = end ?? head.length;
        const text = new TextDecoder('latin1').decode(head.subarray(0, stop));
        const header = parseNrrdHeader(text, stop, path);
        if (end === null && header.dataFile === undefined) {
          throw new SentinelError('truncated', 'the header never ends (no blank line) and names no data file', path);
        }
        const layout = nrrdLayout(header, path, maxVoxels);
        await checkDataFits(path, header, layout, size);
        return { header, layout };
      }
      if (want >= MAX_HEADER_BYTES) throw new SentinelError('corrupt', `no end of header in the first ${MAX_HEADER_BYTES} bytes`, path);
      want = Math.min(size, want * 4, MAX_HEADER_BYTES);
    }
  } catch (err) {
    throw asSentinelError(err, path);
  }
}

/** Reads header and data. */
export async function readNrrd(path: string, maxVoxels?: number): Promise<NrrdData> {
  const info = await readNrrdHeader(path, maxVoxels);
  const { header, layout } = info;
  const source = await dataSource(path, header);
  try {
    const bytes = await readPayload(source, header, layout);
    const values = header.encoding === 'ascii'
      ? parseAscii(bytes, header.type, layout.voxels * layout.layers, source.path)
      : decodeBinary(bytes, header.type, header.littleEndian);
    return { ...info, values };
  } catch (err) {
    throw asSentinelError(err, source.path);
  }
}

interface DataSource {
  path: string;
  /** Where the data (before line/byte skips) starts in that file. */
  offset: number;
  size: number;
}

/**
 * The file holding the data. A detached data file must lie in the header's folder or below it: a header cannot
 * send the reader elsewhere on the disk.
 */
async function dataSource(path: string, h: NrrdHeader): Promise<DataSource> {
  if (h.dataFile === undefined) return { path, offset: h.dataOffset, size: await fileSize(path) };
  const name = h.dataFile;
  if (/^LIST\b/.test(name) || /%\d*d/.test(name) || /\s\d+\s+\d+/.test(name)) {
    throw new SentinelError('unsupported', `data split over several files ("data file: ${name}") is not supported`, path);
  }
  const dir = dirname(path);
  const target = resolve(dir, name);
  const realDir = await realpath(dir);
  let realTarget: string;
  try {
    realTarget = await realpath(target);
  } catch {
    throw new SentinelError('not_found', `the data file "${name}" named by the header is missing`, path);
  }
  const rel = relative(realDir, realTarget);
  if (isAbsolute(name) || rel.startsWith('..') || isAbsolute(rel)) {
    throw new SentinelError('unsupported', `the data file "${name}" lies outside the header's folder`, path);
  }
  return { path: target, offset: 0, size: await fileSize(target) };
}

async function checkDataFits(path: string, h: NrrdHeader, layout: NrrdLayout, headerFileSize: number): Promise<void> {
  const src = h.dataFile === undefined ? { path, offset: h.dataOffset, size: headerFileSize } : await dataSource(path, h);
  const available = src.size - src.offset;
  if (h.encoding === 'raw' && h.lineSkip === 0 && available < layout.dataBytes + Math.max(0, h.byteSkip)) {
    throw new SentinelError('truncated', `the data needs ${layout.dataBytes} bytes but the file holds ${Math.max(0, available)} after the header`, src.path);
  }
  if (h.encoding === 'gzip' && available * 1032 < layout.dataBytes) {
    throw new SentinelError('truncated', `${available} compressed bytes cannot hold the ${layout.dataBytes} bytes the header describes`, src.path);
  }
}

/** Skips `n` lines from `offset`, returning the offset after them. */
function skipLines(bytes: Uint8Array, offset: number, n: number, path: string): number {
  let at = offset;
  for (let i = 0; i < n; i++) {
    const nl = bytes.indexOf(0x0a, at);
    if (nl < 0) throw new SentinelError('truncated', `the file ends within the ${n} lines the header skips`, path);
    at = nl + 1;
  }
  return at;
}

async function readPayload(src: DataSource, h: NrrdHeader, layout: NrrdLayout): Promise<Uint8Array> {
  const need = layout.dataBytes;
  if (h.encoding === 'raw' && h.lineSkip === 0) {
    const start = h.byteSkip === -1 ? src.size - need : src.offset + h.byteSkip;
    if (start < src.offset || start + need > src.size) {
      throw new SentinelError('truncated', `the data needs ${need} bytes from offset ${start}; the file has ${src.size}`, src.path);
    }
    return readRange(src.path, start, need);
  }
  // Compressed, text, or skipping lines: the rest of the file is read (bounded by its size), then cut.
  let bytes = await readRange(src.path, src.offset, src.size - src.offset);
  if (h.lineSkip > 0) bytes = bytes.subarray(skipLines(bytes, 0, h.lineSkip, src.path));
  if (h.encoding === 'gzip') {
    if (h.byteSkip === -1) throw new SentinelError('corrupt', '"byte skip: -1" cannot be used with gzip data', src.path);
    // teem applies the byte skip to the inflated data.
    const out = await inflateExactly(bytes, need + h.byteSkip, src.path);
    return out.subarray(h.byteSkip, h.byteSkip + need);
  }
  if (h.encoding === 'raw') {
    const start = h.byteSkip === -1 ? bytes.length - need : h.byteSkip;
    if (start < 0 || start + need > bytes.length) throw new SentinelError('truncated', `the data needs ${need} bytes; the file has ${bytes.length - Math.max(0, start)}`, src.path);
    return bytes.subarray(start, start + need);
  }
  return bytes.subarray(Math.max(0, h.byteSkip));
}

const CTORS: Record<NrrdTypeName, new (n: number) => VoxelArray> = {
  int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array,
  int32: Int32Array, uint32: Uint32Array, float32: Float32Array, float64: Float64Array,
};

/** An aligned, native-order copy of the data (byte-swapped when the file is big-endian). */
export function decodeBinary(bytes: Uint8Array, type: NrrdTypeName, littleEndian: boolean): VoxelArray {
  const size = TYPE_BYTES[type];
  const out = new CTORS[type](bytes.length / size);
  const dst = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  dst.set(bytes);
  if (!littleEndian && size > 1) {
    for (let i = 0; i < dst.length; i += size) {
      for (let a = i, b = i + size - 1; a < b; a++, b--) {
        const t = dst[a];
        dst[a] = dst[b];
        dst[b] = t;
      }
    }
  }
  return out;
}

function parseAscii(bytes: Uint8Array, type: NrrdTypeName, count: number, path: string): VoxelArray {
  const out = new CTORS[type](count);
  const text = new TextDecoder('latin1').decode(bytes);
  const re = /[^\s,]+/g;
  let i = 0;
  for (let m = re.exec(text); m && i < count; m = re.exec(text)) {
    const v = Number(m[0]);
    if (Number.isNaN(v) && !/^nan$/i.test(m[0])) throw new SentinelError('corrupt', `"${m[0].slice(0, 20)}" in the ascii data is not a number`, path);
    out[i++] = v;
  }
  if (i < count) throw new SentinelError('truncated', `the ascii data holds ${i} values; the header describes ${count}`, path);
  return out;
}
