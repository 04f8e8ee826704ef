/**
 * Sequential byte sources over a plain or gzip-compressed file, so the reader can take the header first, check it,
 * and only then read (or inflate) exactly the bytes it needs into one buffer of the validated size.
 * Inflation uses Node's streaming zlib, which runs on libuv's thread pool: several files inflate in parallel.
 */
import { createReadStream, type ReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createGunzip, type Gunzip } from 'node:zlib';
import { SentinelError } from '../errors';

/** Deflate cannot expand data more than 1032:1, which bounds what a compressed file of a given size can hold. */
const DEFLATE_MAX_RATIO = 1032;

export interface ByteSource {
  readonly gzip: boolean;
  /** Size of the file on disk. */
  readonly fileBytes: number;
  /** Most bytes the source could produce: the file size, or the deflate bound for gzip. */
  readonly maxBytes: number;
  /** Fills `target` unless the source ends first; returns the bytes read. */
  readInto(target: Uint8Array): Promise<number>;
  /** Skips up to `n` bytes; returns the bytes skipped. */
  skip(n: number): Promise<number>;
  /** For gzip: inflates the rest (up to `limit` more bytes, then stops) so a damaged tail or CRC is caught. */
  finish(limit: number): Promise<void>;
  close(): Promise<void>;
}

export interface SourceOptions {
  /** Large reads (whole volumes) use larger chunks; header scans use small ones. */
  bulk: boolean;
}

/** Opens `path`, telling gzip from plain by the gzip magic bytes (1f 8b), not by the name. */
export async function openByteSource(path: string, opts: SourceOptions): Promise<ByteSource> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    if (size === 0) throw new SentinelError('truncated', 'file is empty (0 bytes)', path);
    const magic = new Uint8Array(2);
    const { bytesRead } = await fh.read(magic, 0, 2, 0);
    if (bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b) {
      await fh.close();
      return new GzipSource(path, size, opts.bulk);
    }
    return new PlainSource(fh, size);
  } catch (err) {
    await fh.close().catch(() => undefined);
    throw err;
  }
}

class PlainSource implements ByteSource {
  readonly gzip = false;
  private pos = 0;
  constructor(
    private readonly fh: FileHandle,
    readonly fileBytes: number,
  ) {}

  get maxBytes(): number {
    return this.fileBytes;
  }

  async readInto(target: Uint8Array): Promise<number> {
    let filled = 0;
    while (filled < target.length) {
      // fs reads are capped near 2 GiB per call; ask in slices.
      const want = Math.min(target.length - filled, 1 << 30);
      const { bytesRead } = await this.fh.read(target, filled, want, this.pos);
      if (bytesRead === 0) break;
      filled += bytesRead;
      this.pos += bytesRead;
    }
    return filled;
  }

  async skip(n: number): Promise<number> {
    const k = Math.max(0, Math.min(n, this.fileBytes - this.pos));
    this.pos += k;
    return k;
  }

  async finish(): Promise<void> {}

  async close(): Promise<void> {
    await this.fh.close();
  }
}

class GzipSource implements ByteSource {
  readonly gzip = true;
  readonly maxBytes: number;
  private readonly input: ReadStream;
  private readonly gunzip: Gunzip;
  private readonly chunks: AsyncIterator<Buffer>;
  private pending: Buffer | undefined;
  private pendingAt = 0;
  private ended = false;

  constructor(
    private readonly path: string,
    readonly fileBytes: number,
    bulk: boolean,
  ) {
    this.maxBytes = fileBytes * DEFLATE_MAX_RATIO;
    this.input = createReadStream(path, { highWaterMark: bulk ? 1 << 20 : 1 << 14 });
    this.gunzip = createGunzip({ chunkSize: bulk ? 1 << 18 : 1 << 14 });
    this.input.on('error', (err) => this.gunzip.destroy(err));
    this.input.pipe(this.gunzip);
    this.chunks = this.gunzip[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  /** The next inflated chunk, or undefined at the end of the stream. */
  private async nextChunk(): Promise<Buffer | undefined> {
    if (this.pending && this.pendingAt < this.pending.length) return this.pending;
    if (this.ended) return undefined;
    let r: IteratorResult<Buffer>;
    try {
      r = await this.chunks.next();
    } catch (err) {
      throw gzipError(err, this.path);
    }
    if (r.done) {
      this.ended = true;
      this.pending = undefined;
      return undefined;
    }
    this.pending = r.value;
    this.pendingAt = 0;
    return this.pending;
  }

  async readInto(target: Uint8Array): Promise<number> {
    let filled = 0;
    while (filled < target.length) {
      const chunk = await this.nextChunk();
      if (!chunk) break;
      const k = Math.min(chunk.length - this.pendingAt, target.length - filled);
      target.set(chunk.subarray(this.pendingAt, this.pendingAt + k), filled);
      this.pendingAt += k;
      filled += k;
    }
    return filled;
  }

  async skip(n: number): Promise<number> {
    let skipped = 0;
    while (skipped < n) {
      const chunk = await this.nextChunk();
      if (!chunk) break;
      const k = Math.min(chunk.length - this.pendingAt, n - skipped);
      this.pendingAt += k;
      skipped += k;
    }
    return skipped;
  }

  async finish(limit: number): Promise<void> {
    await this.skip(limit);
  }

  async close(): Promise<void> {
    this.input.destroy();
    this.gunzip.destroy();
  }
}

/** zlib's errors as SentinelErrors: a stream that stops early is truncated, anything else is damaged. */
function gzipError(err: unknown, file: string): unknown {
  if (err instanceof SentinelError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e && e.code === 'Z_BUF_ERROR') {
    return new SentinelError('truncated', 'the gzip stream ends early (the file is truncated)', file, { cause: err });
  }
  if (e && typeof e.code === 'string' && e.code.startsWith('Z_')) {
    return new SentinelError('corrupt', `the gzip stream is damaged (${e.message})`, file, { cause: err });
  }
  if (e && typeof e.code === 'string' && !e.code.startsWith('ERR_')) return err; // file-system errors: the caller maps them
  return new SentinelError('corrupt', `the gzip stream is damaged (${e?.message ?? String(err)})`, file, { cause: err });
}
