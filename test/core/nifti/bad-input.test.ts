/**
 * Lying, damaged and foreign files: each must fail as a SentinelError naming the file, with the right code,
 * quickly, and without allocating what the header claims.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SentinelError, type ErrorCode } from '../../../src/core/errors';
import { encodeNifti, parseNiftiHeader, readNifti, readNiftiHeader } from '../../../src/core/nifti';
import type { Volume } from '../../../src/core/volume';
import { HAVE_SHARED, SHARED_DATA } from './helpers';

const tmp = mkdtempSync(join(tmpdir(), 'nifti-bad-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let valid: Uint8Array; // a 6x5x4 int16 NIfTI-1, little-endian, no extensions
let valid2: Uint8Array; // the same as NIfTI-2

beforeAll(async () => {
  const data = new Int16Array(120).map((_, i) => i * 11 - 300);
  const volume: Volume = { grid: { dims: [6, 5, 4], spacing: [1, 1, 2], affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1] }, data };
  valid = await encodeNifti({ volume }, { gzip: false });
  valid2 = await encodeNifti({ volume }, { gzip: false, version: 2 });
});

function put(name: string, bytes: Uint8Array): string {
  const p = join(tmp, name);
  writeFileSync(p, bytes);
  return p;
}

/** A copy of the valid NIfTI-1 file with header fields patched. */
function patched(edit: (dv: DataView, bytes: Uint8Array) => void, base = valid): Uint8Array {
  const bytes = new Uint8Array(base);
  edit(new DataView(bytes.buffer), bytes);
  return bytes;
}

const setDims = (d: number[]) => (dv: DataView): void => d.forEach((v, i) => dv.setInt16(40 + 2 * i, v, true));

/** Both readers reject the file with `code`, naming it, within `ms`, and the heap does not grow by what was claimed. */
async function expectFailure(path: string, code: ErrorCode, message?: RegExp, opts: { headerToo?: boolean; ms?: number } = {}): Promise<void> {
  const readers: [string, () => Promise<unknown>][] = [['readNifti', () => readNifti(path)]];
  if (opts.headerToo !== false) readers.push(['readNiftiHeader', () => readNiftiHeader(path)]);
  for (const [name, read] of readers) {
    const before = process.memoryUsage().arrayBuffers;
    const t0 = performance.now();
    const err = await read().then(() => undefined, (e: unknown) => e);
    const ms = performance.now() - t0;
    expect(err, `${name} should fail`).toBeInstanceOf(SentinelError);
    const se = err as SentinelError;
    expect(se.code, `${name}: ${se.message}`).toBe(code);
    expect(se.file).toBe(path);
    expect(se.message).toContain(path);
    if (message) expect(se.message).toMatch(message);
    expect(ms, `${name} took ${ms.toFixed(0)} ms`).toBeLessThan(opts.ms ?? 1000);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 << 20);
  }
}

describe('bad input', () => {
  it('sanity: the base files read', async () => {
    expect((await readNifti(put('ok.nii', valid))).volume.grid.dims).toEqual([6, 5, 4]);
    expect((await readNifti(put('ok2.nii.gz', gzipSync(valid2)))).header.version).toBe(2);
  });

  it('empty file → truncated', async () => {
    await expectFailure(put('empty.nii.gz', new Uint8Array(0)), 'truncated', /empty/);
  });

  it('missing file → not_found', async () => {
    await expectFailure(join(tmp, 'nope.nii.gz'), 'not_found');
  });

  it('wrong magic → corrupt "not a NIfTI file"', async () => {
    await expectFailure(put('magic.nii', patched((_, b) => b.set([0x61, 0x62, 0x63, 0], 344))), 'corrupt', /not a NIfTI file/);
    await expectFailure(put('magic2.nii', patched((_, b) => b.set([0x6e, 0x2b, 0x31, 0], 4), valid2)), 'corrupt', /not a NIfTI file/);
    await expectFailure(put('text.nii', new TextEncoder().encode('hello, this is not an image\n'.repeat(30))), 'corrupt', /not a NIfTI file/);
    await expectFailure(put('text.nii.gz', gzipSync(new TextEncoder().encode('x'.repeat(5000)))), 'corrupt', /not a NIfTI file/);
    await expectFailure(put('short.nii', valid.subarray(0, 200)), 'truncated');
  });

  it('truncated gzip → truncated', async () => {
    const gz = gzipSync(valid);
    await expectFailure(put('cut.nii.gz', gz.subarray(0, Math.floor(gz.length * 0.6))), 'truncated', undefined, { headerToo: false });
    await expectFailure(put('cut-header.nii.gz', gz.subarray(0, 12)), 'truncated');
    if (HAVE_SHARED) {
      const real = readFileSync(resolve(SHARED_DATA, 'ct/totalsegmentator/example_seg.nii.gz'));
      await expectFailure(put('seg-cut.nii.gz', real.subarray(0, real.length >> 1)), 'truncated', undefined, { headerToo: false });
      // Only the 8-byte trailer (CRC, size) missing: the data is all there but unchecked; still a damaged file.
      await expectFailure(put('seg-notrailer.nii.gz', real.subarray(0, real.length - 8)), 'truncated', undefined, { headerToo: false });
    }
  });

  it('damaged gzip bytes → corrupt, saying the gzip stream is damaged', async () => {
    const gz = Buffer.from(gzipSync(valid, { level: 1 }));
    const bad = Buffer.from(gz);
    bad[bad.length - 6] ^= 0xff; // CRC mismatch in the trailer
    await expectFailure(put('crc.nii.gz', bad), 'corrupt', /gzip stream is damaged/, { headerToo: false });
    const garbage = Buffer.concat([gz.subarray(0, 10), Buffer.alloc(400, 0xff)]);
    await expectFailure(put('garbage.nii.gz', garbage), 'corrupt', /gzip stream is damaged/);
    if (HAVE_SHARED) {
      const real = Buffer.from(readFileSync(resolve(SHARED_DATA, 'ct/totalsegmentator/example_seg.nii.gz')));
      real.fill(0xa5, 20000, 20400);
      await expectFailure(put('seg-bad.nii.gz', real), 'corrupt', /gzip stream is damaged/, { headerToo: false });
    }
  });

  it('dims × bytes beyond the data → truncated (plain and gzip)', async () => {
    const big = patched(setDims([3, 100, 100, 100, 1, 1, 1, 1]));
    await expectFailure(put('short-data.nii', big), 'truncated', /data|file has only/);
    await expectFailure(put('short-data.nii.gz', gzipSync(big)), 'truncated');
    // The header fits but the data stops short by one voxel.
    await expectFailure(put('one-short.nii', valid.subarray(0, valid.length - 2)), 'truncated', /shorter than the header says|file has only/);
    await expectFailure(put('one-short.nii.gz', gzipSync(valid.subarray(0, valid.length - 2))), 'truncated', /shorter than the header says/, { headerToo: false });
  });

  it('zero, negative and out-of-range dims → corrupt', async () => {
    await expectFailure(put('zero.nii', patched(setDims([3, 6, 0, 4, 1, 1, 1, 1]))), 'corrupt', /dimension 2 has size 0/);
    await expectFailure(put('neg.nii.gz', gzipSync(patched(setDims([3, -6, 5, 4, 1, 1, 1, 1])))), 'corrupt', /dimension 1 has size -6/);
    await expectFailure(put('nd.nii', patched(setDims([9, 6, 5, 4, 1, 1, 1, 1]))), 'corrupt', /dim\[0\]/);
    await expectFailure(put('nd0.nii', patched(setDims([0, 6, 5, 4, 1, 1, 1, 1]))), 'corrupt', /dim\[0\]/);
  });

  it('a header claiming ~100 GB → too_large before anything is allocated; maxVoxels lowers the bar', async () => {
    const huge = patched(setDims([3, 32767, 32767, 50, 1, 1, 1, 1]));
    await expectFailure(put('huge.nii.gz', gzipSync(huge)), 'too_large', /GB/);
    await expectFailure(put('huge.nii', huge), 'too_large');
    const huge2 = patched((dv) => {
      dv.setBigInt64(16 + 8, 100000n, true);
      dv.setBigInt64(16 + 16, 100000n, true);
      dv.setBigInt64(16 + 24, 2500n, true);
    }, valid2);
    await expectFailure(put('huge2.nii.gz', gzipSync(huge2)), 'too_large');
    const p = put('ok-small.nii', valid);
    const err = await readNifti(p, { maxVoxels: 100 }).catch((e: unknown) => e);
    expect((err as SentinelError).code).toBe('too_large');
  });

  it('a header claiming ~700 MB inside the limit, over a tiny gzip, fails fast as truncated', async () => {
    const lying = patched((dv) => {
      setDims([3, 1000, 1000, 700, 1, 1, 1, 1])(dv);
      dv.setInt16(70, 2, true); // uint8
      dv.setInt16(72, 8, true);
    });
    await expectFailure(put('lying.nii.gz', gzipSync(lying)), 'truncated', /cannot inflate/, { ms: 500 });
    // A gzip bomb: 300 MB of zeros behind a header that claims 300 MB is real data, but maxVoxels bounds it.
    const bombHeader = patched((dv) => {
      setDims([3, 1000, 1000, 300, 1, 1, 1, 1])(dv);
      dv.setInt16(70, 2, true);
      dv.setInt16(72, 8, true);
    }).subarray(0, 352);
    const zeros = gzipSync(Buffer.alloc(8 << 20)); // 8 MiB of zeros, ~8 KB compressed
    const bomb = Buffer.concat([gzipSync(bombHeader), ...Array.from({ length: 4 }, () => zeros)]);
    const p = put('bomb.nii.gz', bomb);
    const err = await readNifti(p, { maxVoxels: 10_000_000 }).catch((e: unknown) => e);
    expect((err as SentinelError).code).toBe('too_large');
  });

  it('a stream that inflates far past the image is read up to the image and a bounded tail, not to its end', async () => {
    const tail = gzipSync(Buffer.alloc(64 << 20)); // 64 MiB of zeros after the image, in a second gzip member
    const p = put('tail-bomb.nii.gz', Buffer.concat([gzipSync(valid), tail]));
    const before = process.memoryUsage().arrayBuffers;
    const t0 = performance.now();
    const img = await readNifti(p);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 << 20);
    expect(img.volume.data).toEqual((await readNifti(put('ok4.nii', valid))).volume.data);
  });

  it('unknown or unsupported datatype → unsupported, naming the code', async () => {
    await expectFailure(put('dt.nii', patched((dv) => dv.setInt16(70, 1024, true))), 'unsupported', /datatype 1024 \(int64\)/);
    await expectFailure(put('dt2.nii.gz', gzipSync(patched((dv) => dv.setInt16(70, 9999, true)))), 'unsupported', /datatype 9999/);
    await expectFailure(put('rgb.nii', patched((dv) => dv.setInt16(70, 128, true))), 'unsupported', /datatype 128 \(rgb24\)/);
  });

  it('4D images with more than one volume, and 2D images → unsupported', async () => {
    await expectFailure(put('4d.nii', patched(setDims([4, 6, 5, 2, 2, 1, 1, 1]))), 'unsupported', /4D/);
    await expectFailure(put('2d.nii', patched(setDims([2, 12, 10, 1, 1, 1, 1, 1]))), 'unsupported', /2D/);
  });

  it('an extension whose size runs past vox_offset and the file → corrupt', async () => {
    const withExt = new Uint8Array(valid.length + 32);
    withExt.set(valid.subarray(0, 348));
    withExt.set(valid.subarray(352), 384);
    const dv = new DataView(withExt.buffer);
    dv.setFloat32(108, 384, true); // vox_offset
    withExt[348] = 1; // extension flag
    dv.setInt32(352, 1 << 30, true); // esize: 1 GiB
    dv.setInt32(356, 6, true);
    await expectFailure(put('ext.nii', withExt), 'corrupt', /extension/);
    await expectFailure(put('ext.nii.gz', gzipSync(withExt)), 'corrupt', /extension/);
    dv.setInt32(352, 4, true); // esize below the 8-byte minimum
    await expectFailure(put('ext-small.nii', withExt), 'corrupt', /extension/);
    // A consistent 32-byte extension reads fine.
    dv.setInt32(352, 32, true);
    const ok = await readNifti(put('ext-ok.nii', withExt));
    expect(ok.extensions).toHaveLength(1);
    expect(ok.extensions[0].ecode).toBe(6);
    expect(ok.volume.data).toEqual((await readNifti(put('ok3.nii', valid))).volume.data);
  });

  it('a vox_offset that claims a huge extension area over a real 1 MB gzip fails as truncated without allocating it', async () => {
    const head = patched((dv, b) => {
      dv.setFloat32(108, 9e8, true); // inside what a 1 MB gzip could inflate to (1032:1), far beyond what it holds
      b[348] = 1;
    }).subarray(0, 352);
    const noise = randomBytes(1 << 20); // incompressible, so the file really is 1 MB
    const ext = new Uint8Array(16);
    new DataView(ext.buffer).setInt32(0, 16, true);
    const p = put('lying-ext.nii.gz', gzipSync(Buffer.concat([head, ext, noise])));
    await expectFailure(p, 'truncated', /extensions/);
  });

  it('vox_offset beyond the end of the file → truncated; a vox_offset inside the header → corrupt', async () => {
    await expectFailure(put('vox.nii', patched((dv) => dv.setFloat32(108, 1e9, true))), 'truncated');
    await expectFailure(put('vox.nii.gz', gzipSync(patched((dv) => dv.setFloat32(108, 1e9, true)))), 'truncated');
    await expectFailure(put('vox-in.nii', patched((dv) => dv.setFloat32(108, 100, true))), 'corrupt', /vox_offset/);
    await expectFailure(put('vox-nan.nii', patched((dv) => dv.setFloat32(108, NaN, true))), 'corrupt', /vox_offset/);
  });

  it('parseNiftiHeader on raw bytes throws SentinelErrors naming the given file', () => {
    const err = (() => { try { parseNiftiHeader(new Uint8Array(10), 'x.nii'); } catch (e) { return e; } })();
    expect(err).toBeInstanceOf(SentinelError);
    expect((err as SentinelError).file).toBe('x.nii');
  });
});
