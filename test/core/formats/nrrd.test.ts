/**
 * NRRD and .seg.nrrd against numpy (tools/golden/formats_fixtures.py): the dcmqi masks (LPS, gzip, attached) land on
 * the DICOM series' RAS grid; detached raw/gzip, big endian, float and RAS-flipped files give the same world voxels;
 * Slicer segment names, colours and layers; and a lying or unreadable header fails with a message naming the file.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSegmentMask, readVolumeFile, readVolumeInfo } from '../../../src/core/formats';
import { SentinelError } from '../../../src/core/errors';
import { sameGrid } from '../../../src/core/nifti';
import { binary, canonical, count, fixture, HAVE_SHARED_CT, maxAbsDiff, REF, sameVoxels, SHARED_CT, valueCounts, weightedChecksum, type MaskRef } from './helpers';

async function expectMask(ref: MaskRef): Promise<void> {
  const file = await readVolumeFile(fixture(ref.file));
  expect(file.grid.dims).toEqual(ref.dims);
  expect(maxAbsDiff(file.grid.affine, ref.affine)).toBeLessThan(1e-9);
  const counts = valueCounts(file.volume.data);
  for (const [v, n] of Object.entries(ref.values)) expect(counts[String(Number(v))]).toBe(n);
  expect(weightedChecksum(file.volume.data)).toBeCloseTo(ref.checksum, 3);
}

const tmp = mkdtempSync(join(tmpdir(), 'sentinel-nrrd-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function nrrdFile(name: string, header: string, data: Uint8Array = new Uint8Array()): string {
  const p = join(tmp, name);
  const head = new TextEncoder().encode(header);
  const out = new Uint8Array(head.length + data.length);
  out.set(head);
  out.set(data, head.length);
  writeFileSync(p, out);
  return p;
}

async function failure(path: string): Promise<SentinelError> {
  const e = await readVolumeFile(path).then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(SentinelError);
  return e as SentinelError;
}

describe('NRRD', () => {
  it('reads the dcmqi masks (gzip, int16, LPS) onto the CT series grid in RAS', async () => {
    for (const name of ['liver_seg', 'spine_seg', 'heart_seg', 'liver_spine_seg']) await expectMask(REF.masks[name]);
    const info = await readVolumeInfo(fixture('dcmqi/liver_seg.nrrd'));
    expect(info.format).toBe('nrrd');
    expect(maxAbsDiff(info.grid.affine, REF.ct_grid.affine)).toBeLessThan(1e-4);
    expect(info.grid.dims).toEqual(REF.ct_grid.dims);
  });

  it.skipIf(!HAVE_SHARED_CT)('lands the dcmqi NRRD masks on the very grid the DICOM reader gives the CT (LPS → RAS in both)', async () => {
    const ct = await readVolumeInfo(SHARED_CT);
    const mask = await readVolumeInfo(fixture('dcmqi/liver_seg.nrrd'));
    expect(mask.grid.dims).toEqual(ct.grid.dims);
    expect(maxAbsDiff(mask.grid.affine, ct.grid.affine)).toBeLessThan(1e-4);
    expect(sameGrid(mask.grid, ct.grid).same).toBe(true);
    expect((await readVolumeInfo(fixture('dcmqi/liver_seg.nrrd'), { referenceGrid: ct.grid })).resampled).toBe(false);
  });

  it('reads detached gzip (.nhdr + .raw.gz), detached big-endian raw, and attached raw float', async () => {
    await expectMask(REF.masks.liver_ras_flipped);
    await expectMask(REF.masks.liver_crop_be);
    await expectMask(REF.masks.liver_crop_float);
  });

  it('puts an RAS, i-flipped copy of the liver on the same world voxels as the LPS original', async () => {
    const lps = canonical((await readVolumeFile(fixture('dcmqi/liver_seg.nrrd'))).volume);
    const ras = canonical((await readVolumeFile(fixture('nrrd/liver_ras_flipped.nhdr'))).volume);
    expect(maxAbsDiff(ras.grid.affine, lps.grid.affine)).toBeLessThan(1e-4);
    expect(sameVoxels(binary(ras.data), binary(lps.data))).toBe(true);
  });

  it('reads a Slicer .seg.nrrd: names, colours, values', async () => {
    const file = await readVolumeFile(fixture('nrrd/liver_spine.seg.nrrd'));
    expect(file.format).toBe('seg-nrrd');
    expect(file.overlapping).toBe(false);
    expect([...file.labelTable!.entries()]).toEqual([
      [1, { name: 'Liver', rgb: [221, 130, 101] }],
      [2, { name: 'Thoracic spine', rgb: [241, 214, 145] }],
    ]);
    expect(count(file.volume.data, (v) => v === 1)).toBe(REF.labels_on_ct.liver.count);
    expect(weightedChecksum(binary(file.volume.data, 2))).toBe(REF.labels_on_ct.spine.checksum);
  });

  it('reads a layered .seg.nrrd whose segments overlap: flagged, and each segment whole through readSegmentMask', async () => {
    const path = fixture('nrrd/liver_heart_layers.seg.nrrd');
    const info = await readVolumeInfo(path);
    expect(info.overlapping).toBe(true);
    // Both segments have LabelValue 1 in their own layer: numbered 1, 2 in file order.
    expect([...info.labelTable!.entries()].map(([v, l]) => [v, l.name])).toEqual([[1, 'Liver'], [2, 'Heart']]);
    expect(info.warnings.join(' ')).toMatch(/share label values/);
    const liver = await readSegmentMask(path, 1);
    const heart = await readSegmentMask(path, 2);
    expect(weightedChecksum(liver.data)).toBe(REF.labels_on_ct.liver.checksum);
    expect(weightedChecksum(heart.data)).toBe(REF.labels_on_ct.heart.checksum);
    let both = 0;
    for (let i = 0; i < liver.data.length; i++) if (liver.data[i] && heart.data[i]) both++;
    expect(both).toBe(REF.labels_on_ct.liver_and_heart.count);
    const file = await readVolumeFile(path);
    expect(file.warnings.join(' ')).toMatch(/522 voxels belong to more than one segment/);
    expect(count(file.volume.data, (v) => v === 2)).toBe(REF.labels_on_ct.heart.count);
    expect(count(file.volume.data, (v) => v === 1)).toBe(REF.labels_on_ct.liver.count - REF.labels_on_ct.liver_and_heart.count);
    await expect(readSegmentMask(path, 3)).rejects.toThrow(/no segment has value 3/);
  });

  it('reads one value of a plain label map as a mask', async () => {
    const m = await readSegmentMask(fixture('dcmqi/liver_spine_seg.nrrd'), 2);
    expect(weightedChecksum(m.data)).toBe(REF.labels_on_ct.spine.checksum);
  });

  it('refuses headers that lie or ask for what it does not read, naming the file', async () => {
    const base = 'NRRD0004\ntype: unsigned char\ndimension: 3\nsizes: 4 4 4\nspace: left-posterior-superior\nspace directions: (1,0,0) (0,1,0) (0,0,1)\n';
    let p = nrrdFile('short.nrrd', `${base}encoding: raw\n\n`, new Uint8Array(10));
    let e = await failure(p);
    expect(e.code).toBe('truncated');
    expect(e.file).toBe(p);
    expect(e.message).toMatch(/needs 64 bytes but the file holds 10/);

    p = nrrdFile('huge.nrrd', base.replace('sizes: 4 4 4', 'sizes: 100000 100000 100000') + 'encoding: gzip\n\n', new Uint8Array(100));
    e = await failure(p);
    expect(e.code).toBe('too_large');

    p = nrrdFile('bz.nrrd', `${base}encoding: bzip2\n\n`, new Uint8Array(64));
    e = await failure(p);
    expect(e.code).toBe('unsupported');
    expect(e.message).toMatch(/encoding "bzip2"/);

    p = nrrdFile('long.nrrd', base.replace('unsigned char', 'long long') + 'encoding: raw\n\n', new Uint8Array(512));
    expect((await failure(p)).message).toMatch(/64-bit integers are not supported/);

    p = nrrdFile('bad-sizes.nrrd', base.replace('sizes: 4 4 4', 'sizes: 4 4') + 'encoding: raw\n\n', new Uint8Array(64));
    expect((await failure(p)).message).toMatch(/"sizes" has 2 numbers for dimension 3/);

    p = nrrdFile('gz-damaged.nrrd', `${base}encoding: gzip\n\n`, new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]));
    e = await failure(p);
    expect(['truncated', 'corrupt']).toContain(e.code);
    expect(e.file).toBe(p);

    mkdirSync(join(tmp, 'inner'), { recursive: true });
    writeFileSync(join(tmp, 'secret.raw'), new Uint8Array(64));
    p = nrrdFile('inner/escape.nhdr', `${base}encoding: raw\ndata file: ../secret.raw\n`);
    e = await failure(p);
    expect(e.code).toBe('unsupported');
    expect(e.message).toMatch(/lies outside the header's folder/);

    p = nrrdFile('missing.nhdr', `${base}encoding: raw\ndata file: nowhere.raw\n`);
    expect((await failure(p)).code).toBe('not_found');

    p = nrrdFile('4d.nrrd', 'NRRD0004\ntype: unsigned char\ndimension: 4\nsizes: 2 4 4 4\nspace: left-posterior-superior\nspace directions: none (1,0,0) (0,1,0) (0,0,1)\nkinds: list domain domain domain\nencoding: raw\n\n', new Uint8Array(128));
    expect((await failure(p)).message).toMatch(/2-layer NRRD without segment metadata/);
  });

  it('reads ascii data and a header without a named space (taken as LPS, with a warning)', async () => {
    const p = nrrdFile('ascii.nrrd', 'NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2 1\nspacings: 2 3 4\nencoding: ascii\n\n', new TextEncoder().encode('1 -2\n3 4\n'));
    const f = await readVolumeFile(p);
    expect([...f.volume.data]).toEqual([1, -2, 3, 4]);
    expect(f.grid.spacing).toEqual([2, 3, 4]);
    expect(f.grid.affine.slice(0, 3)).toEqual([-2, 0, 0]);
    expect(f.warnings.join(' ')).toMatch(/axis-aligned LPS/);
  });
});
