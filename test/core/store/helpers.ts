/** Small NIfTI files written for the store tests, and ways to look into them independently of the store. */
import { readFile } from 'node:fs/promises';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { writeNifti, type NiftiExtension } from '../../../src/core/nifti';
import type { NiftiDatatypeName } from '../../../src/core/nifti';
import type { Grid, VoxelArray } from '../../../src/core/volume';

export const DIMS: [number, number, number] = [6, 5, 4];
export const NVOX = DIMS[0] * DIMS[1] * DIMS[2];
/** Voxel i runs towards the patient's left: the file is LAS, its closest-canonical order flips i. */
export const LAS: Grid = { dims: DIMS, spacing: [2, 1.5, 2.5], affine: [-2, 0, 0, 10, 0, 1.5, 0, -3, 0, 0, 2.5, 7, 0, 0, 0, 1] };
export const RAS: Grid = { dims: DIMS, spacing: [2, 1.5, 2.5], affine: [2, 0, 0, -10, 0, 1.5, 0, -3, 0, 0, 2.5, 7, 0, 0, 0, 1] };

export const idx = (i: number, j: number, k: number): number => i + j * DIMS[0] + k * DIMS[0] * DIMS[1];

/** A deterministic 0/1 pattern. */
export function pattern(seed: number): Uint8Array {
  const out = new Uint8Array(NVOX);
  for (let n = 0; n < NVOX; n++) out[n] = (n * 7 + seed * 13) % 5 < 2 ? 1 : 0;
  return out;
}

/** A canonical-order copy of a file-order LAS volume, computed by hand: canonical i = nx - 1 - file i. */
export function lasToCanonical(fileOrder: Uint8Array): Uint8Array {
  const out = new Uint8Array(NVOX);
  for (let k = 0; k < DIMS[2]; k++)
    for (let j = 0; j < DIMS[1]; j++)
      for (let i = 0; i < DIMS[0]; i++) out[idx(i, j, k)] = fileOrder[idx(DIMS[0] - 1 - i, j, k)];
  return out;
}

export async function writeVolume(
  path: string,
  grid: Grid,
  data: VoxelArray,
  opts: { datatype?: NiftiDatatypeName; littleEndian?: boolean; extensions?: NiftiExtension[]; descrip?: string } = {},
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeNifti(
    path,
    { volume: { grid, data }, extensions: opts.extensions, header: { descrip: opts.descrip ?? 'store test', intentName: 'keep me' } },
    { datatype: opts.datatype, littleEndian: opts.littleEndian },
  );
}

/** The file's uncompressed bytes. */
export async function rawBytes(path: string): Promise<Uint8Array> {
  const b = await readFile(path);
  return new Uint8Array(b[0] === 0x1f && b[1] === 0x8b ? gunzipSync(b) : b);
}

/** vox_offset straight from a NIfTI-1 header (little- or big-endian). */
export function voxOffset(raw: Uint8Array): number {
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const le = dv.getInt32(0, true) === 348;
  return dv.getFloat32(108, le);
}
