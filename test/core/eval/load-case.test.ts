/**
 * Loading a case for the evaluation: binary masks and values of a label map (stored in another voxel order) land on
 * the CT's canonical grid in boxes, and unusable labels are skipped with their reason.
 */
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pasteInto } from '../../../src/core/eval/box';
import { loadCanonicalCt, loadLabels } from '../../../src/core/eval/load-case';
import type { LabelEntry } from '../../../src/core/dataset';
import { readNifti, toCanonical, writeNifti } from '../../../src/core/nifti';
import type { Volume } from '../../../src/core/volume';
import { SAMPLE, scratchDir, type Scratch } from '../engine/fixtures';

const mapped = { status: 'mapped', dapId: 5, dapName: 'liver', approximate: false } as const;
const entry = (organ: string, source: LabelEntry['source'], extra: Partial<LabelEntry> = {}): LabelEntry => ({
  caseId: 'c1',
  organ,
  source,
  organMatch: mapped,
  status: 'ok',
  ...extra,
});

/** The same voxels stored with i reversed (affine adjusted), so loading must reorient. */
function flipI(v: Volume): Volume {
  const [nx, ny, nz] = v.grid.dims;
  const data = new Uint8Array(v.data.length);
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) data[nx - 1 - i + j * nx + k * nx * ny] = v.data[i + j * nx + k * nx * ny];
  const a = [...v.grid.affine];
  for (let r = 0; r < 3; r++) {
    a[r * 4 + 3] += a[r * 4] * (nx - 1);
    a[r * 4] = -a[r * 4];
  }
  return { grid: { ...v.grid, affine: a }, data };
}

let scratch: Scratch;
let liver: Volume;
let spleen: Volume;

beforeAll(async () => {
  scratch = await scratchDir('eval-load');
  const seg = (o: string) => readNifti(join(SAMPLE, 's0001', 'segmentations', `${o}.nii.gz`)).then((img) => img.volume);
  liver = await seg('liver');
  spleen = await seg('spleen');
  const map = new Uint8Array(liver.data.length);
  for (let p = 0; p < map.length; p++) map[p] = liver.data[p] ? 5 : spleen.data[p] ? 1 : 0;
  await writeNifti(join(scratch.dir, 'map.nii.gz'), { volume: flipI({ grid: liver.grid, data: map }) });
  const small = { grid: { ...liver.grid, dims: [10, 10, 10] as [number, number, number] }, data: new Uint8Array(1000).fill(1) };
  await writeNifti(join(scratch.dir, 'small.nii.gz'), { volume: small });
  await copyFile(join(SAMPLE, 's0001', 'segmentations', 'liver.nii.gz'), join(scratch.dir, 'liver.nii.gz'));
});

afterAll(async () => {
  await scratch?.cleanup();
});

describe('loadLabels', () => {
  it('puts files and label-map values on the canonical grid and skips what cannot be used', async () => {
    const ct = await loadCanonicalCt(SAMPLE, { id: 's0001', ct: { path: 's0001/ct.nii.gz' }, labels: [] });
    const labels = [
      entry('liver', { kind: 'file', path: 'liver.nii.gz' }),
      entry('liver_in_map', { kind: 'multilabel', path: 'map.nii.gz', value: 5 }),
      entry('spleen_in_map', { kind: 'multilabel', path: 'map.nii.gz', value: 1 }, { organMatch: { status: 'unmapped', reason: 'test' } }),
      entry('absent_value', { kind: 'multilabel', path: 'map.nii.gz', value: 9 }),
      entry('small', { kind: 'file', path: 'small.nii.gz' }),
      entry('missing', { kind: 'file', path: 'nope.nii.gz' }),
      entry('scan_error', { kind: 'file', path: 'x.nii.gz' }, { status: 'error', message: 'unreadable header' }),
    ];
    const res = await loadLabels(scratch.dir, labels, ct, 4, false);

    const onGrid = (m: (typeof res.loaded)[number]['mask']): Uint8Array => {
      const out = new Uint8Array(ct.data.length);
      pasteInto(out, ct.grid.dims, m);
      return out;
    };
    const canon = (v: Volume) => Uint8Array.from(toCanonical(v).volume.data, (x) => (x > 0 ? 1 : 0));
    const byOrgan = new Map(res.loaded.map((l) => [l.entry.organ, l]));
    expect([...byOrgan.keys()]).toEqual(['liver', 'liver_in_map', 'spleen_in_map']);
    expect(Buffer.from(onGrid((byOrgan.get('liver') as (typeof res.loaded)[number]).mask)).equals(Buffer.from(canon(liver)))).toBe(true);
    expect(Buffer.from(onGrid((byOrgan.get('liver_in_map') as (typeof res.loaded)[number]).mask)).equals(Buffer.from(canon(liver)))).toBe(true);
    expect(Buffer.from(onGrid((byOrgan.get('spleen_in_map') as (typeof res.loaded)[number]).mask)).equals(Buffer.from(canon(spleen)))).toBe(true);
    expect(byOrgan.get('spleen_in_map')?.dapId).toBeNull();
    const reasons = new Map(res.skipped.map((s) => [s.organ, s.reason]));
    expect(reasons.get('absent_value')).toMatch(/^empty/);
    expect(reasons.get('small')).toMatch(/^grid_mismatch: dims 122x101x30 vs 10x10x10/);
    expect(reasons.get('missing')).toMatch(/^error: .*not found/);
    expect(reasons.get('scan_error')).toBe('error: unreadable header');

    // Required mapping: an unmapped label is skipped rather than loaded.
    const strict = await loadLabels(scratch.dir, [labels[2]], ct, 4, true);
    expect(strict.loaded).toHaveLength(0);
    expect(strict.skipped[0].reason).toMatch(/^unmapped: test/);
  });
});
