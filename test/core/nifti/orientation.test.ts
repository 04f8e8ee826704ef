/** Lossless reorientation: world positions kept, inverses exact, LAS and RAS copies of a grid compare equal. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  closestCanonical,
  inverseOrientation,
  isIdentityOrientation,
  readNifti,
  reorient,
  reorientGrid,
  sameGrid,
  toCanonical,
  writeNifti,
} from '../../../src/core/nifti';
import type { Grid, Orientation, Vec3, Volume } from '../../../src/core/volume';
import { at, HAVE_SHARED, SHARED_DATA } from './helpers';

const tmp = mkdtempSync(join(tmpdir(), 'nifti-or-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function allOrientations(): Orientation[] {
  const perms: Vec3[] = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
  const out: Orientation[] = [];
  for (const perm of perms) for (let f = 0; f < 8; f++) out.push({ perm, flip: [!!(f & 1), !!(f & 2), !!(f & 4)] });
  return out;
}

function world(affine: number[], v: number[]): number[] {
  return [0, 1, 2].map((r) => affine[r * 4] * v[0] + affine[r * 4 + 1] * v[1] + affine[r * 4 + 2] * v[2] + affine[r * 4 + 3]);
}

function testVolume(): Volume {
  const dims: Vec3 = [5, 4, 3];
  const data = new Int16Array(60);
  for (let i = 0; i < 60; i++) data[i] = i * 3 - 50;
  const affine = [0, 0, -2.5, 40, -0.8, 0, 0, 30, 0, 1.2, 0, -20, 0, 0, 0, 1];
  return { grid: { dims, spacing: [0.8, 1.2, 2.5], affine }, data };
}

describe('reorient', () => {
  it('keeps each voxel at its world position for all 48 permutations and flips, and inverts exactly', () => {
    const v = testVolume();
    for (const o of allOrientations()) {
      const r = reorient(v, o);
      const [nx, ny, nz] = r.grid.dims;
      expect(r.grid.dims).toEqual(o.perm.map((p) => v.grid.dims[p]));
      expect(r.grid.spacing).toEqual(o.perm.map((p) => v.grid.spacing[p]));
      for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
        const u = [i, j, k];
        // Independently: input index along perm[a] is u[a] or its mirror.
        const src = [0, 0, 0];
        for (let a = 0; a < 3; a++) src[o.perm[a]] = o.flip[a] ? v.grid.dims[o.perm[a]] - 1 - u[a] : u[a];
        expect(at(r, i, j, k)).toBe(at(v, src[0], src[1], src[2]));
        const wOut = world(r.grid.affine, u);
        const wIn = world(v.grid.affine, src);
        wOut.forEach((x, n) => expect(x).toBeCloseTo(wIn[n], 9));
      }
      const back = reorient(r, inverseOrientation(o));
      expect(back.data).toEqual(v.data);
      back.grid.affine.forEach((x, n) => expect(x).toBeCloseTo(v.grid.affine[n], 9));
      expect(back.grid.dims).toEqual(v.grid.dims);
    }
  });

  it('the identity returns the same data array, uncopied', () => {
    const v = testVolume();
    const r = reorient(v, { perm: [0, 1, 2], flip: [false, false, false] });
    expect(r.data).toBe(v.data);
    const ras: Volume = { ...v, grid: { ...v.grid, affine: [2, 0, 0, 1, 0, 2, 0, 2, 0, 0, 2, 3, 0, 0, 0, 1] } };
    const c = toCanonical(ras);
    expect(isIdentityOrientation(c.orientation)).toBe(true);
    expect(c.volume.data).toBe(ras.data);
  });

  it('toCanonical of any permuted/flipped copy gives the same canonical grid and voxels', () => {
    const v = testVolume();
    const ref = toCanonical(v).volume;
    for (const o of allOrientations()) {
      const c = toCanonical(reorient(v, o)).volume;
      expect(c.grid.dims).toEqual(ref.grid.dims);
      expect(c.data).toEqual(ref.data);
      c.grid.affine.forEach((x, n) => expect(x).toBeCloseTo(ref.grid.affine[n], 9));
      expect(sameGrid(reorient(v, o).grid, v.grid)).toEqual({ same: true });
    }
  });

  it('is fast on a 512x512x120 int16 volume with flipped rows (LPS → RAS)', () => {
    const dims: Vec3 = [512, 512, 120];
    const data = new Int16Array(dims[0] * dims[1] * dims[2]);
    for (let i = 0; i < data.length; i += 97) data[i] = i & 0x7fff;
    const v: Volume = { grid: { dims, spacing: [0.8, 0.8, 2], affine: [-0.8, 0, 0, 0, 0, -0.8, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1] }, data };
    const o = closestCanonical(v.grid.affine);
    expect(o).toEqual({ perm: [0, 1, 2], flip: [true, true, false] });
    const t0 = performance.now();
    const r = reorient(v, o);
    const ms = performance.now() - t0;
    expect(at(r, 511 - 7, 511 - 3, 5)).toBe(at(v, 7, 3, 5));
    const t1 = performance.now();
    reorient(v, { perm: [2, 0, 1], flip: [false, true, false] });
    const msPerm = performance.now() - t1;
    console.log(`reorient 512x512x120 int16: flips ${ms.toFixed(0)} ms, permutation ${msPerm.toFixed(0)} ms`);
    expect(ms).toBeLessThan(2000);
    expect(msPerm).toBeLessThan(4000);
  });
});

describe('sameGrid', () => {
  const g: Grid = { dims: [122, 101, 30], spacing: [3, 3, 3], affine: [3, 0, 0, -177.96, 0, 3, 0, 11.32, 0, 0, 3, 94.3, 0, 0, 0, 1] };
  it('says why grids differ', () => {
    expect(sameGrid(g, g)).toEqual({ same: true });
    expect(sameGrid(g, { ...g, dims: [122, 101, 31] })).toEqual({ same: false, reason: 'dims 122x101x30 vs 122x101x31' });
    const shifted = { ...g, affine: g.affine.map((x, i) => (i === 3 ? x + 4.2 : x)) };
    expect(sameGrid(g, shifted)).toEqual({ same: false, reason: 'origin differs by 4.2 mm' });
    expect(sameGrid(g, shifted, { originMm: 5 })).toEqual({ same: true });
    const zoomed = { ...g, spacing: [3, 3, 2.5] as Vec3, affine: g.affine.map((x, i) => (i === 10 ? 2.5 : x)) };
    expect(sameGrid(g, zoomed).reason).toBe('spacing 3x3x3 vs 3x3x2.5 mm');
    const c = Math.cos(0.05);
    const s = Math.sin(0.05);
    const rotated = { ...g, affine: [3 * c, -3 * s, 0, -177.96, 3 * s, 3 * c, 0, 11.32, 0, 0, 3, 94.3, 0, 0, 0, 1] };
    expect(sameGrid(g, rotated).reason).toMatch(/^axis directions differ/);
  });

  it('compares after canonical reorientation: a flipped copy of a grid is the same grid', () => {
    const las = reorientGrid(g, { perm: [0, 1, 2], flip: [true, false, false] });
    expect(las.affine[0]).toBe(-3);
    expect(sameGrid(g, las)).toEqual({ same: true });
  });
});

describe('real files', () => {
  const run = HAVE_SHARED ? it : it.skip;
  run('a mask written LAS over the RAS CT becomes the same grid and voxels after toCanonical', async () => {
    const ct = await readNifti(resolve(SHARED_DATA, 'ct/totalsegmentator/example_ct_sm.nii.gz'));
    const seg = await readNifti(resolve(SHARED_DATA, 'ct/totalsegmentator/example_seg.nii.gz'));
    const lasVolume = reorient(seg.volume, { perm: [0, 1, 2], flip: [true, false, false] });
    const p = join(tmp, 'seg_las.nii.gz');
    await writeNifti(p, { header: seg.header, volume: lasVolume, extensions: seg.extensions });
    const las = await readNifti(p);
    expect(las.volume.grid.affine[0]).toBeLessThan(0); // really stored L→R reversed
    expect(las.labelTable).toEqual(seg.labelTable);
    const ctC = toCanonical(ct.volume).volume;
    const lasC = toCanonical(las.volume);
    expect(lasC.orientation).toEqual({ perm: [0, 1, 2], flip: [true, false, false] });
    expect(sameGrid(ctC.grid, lasC.volume.grid)).toEqual({ same: true });
    expect(Buffer.from(lasC.volume.data as Uint8Array).equals(Buffer.from(seg.volume.data as Uint8Array))).toBe(true);
  });

  run('IBSI LPS images: canonical flips i and j, mask and CT share the canonical grid', async () => {
    const ct = await readNifti(resolve(SHARED_DATA, 'ct/ibsi-sts/STS_008/CT_image.nii.gz'));
    const mask = await readNifti(resolve(SHARED_DATA, 'ct/ibsi-sts/STS_008/CT_mask.nii.gz'));
    const a = toCanonical(ct.volume);
    const b = toCanonical(mask.volume);
    expect(a.orientation).toEqual({ perm: [0, 1, 2], flip: [true, true, false] });
    expect(sameGrid(a.volume.grid, b.volume.grid)).toEqual({ same: true });
    expect(sameGrid(ct.volume.grid, b.volume.grid)).toEqual({ same: true });
  });
});
