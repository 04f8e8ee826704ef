/**
 * Bounded file access for the format readers: every read knows its size limit before it allocates, and every
 * inflation is capped by the size the header promised.
 */
import { open, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { unzip as unzipCb, type ZlibOptions } from 'node:zlib';
import { SentinelError } from '../errors';

const unzipAsync = promisify<Uint8Array, ZlibOptions, Buffer>(unzipCb);

/** Deflate cannot expand data more than 1032:1. */
export const DEFLATE_MAX_RATIO = 1032;

/** Size of a regular file; a folder or anything else is an error naming it. */
export async function fileSize(path: string): Promise<number> {
  const s = await stat(path);
  if (!s.isFile()) throw new SentinelError('invalid_argument', 'not a regular file', path);
  return s.size;
}

/** Reads `length` bytes from `offset` (fewer when the file ends first). */
export async function readRange(path: string, offset: number, length: number): Promise<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    const out = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await fh.read(out, filled, Math.min(length - filled, 1 << 30), offset + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return filled === length ? out : out.subarray(0, filled);
  } finally {
    await fh.close();
  }
}

/** Reads a whole file after checking it is no bigger than `maxBytes`. */
export async function readWhole(path: string, maxBytes: number, what = 'file'): Promise<Uint8Array> {
  const size = await fileSize(path);
  if (size > maxBytes) {
    throw new SentinelError('too_large', `the ${what} is ${size} bytes; the limit is ${maxBytes}`, path);
  }
  if (size === 0) throw new SentinelError('truncated', 'file is empty (0 bytes)', path);
  return readRange(path, 0, size);
}

/**
 * Inflates gzip or zlib data to exactly `expected` bytes: more output than expected (plus a little slack some
 * writers leave) stops the inflation, less is a truncated file.
 */
export async function inflateExactly(data: Uint8Array, expected: number, path: string): Promise<Uint8Array> {
  if (data.length * DEFLATE_MAX_RATIO < expected) {
    throw new SentinelError('truncated', `${data.length} compressed bytes cannot inflate to the ${expected} bytes the header describes`, path);
  }
  let out: Buffer;
  try {
    out = await unzipAsync(data, { maxOutputLength: Math.max(1, expected + (1 << 16)) });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_BUFFER_TOO_LARGE' || /maxOutputLength|Cannot create a Buffer larger/i.test(e.message ?? '')) {
      throw new SentinelError('corrupt', `the compressed data inflates to more than the ${expected} bytes the header describes`, path, { cause: err });
    }
    if (e.code === 'Z_BUF_ERROR') throw new SentinelError('truncated', 'the compressed data ends early', path, { cause: err });
    throw new SentinelError('corrupt', `the compressed data is damaged (${e.message})`, path, { cause: err });
  }
  if (out.length < expected) {
    throw new SentinelError('truncated', `the data inflates to ${out.length} bytes; the header describes ${expected}`, path);
  }
  return new Uint8Array(out.buffer, out.byteOffset, expected);
}

/** Runs `fn` over `items` with at most `limit` in flight, keeping the order of the results. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
