/**
 * Property tests of the NIfTI reader (fast-check, fixed seed, bounded runs): whatever the bytes — random ones,
 * a valid header with random field values, a valid file with random bytes changed, plain or gzipped — reading
 * either gives a consistent image (as many voxels as its dims say, finite geometry) or fails with a SentinelError
 * naming the file. Never another kind of exception, never a hang, never memory on the scale a header claims.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SentinelError } from '../../src/core/errors';
import { encodeNifti, parseNiftiHeader, readNifti, readNiftiHeader } from '../../src/core/nifti';
import type { Volume } from '../../src/core/volume';

const RUNS = 120;
const SEED = 20250607;
const MiB = 1 << 20;
/** Header claims beyond this many voxels are refused by `maxVoxels` as a running app would; smaller ones are read. */
const MAX_VOXELS = 4_000_000;

const tmp = mkdtempSync(join(tmpdir(), 'nifti-props-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let base: Uint8Array; // a valid 6×5×4 int16 NIfTI-1
let base2: Uint8Array; // the same as NIfTI-2
beforeAll(async () => {
  const volume: Volume = {
    grid: { dims: [6, 5, 4], spacing: [1.5, 1, 2], affine: [1.5, 0, 0, -3, 0, 1, 0, 4, 0, 0, 2, 5, 0, 0, 0, 1] },
    data: new Int16Array(120).map((_, i) => i * 7 - 400),
  };
  base = await encodeNifti({ volume }, { gzip: false });
  base2 = await encodeNifti({ volume }, { gzip: false, version: 2 });
});

let n = 0;
/** Reads `bytes` as a file (plain or gzipped) with both readers and checks the contract; returns what happened. */
async function readsSafely(bytes: Uint8Array, gzip: boolean): Promise<string> {
  const path = join(tmp, `case${n++}${gzip ? '.nii.gz' : '.nii'}`);
  writeFileSync(path, gzip ? gzipSync(bytes, { level: 1 }) : bytes);
  const outcomes: string[] = [];
  for (const read of [() => readNifti(path, { maxVoxels: MAX_VOXELS }), () => readNiftiHeader(path, { maxVoxels: MAX_VOXELS })]) {
    try {
      const img = (await read()) as { volume?: Volume; grid?: Volume['grid'] };
      const grid = img.volume?.grid ?? img.grid!;
      const [x, y, z] = grid.dims;
      expect([x, y, z].every((d) => Number.isInteger(d) && d >= 1)).toBe(true);
      if (img.volume) expect(img.volume.data.length).toBe(x * y * z);
      expect(grid.affine.every(Number.isFinite), `affine ${grid.affine.join(',')}`).toBe(true);
      expect(grid.spacing.every((s) => Number.isFinite(s) && s > 0), `spacing ${grid.spacing.join(',')}`).toBe(true);
      outcomes.push('ok');
    } catch (err) {
      if (!(err instanceof SentinelError)) throw new Error(`${path}: not a SentinelError: ${String(err)}`, { cause: err });
      expect(err.file).toBe(path);
      expect(err.message).toContain(path);
      outcomes.push(err.code);
    }
  }
  rmSync(path);
  return outcomes.join('/');
}

/** Header fields (NIfTI-1 offsets) and values that stress them. */
const int16 = fc.oneof(fc.integer({ min: -5, max: 70 }), fc.integer({ min: -32768, max: 32767 }), fc.constantFrom(0, 1, 7, 255, 32767, -32768));
const float32 = fc.oneof(fc.float({ noDefaultInfinity: false, noNaN: false }), fc.constantFrom(0, -1, 1e-30, 1e30, NaN, Infinity, -Infinity, 352, 348));
const FIELDS: [string, number, 'i16' | 'i32' | 'f32', fc.Arbitrary<number>][] = [
  ['sizeof_hdr', 0, 'i32', fc.oneof(fc.constantFrom(348, 540, 0, -1, 1543569408), fc.integer())],
  ...Array.from({ length: 8 }, (_, i) => [`dim[${i}]`, 40 + 2 * i, 'i16', int16] as [string, number, 'i16', fc.Arbitrary<number>]),
  ['datatype', 70, 'i16', fc.oneof(fc.constantFrom(0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 768, 1024, 1280, 1536, 1792, 2048, 2304), int16)],
  ['bitpix', 72, 'i16', int16],
  ...Array.from({ length: 8 }, (_, i) => [`pixdim[${i}]`, 76 + 4 * i, 'f32', float32] as [string, number, 'f32', fc.Arbitrary<number>]),
  ['vox_offset', 108, 'f32', float32],
  ['scl_slope', 112, 'f32', float32],
  ['scl_inter', 116, 'f32', float32],
  ['qform_code', 252, 'i16', int16],
  ['sform_code', 254, 'i16', int16],
  ...Array.from({ length: 6 }, (_, i) => [`quatern[${i}]`, 256 + 4 * i, 'f32', float32] as [string, number, 'f32', fc.Arbitrary<number>]),
  ...Array.from({ length: 12 }, (_, i) => [`srow[${i}]`, 280 + 4 * i, 'f32', float32] as [string, number, 'f32', fc.Arbitrary<number>]),
  ['extension flag', 348, 'i32', fc.oneof(fc.constant(0), fc.constant(1), fc.integer())],
];

describe('NIfTI reader properties', () => {
  const settings = { numRuns: RUNS, seed: SEED, endOnFailure: true };

  it('random bytes: a SentinelError naming the file, never anything else', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 1200 }), fc.boolean(), async (bytes, gzip) => {
        await readsSafely(bytes, gzip);
        // The in-memory parser keeps the same contract.
        try {
          parseNiftiHeader(bytes, 'mem.nii');
        } catch (err) {
          expect(err).toBeInstanceOf(SentinelError);
          expect((err as SentinelError).file).toBe('mem.nii');
        }
      }),
      settings,
    );
  });

  it('a valid header with random field values: a consistent image or a SentinelError; memory bounded', async () => {
    const before = process.memoryUsage().arrayBuffers;
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: FIELDS.length - 1 }).chain((i) => fc.tuple(fc.constant(i), FIELDS[i][3])), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: -300, max: 300 }),
        fc.boolean(),
        fc.boolean(),
        async (edits, extra, gzip, v2) => {
          // NIfTI-2 has other offsets; its fields are fuzzed by the byte flips below, its size checks here.
          const src = v2 ? base2 : base;
          const len = Math.max(0, src.length + extra);
          const bytes = new Uint8Array(len);
          bytes.set(src.subarray(0, Math.min(len, src.length)));
          const dv = new DataView(bytes.buffer);
          if (!v2) {
            for (const [i, value] of edits) {
              const [, off, kind] = FIELDS[i];
              if (off + 4 > len) continue;
              if (kind === 'i16') dv.setInt16(off, value, true);
              else if (kind === 'i32') dv.setInt32(off, value | 0, true);
              else dv.setFloat32(off, value, true);
            }
          }
          const outcome = await readsSafely(bytes, gzip);
          seen.set(outcome, (seen.get(outcome) ?? 0) + 1);
        },
      ),
      settings,
    );
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(128 * MiB);
    // Both kinds of outcome happened: the generator reaches valid and invalid files.
    expect([...seen.keys()].some((k) => k.startsWith('ok'))).toBe(true);
    expect([...seen.keys()].some((k) => !k.startsWith('ok'))).toBe(true);
  });

  it('a valid file with random bytes changed: a consistent image or a SentinelError', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 12 }),
        fc.boolean(),
        fc.boolean(),
        async (flips, gzip, v2) => {
          const bytes = new Uint8Array(v2 ? base2 : base);
          // Mostly in the header, where a change means most.
          for (const [at, value] of flips) bytes[at % 3 === 0 ? at % bytes.length : at % (v2 ? 544 : 352)] = value;
          await readsSafely(bytes, gzip);
        },
      ),
      settings,
    );
  });
});
