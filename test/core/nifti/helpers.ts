/** Paths and small numeric helpers shared by the NIfTI tests. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Volume, VoxelArray } from '../../../src/core/volume';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(here, '../../..');
export const SHARED_DATA = resolve(REPO, '../shared/data');
export const HAVE_SHARED = existsSync(SHARED_DATA);
export const FIXTURES = resolve(REPO, 'test/fixtures/nifti');

export interface ReferenceEntry {
  file: string;
  shape: number[];
  stored_dtype: string;
  array_dtype: string;
  /** nibabel applies scl_slope/scl_inter to this file. */
  scaled: boolean;
  byteorder_big: boolean;
  version: 1 | 2;
  vox_offset: number;
  sform_code: number;
  qform_code: number;
  zooms: number[];
  affine: number[];
  axcodes: string;
  io_orientation: number[][];
  canonical_shape: number[];
  canonical_affine: number[];
  sum: number;
  sum_sq: number;
  min: number;
  max: number;
  canonical_weighted: number;
  canonical_probes: [number[], number][];
  extensions: [number, number][];
  values_present?: number[] | null;
  label_table?: { ecode: number; labels: Record<string, { name: string; rgb: number[] }> };
}

export interface Reference {
  files: ReferenceEntry[];
  orientation_cases: { affine: number[]; io_orientation: number[][] }[];
}

export const REFERENCE: Reference = JSON.parse(readFileSync(resolve(FIXTURES, 'reference.json'), 'utf8')) as Reference;

/** Absolute path of a reference entry ("shared:..." or "fixture:..."). */
export function referencePath(name: string): string {
  const [kind, rel] = name.split(/:(.*)/s, 2);
  return kind === 'shared' ? resolve(SHARED_DATA, rel) : resolve(FIXTURES, rel);
}

/** The same order-sensitive checksum as tools/golden/nifti_reference.py: Σ v · (idx mod 1009 + 1). */
export function weightedChecksum(data: VoxelArray): number {
  let s = 0;
  for (let i = 0; i < data.length; i++) s += data[i] * ((i % 1009) + 1);
  return s;
}

export function sums(data: VoxelArray): { sum: number; sumSq: number; min: number; max: number } {
  let sum = 0;
  let sumSq = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    sum += v;
    sumSq += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { sum, sumSq, min, max };
}

export function at(v: Volume, i: number, j: number, k: number): number {
  const [nx, ny] = v.grid.dims;
  return v.data[i + j * nx + k * nx * ny];
}

/** Relative closeness for float sums (exact integers compare exactly through this too). */
export function expectClose(actual: number, expected: number, rel = 1e-9, abs = 1e-9): boolean {
  return Math.abs(actual - expected) <= Math.max(abs, rel * Math.abs(expected));
}
