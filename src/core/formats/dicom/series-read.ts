/**
 * The voxels of a CT series: each slice decoded (natively or by its codec) and rescaled (slope, intercept) into
 * one volume. The stored type is the smallest that holds every value: Int16 for usual CT (the range the headers
 * allow decides before anything is read), Int32 when the range is wider, Float32 for a non-integer rescale.
 */
import { SentinelError } from '../../errors';
import type { Volume, VoxelArray } from '../../volume';
import { mapLimit } from '../files';
import { frameValues, pixelFormat } from './pixels';
import { readDicomFile } from './read-file';
import type { SeriesGeometry } from './series-geometry';
import type { SliceHeader } from './series';

type OutKind = 'int16' | 'int32' | 'float32';

/** The range of values the header allows (Bits Stored, sign) after its rescale. */
function rescaledRange(s: SliceHeader): [number, number] {
  const bits = s.bitsStored ?? s.bitsAllocated ?? 16;
  const lo = s.signed ? -(2 ** (bits - 1)) : 0;
  const hi = s.signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  const a = lo * s.slope + s.intercept;
  const b = hi * s.slope + s.intercept;
  return [Math.min(a, b), Math.max(a, b)];
}

function outputKind(slices: SliceHeader[]): OutKind {
  if (!slices.every((s) => Number.isInteger(s.slope) && Number.isInteger(s.intercept))) return 'float32';
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of slices) {
    const [a, b] = rescaledRange(s);
    lo = Math.min(lo, a);
    hi = Math.max(hi, b);
  }
  if (lo >= -32768 && hi <= 32767) return 'int16';
  if (lo >= -(2 ** 31) && hi <= 2 ** 31 - 1) return 'int32';
  return 'float32';
}

const BYTES: Record<OutKind, number> = { int16: 2, int32: 4, float32: 4 };

export async function readSeriesVolume(geom: SeriesGeometry, maxVoxels?: number): Promise<{ volume: Volume; warnings: string[] }> {
  const { grid, slices } = geom;
  const [nx, ny, nz] = grid.dims;
  const plane = nx * ny;
  const kind = outputKind(slices);
  const limit = maxVoxels ?? Math.floor(2 ** 31 / BYTES[kind]);
  if (!(plane * nz <= limit)) {
    throw new SentinelError('too_large', `${nx}x${ny}x${nz} voxels exceed the limit of ${limit}`, slices[0].path);
  }
  const out: VoxelArray = kind === 'int16' ? new Int16Array(plane * nz) : kind === 'int32' ? new Int32Array(plane * nz) : new Float32Array(plane * nz);
  const warnings: string[] = [];
  let lossy = 0;
  await mapLimit(slices, 4, async (s, k) => {
    const file = await readDicomFile(s.path);
    if (file.syntax.lossy) lossy++;
    const f = pixelFormat(file.ds, s.path);
    if (f.rows !== ny || f.cols !== nx || f.frames !== 1) {
      throw new SentinelError('corrupt', `the slice is ${f.cols}x${f.rows}x${f.frames}; the series is ${nx}x${ny}`, s.path);
    }
    const values = await frameValues(file, f, 0);
    const base = k * plane;
    const { slope, intercept } = s;
    if (slope === 1 && intercept === 0) {
      out.set(values, base);
    } else {
      for (let p = 0; p < plane; p++) out[base + p] = values[p] * slope + intercept;
    }
  });
  if (lossy > 0) warnings.push(`${lossy} slice${lossy === 1 ? ' is' : 's are'} lossy-compressed (JPEG 2000)`);
  return { volume: { grid, data: kind === 'int32' ? narrowToInt16(out as Int32Array) : out }, warnings };
}

/**
 * Signed 16-bit CT with an intercept of −1024 could in principle exceed Int16, so it is read as Int32; when the
 * values actually fit (they nearly always do), the volume is kept as Int16, the type the engine's CT path expects.
 */
function narrowToInt16(a: Int32Array): VoxelArray {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (v < lo) lo = v;
    else if (v > hi) hi = v;
  }
  if (lo < -32768 || hi > 32767) return a;
  const out = new Int16Array(a.length);
  out.set(a);
  return out;
}
