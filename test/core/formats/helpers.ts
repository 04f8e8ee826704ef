/** Paths, the golden reference (tools/golden/formats_fixtures.py) and small helpers for the format tests. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toCanonical } from '../../../src/core/nifti';
import type { Volume, VoxelArray } from '../../../src/core/volume';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(here, '../../..');
export const FIXTURES = resolve(REPO, 'test/fixtures/formats');
export const SHARED_CT = resolve(REPO, '../shared/data/ct/dcmqi/ct-3slice');
export const HAVE_SHARED_CT = existsSync(SHARED_CT);

export interface SeriesRef {
  folder: string;
  dims: number[];
  spacing?: number[];
  affine: number[];
  slice_files?: string[];
  integer?: boolean;
  sum?: number;
  min?: number;
  max?: number;
  checksum: number;
  probes?: [number[], number][];
}

export interface MaskRef {
  file: string;
  dims: number[];
  affine: number[];
  values: Record<string, number>;
  checksum: number;
}

export interface Reference {
  series: Record<string, SeriesRef>;
  masks: Record<string, MaskRef>;
  ct_grid: { dims: number[]; affine: number[] };
  labels_on_ct: Record<string, { count: number; checksum?: number }>;
  resampled_half_on_ct: { count: number; checksum: number };
  fractional: { file: string; max: number; count: number; checksum: number };
  seg_overlap: { file: string; frames: number };
  dcmqi_seg: { frames: number; segments: string[]; cielab: number[][] };
  multi_series: { a: string; b: string };
  transfer_syntax: Record<string, string>;
}

export const REF: Reference = JSON.parse(readFileSync(resolve(FIXTURES, 'reference.json'), 'utf8')) as Reference;

export function fixture(rel: string): string {
  return resolve(FIXTURES, rel);
}

/** "shared:..." or "fixture:..." as in reference.json. */
export function refPath(name: string): string {
  const [kind, rel] = name.split(/:(.*)/s, 2);
  return kind === 'shared' ? resolve(REPO, '../shared/data', rel) : resolve(FIXTURES, rel);
}

/** Σ v · (idx mod 1009 + 1) over the i-fastest index, as the golden script computes it. */
export function weightedChecksum(data: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < data.length; i++) s += data[i] * ((i % 1009) + 1);
  return s;
}

export function count(data: ArrayLike<number>, pred: (v: number) => boolean = (v) => v !== 0): number {
  let n = 0;
  for (let i = 0; i < data.length; i++) if (pred(data[i])) n++;
  return n;
}

export function valueCounts(data: VoxelArray): Record<string, number> {
  const m = new Map<number, number>();
  for (let i = 0; i < data.length; i++) m.set(data[i], (m.get(data[i]) ?? 0) + 1);
  return Object.fromEntries([...m.entries()].sort((a, b) => a[0] - b[0]).map(([k, v]) => [String(k), v]));
}

export function maxAbsDiff(a: readonly number[], b: readonly number[]): number {
  return Math.max(...a.map((x, i) => Math.abs(x - b[i])));
}

/** 0/1 of `value`, or of any non-zero value when none is given. */
export function binary(data: ArrayLike<number>, value?: number): Uint8Array {
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = value === undefined ? (data[i] !== 0 ? 1 : 0) : data[i] === value ? 1 : 0;
  return out;
}

/** The volume in closest-canonical voxel order, as the engine uses it. */
export function canonical(v: Volume): Volume {
  return toCanonical(v).volume;
}

export function sameVoxels(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
