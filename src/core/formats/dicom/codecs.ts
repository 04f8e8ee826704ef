/**
 * Decoders for compressed pixel data, loaded only when a compressed frame appears: OpenJPEG (WebAssembly, read
 * from node_modules, never fetched) for JPEG 2000, jpeg-lossless-decoder-js for JPEG lossless (process 14), and
 * RLE Lossless, which is simple enough to decode here. Each returns the frame's samples as little-endian bytes.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { SentinelError } from '../../errors';
import type { Codec } from './transfer-syntax';

// Not named `require`: the Electron main bundle (ESM) already declares one, and a second declaration does not parse.
const requireCjs = createRequire(import.meta.url);

export interface FrameShape {
  rows: number;
  cols: number;
  bitsAllocated: number;
}

interface J2KDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getDecodedBuffer(): Uint8Array;
  getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned: boolean };
  delete?(): void;
}
interface OpenJpegModule {
  J2KDecoder: new () => J2KDecoder;
}
type OpenJpegFactory = (opts: { wasmBinary: Uint8Array; print: (s: string) => void; printErr: (s: string) => void }) => Promise<OpenJpegModule>;

let openJpeg: Promise<OpenJpegModule> | undefined;

function loadOpenJpeg(): Promise<OpenJpegModule> {
  openJpeg ??= (async () => {
    const factory = requireCjs('@cornerstonejs/codec-openjpeg/decodewasmjs') as OpenJpegFactory;
    const wasmBinary = new Uint8Array(await readFile(requireCjs.resolve('@cornerstonejs/codec-openjpeg/decodewasm')));
    // OpenJPEG reports progress on stdout; the engine keeps it quiet.
    return factory({ wasmBinary, print: () => undefined, printErr: () => undefined });
  })();
  openJpeg.catch(() => (openJpeg = undefined));
  return openJpeg;
}

interface LosslessDecoder {
  decompress(buffer: ArrayBuffer, offset?: number, length?: number): ArrayBuffer;
}
let lossless: (new () => LosslessDecoder) | undefined;

function bytesPerSample(shape: FrameShape): number {
  return shape.bitsAllocated <= 8 ? 1 : shape.bitsAllocated <= 16 ? 2 : 4;
}

function checkLength(out: Uint8Array, shape: FrameShape, codec: string, path: string): Uint8Array {
  const need = shape.rows * shape.cols * bytesPerSample(shape);
  if (out.length < need) throw new SentinelError('corrupt', `the ${codec} frame decodes to ${out.length} bytes; ${shape.cols}x${shape.rows} needs ${need}`, path);
  return out.subarray(0, need);
}

async function decodeJ2K(data: Uint8Array, shape: FrameShape, path: string): Promise<Uint8Array> {
  const mod = await loadOpenJpeg();
  const dec = new mod.J2KDecoder();
  try {
    dec.getEncodedBuffer(data.length).set(data);
    try {
      dec.decode();
    } catch (err) {
      throw new SentinelError('corrupt', `JPEG 2000 decoding failed: ${err instanceof Error ? err.message : String(err)}`, path);
    }
    const info = dec.getFrameInfo();
    if (info.width !== shape.cols || info.height !== shape.rows || info.componentCount !== 1) {
      throw new SentinelError('corrupt', `the JPEG 2000 frame is ${info.width}x${info.height}x${info.componentCount}; the header says ${shape.cols}x${shape.rows}x1`, path);
    }
    // The decoded buffer lives in WebAssembly memory: copy it out before the decoder goes.
    return checkLength(dec.getDecodedBuffer().slice(), shape, 'JPEG 2000', path);
  } finally {
    dec.delete?.();
  }
}

function decodeJpegLossless(data: Uint8Array, shape: FrameShape, path: string): Uint8Array {
  lossless ??= (requireCjs('jpeg-lossless-decoder-js') as { Decoder: new () => LosslessDecoder }).Decoder;
  let out: ArrayBuffer;
  try {
    const copy = data.slice().buffer;
    out = new lossless().decompress(copy, 0, copy.byteLength);
  } catch (err) {
    throw new SentinelError('corrupt', `JPEG lossless decoding failed: ${err instanceof Error ? err.message : String(err)}`, path);
  }
  return checkLength(new Uint8Array(out), shape, 'JPEG lossless', path);
}

/** RLE Lossless (PS3.5 annex G): a 64-byte header of segment offsets, one PackBits segment per byte plane, MSB first. */
export function decodeRle(data: Uint8Array, shape: FrameShape, path: string): Uint8Array {
  const bps = bytesPerSample(shape);
  const pixels = shape.rows * shape.cols;
  if (data.length < 64) throw new SentinelError('corrupt', 'the RLE frame is shorter than its header', path);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const segments = view.getUint32(0, true);
  if (segments !== bps) throw new SentinelError('corrupt', `the RLE frame has ${segments} segments; ${shape.bitsAllocated}-bit samples need ${bps}`, path);
  const out = new Uint8Array(pixels * bps);
  for (let s = 0; s < segments; s++) {
    const start = view.getUint32(4 + 4 * s, true);
    const end = s + 1 < segments ? view.getUint32(8 + 4 * s, true) : data.length;
    if (start < 64 || end > data.length || end < start) throw new SentinelError('corrupt', 'an RLE segment offset lies outside the frame', path);
    // Segment s holds byte (bps - 1 - s) of each little-endian sample.
    const byteIndex = bps - 1 - s;
    let p = start;
    let o = 0;
    while (p < end && o < pixels) {
      const n = (data[p++] << 24) >> 24;
      if (n >= 0) {
        for (let i = 0; i <= n && p < end && o < pixels; i++) out[o++ * bps + byteIndex] = data[p++];
      } else if (n !== -128) {
        const v = data[p++];
        for (let i = 0; i < 1 - n && o < pixels; i++) out[o++ * bps + byteIndex] = v;
      }
    }
    if (o < pixels) throw new SentinelError('corrupt', `an RLE segment decodes to ${o} of ${pixels} samples`, path);
  }
  return out;
}

export async function decodeFrame(codec: Codec, data: Uint8Array, shape: FrameShape, path: string): Promise<Uint8Array> {
  switch (codec) {
    case 'j2k':
      return decodeJ2K(data, shape, path);
    case 'jpeg-lossless':
      return decodeJpegLossless(data, shape, path);
    case 'rle':
      return decodeRle(data, shape, path);
  }
}
