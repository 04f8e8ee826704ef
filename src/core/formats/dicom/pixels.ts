/**
 * Pixel data of one frame as stored values: native data is cut from the file (checked against its length), and
 * encapsulated data is decoded by the codec its transfer syntax names. Values come out with the sign and bit
 * depth the header gives (Bits Stored, Pixel Representation), before any rescale.
 */
import { SentinelError } from '../../errors';
import { decodeFrame } from './codecs';
import { dicomParser, num, str, TAG, us, type DataSet } from './lib';
import type { DicomFile } from './read-file';

export interface PixelFormat {
  rows: number;
  cols: number;
  frames: number;
  bitsAllocated: number;
  bitsStored: number;
  signed: boolean;
  samplesPerPixel: number;
  photometric: string;
}

/** Reads and checks the Image Pixel attributes. */
export function pixelFormat(ds: DataSet, path: string): PixelFormat {
  const rows = us(ds, TAG.rows);
  const cols = us(ds, TAG.columns);
  const bitsAllocated = us(ds, TAG.bitsAllocated);
  if (!rows || !cols) throw new SentinelError('corrupt', 'Rows or Columns is missing or 0', path);
  if (bitsAllocated === undefined || ![1, 8, 16, 32].includes(bitsAllocated)) {
    throw new SentinelError('unsupported', `Bits Allocated ${bitsAllocated ?? 'missing'} (1, 8, 16 and 32 are read)`, path);
  }
  const bitsStored = us(ds, TAG.bitsStored) ?? bitsAllocated;
  if (bitsStored < 1 || bitsStored > bitsAllocated) throw new SentinelError('corrupt', `Bits Stored ${bitsStored} with Bits Allocated ${bitsAllocated}`, path);
  const samplesPerPixel = us(ds, TAG.samplesPerPixel) ?? 1;
  const photometric = str(ds, TAG.photometric) ?? 'MONOCHROME2';
  if (samplesPerPixel !== 1 || !/^MONOCHROME[12]$/.test(photometric)) {
    throw new SentinelError('unsupported', `a ${photometric} image with ${samplesPerPixel} samples per pixel is not a CT or mask (MONOCHROME, 1 sample)`, path);
  }
  const frames = Math.round(num(ds, TAG.numberOfFrames) ?? 1);
  if (!(frames >= 1)) throw new SentinelError('corrupt', `Number of Frames is ${frames}`, path);
  return { rows, cols, frames, bitsAllocated, bitsStored, signed: us(ds, TAG.pixelRepresentation) === 1, samplesPerPixel, photometric };
}

/** Bytes of native pixel data the format needs (bit-packed frames run on without padding). */
export function nativeBytes(f: PixelFormat): number {
  return Math.ceil((f.rows * f.cols * f.frames * f.bitsAllocated) / 8);
}

/** The native pixel data, checked to be long enough. */
export function nativePixelData(file: DicomFile, f: PixelFormat): Uint8Array {
  const el = file.ds.elements[TAG.pixelData];
  if (!el) throw new SentinelError('corrupt', 'the file has no Pixel Data (7FE0,0010)', file.path);
  const need = nativeBytes(f);
  const bytes = file.ds.byteArray;
  const available = Math.min(el.length, bytes.length - el.dataOffset);
  if (available < need) {
    throw new SentinelError('truncated', `the pixel data holds ${available} bytes; ${f.cols}x${f.rows}x${f.frames} at ${f.bitsAllocated} bits needs ${need}`, file.path);
  }
  return bytes.subarray(el.dataOffset, el.dataOffset + need);
}

/** The compressed bytes of one frame of encapsulated pixel data. */
function encapsulatedFrame(file: DicomFile, f: PixelFormat, frame: number): Uint8Array {
  const { ds } = file;
  const el = ds.elements[TAG.pixelData];
  if (!el || !el.encapsulatedPixelData || !el.fragments) throw new SentinelError('corrupt', 'compressed pixel data without fragments', file.path);
  const fragments = el.fragments;
  if (fragments.length === 0) throw new SentinelError('corrupt', 'the compressed pixel data holds no fragments', file.path);
  const lastEnd = fragments[fragments.length - 1].position + fragments[fragments.length - 1].length;
  if (lastEnd > ds.byteArray.length) throw new SentinelError('truncated', 'the compressed pixel data runs past the end of the file', file.path);
  if (f.frames === 1) return dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, 0, fragments.length);
  if (el.basicOffsetTable && el.basicOffsetTable.length === f.frames) return dicomParser.readEncapsulatedImageFrame(ds, el, frame);
  if (fragments.length === f.frames) return dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, frame, 1);
  throw new SentinelError('unsupported', `${f.frames} compressed frames in ${fragments.length} fragments without an offset table`, file.path);
}

/**
 * The stored values of one frame (8, 16 or 32 bits allocated), sign and Bits Stored applied, as an Int32Array
 * (Float64Array for unsigned 32-bit data that does not fit).
 */
export async function frameValues(file: DicomFile, f: PixelFormat, frame: number): Promise<Int32Array | Float64Array> {
  if (f.bitsAllocated === 1) throw new SentinelError('invalid_argument', 'bit-packed frames are read with frameBits', file.path);
  const n = f.rows * f.cols;
  const bps = f.bitsAllocated / 8;
  let raw: Uint8Array;
  if (file.syntax.codec) {
    raw = await decodeFrame(file.syntax.codec, encapsulatedFrame(file, f, frame), f, file.path);
  } else {
    const all = nativePixelData(file, f);
    raw = all.subarray(frame * n * bps, (frame + 1) * n * bps);
  }
  const aligned = raw.byteOffset % bps === 0 ? raw : raw.slice();
  const words = bps === 1 ? aligned : bps === 2 ? new Uint16Array(aligned.buffer, aligned.byteOffset, n) : new Uint32Array(aligned.buffer, aligned.byteOffset, n);
  const wide = f.bitsAllocated === 32 && !f.signed;
  const out = wide ? new Float64Array(n) : new Int32Array(n);
  const bits = f.bitsStored;
  const mask = bits >= 32 ? 0xffffffff : 2 ** bits - 1;
  const signBit = 2 ** (bits - 1);
  for (let i = 0; i < n; i++) {
    let v = bits >= 32 ? words[i] : words[i] % (mask + 1);
    if (f.signed && v >= signBit) v -= 2 ** bits;
    out[i] = v;
  }
  return out;
}
