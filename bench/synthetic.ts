/**
 * A synthetic full-size case for the benchmark: a 512×512×300 int16 CT and 104 per-organ uint8 masks (ellipsoids of
 * many sizes), written once to .bench/ and reused. The voxels are made up; only their sizes and compressibility
 * matter here (a CT-like texture so gzip works about as hard as on real CT).
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeNifti } from '../src/core/nifti';
import type { Volume } from '../src/core/volume';

export const SYNTHETIC_DIMS: [number, number, number] = [512, 512, 300];
export const SYNTHETIC_LABELS = 104;
export const SYNTHETIC_DIR = 'synthetic-v1';

export function syntheticReady(baseDir: string): boolean {
  return existsSync(join(baseDir, SYNTHETIC_DIR, '.complete'));
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const affine = (spacing: [number, number, number]): number[] => [
  spacing[0], 0, 0, -200, 0, spacing[1], 0, -200, 0, 0, spacing[2], -300, 0, 0, 0, 1,
];

/** Creates (once) and returns the dataset folder holding the one synthetic case. */
export async function ensureSyntheticDataset(baseDir: string): Promise<string> {
  const root = join(baseDir, SYNTHETIC_DIR);
  const caseDir = join(root, 'case0001');
  if (syntheticReady(baseDir)) return root;
  await mkdir(join(caseDir, 'segmentations'), { recursive: true });
  const [nx, ny, nz] = SYNTHETIC_DIMS;
  const grid = { dims: SYNTHETIC_DIMS, spacing: [0.8, 0.8, 1.5] as [number, number, number], affine: affine([0.8, 0.8, 1.5]) };
  const rand = rng(42);
  const ct = new Int16Array(nx * ny * nz);
  for (let k = 0, p = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, p++) {
        const body = (i - 256) ** 2 + (j - 256) ** 2 < 230 ** 2;
        ct[p] = body ? 40 + ((i * 7 + j * 3 + k) % 60) + Math.floor(rand() * 20) : -1000 + Math.floor(rand() * 8);
      }
    }
  }
  await writeNifti(join(caseDir, 'ct.nii.gz'), { volume: { grid, data: ct } }, { gzip: true, level: 1 });
  const names: string[] = [];
  for (let n = 0; n < SYNTHETIC_LABELS; n++) names.push(`organ_${String(n).padStart(3, '0')}`);
  const writeMask = async (n: number): Promise<void> => {
    const r = rng(1000 + n);
    const rx = 5 + r() * 70;
    const ry = 5 + r() * 70;
    const rz = 5 + r() * 70;
    const cx = 80 + r() * 352;
    const cy = 80 + r() * 352;
    const cz = 20 + r() * 260;
    const mask = new Uint8Array(nx * ny * nz);
    for (let k = Math.max(0, Math.floor(cz - rz)); k <= Math.min(nz - 1, Math.ceil(cz + rz)); k++) {
      for (let j = Math.max(0, Math.floor(cy - ry)); j <= Math.min(ny - 1, Math.ceil(cy + ry)); j++) {
        for (let i = Math.max(0, Math.floor(cx - rx)); i <= Math.min(nx - 1, Math.ceil(cx + rx)); i++) {
          if (((i - cx) / rx) ** 2 + ((j - cy) / ry) ** 2 + ((k - cz) / rz) ** 2 <= 1) mask[i + j * nx + k * nx * ny] = 1;
        }
      }
    }
    const vol: Volume = { grid, data: mask };
    await writeNifti(join(caseDir, 'segmentations', `${names[n]}.nii.gz`), { volume: vol }, { gzip: true, level: 1 });
  };
  for (let n = 0; n < SYNTHETIC_LABELS; n += 2) await Promise.all([writeMask(n), n + 1 < SYNTHETIC_LABELS ? writeMask(n + 1) : null]);
  await writeFile(join(root, '.complete.tmp'), 'ok');
  await rename(join(root, '.complete.tmp'), join(root, '.complete'));
  return root;
}
