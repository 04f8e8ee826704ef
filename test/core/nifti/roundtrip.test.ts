/** read → encode → read keeps voxels, geometry, header fields and extensions, for every layout the writer supports. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  encodeNifti,
  findLabelTable,
  inverseOrientation,
  labelTableExtension,
  parseNiftiHeader,
  readNifti,
  reorient,
  toCanonical,
  writeNifti,
  type NiftiDatatypeName,
  type NiftiImage,
} from '../../../src/core/nifti';
import type { Volume, VoxelArray } from '../../../src/core/volume';
import { FIXTURES, HAVE_SHARED, REFERENCE, referencePath, SHARED_DATA } from './helpers';

const tmp = mkdtempSync(join(tmpdir(), 'nifti-rt-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let counter = 0;

async function roundTrip(bytes: Uint8Array, name = 'x.nii'): Promise<NiftiImage> {
  const p = join(tmp, `${counter++}-${name}`);
  writeFileSync(p, bytes);
  return readNifti(p);
}

/** Same type and the same bytes (vitest's deep equality is slow on million-voxel arrays). */
function expectSameVoxels(a: VoxelArray, b: VoxelArray): void {
  expect(b.constructor).toBe(a.constructor);
  expect(b.length).toBe(a.length);
  expect(Buffer.from(b.buffer, b.byteOffset, b.byteLength).equals(Buffer.from(a.buffer, a.byteOffset, a.byteLength))).toBe(true);
}

function expectSameImage(a: NiftiImage, b: NiftiImage): void {
  expect(b.volume.grid).toEqual(a.volume.grid);
  expectSameVoxels(a.volume.data, b.volume.data);
  expect(b.extensions).toEqual(a.extensions);
  expect(b.labelTable).toEqual(a.labelTable);
  for (const k of ['descrip', 'sformCode', 'qformCode', 'srowX', 'srowY', 'srowZ', 'quaternB', 'quaternC', 'quaternD',
    'qoffsetX', 'qoffsetY', 'qoffsetZ', 'pixdim', 'xyztUnits', 'intentCode'] as const) {
    expect(b.header[k], k).toEqual(a.header[k]);
  }
  // A .hdr/.img pair is written back as one .nii file, so only its data offset changes.
  if (a.header.magic !== 'ni1') expect(b.header.voxOffset).toBe(a.header.voxOffset);
}

const sources = REFERENCE.files.filter(
  (f) => f.file.startsWith('fixture:') || /example_seg\.nii|example_ct_sm|STS_002/.test(f.file),
);

describe('round trips of real files and fixtures', () => {
  for (const ref of sources) {
    const run = ref.file.startsWith('fixture:') || HAVE_SHARED ? it : it.skip;
    run(`${ref.file}: .nii and .nii.gz, same version and byte order as read`, async () => {
      const img = await readNifti(referencePath(ref.file));
      for (const gzip of [false, true]) {
        const bytes = await encodeNifti(img, { gzip });
        expect(bytes[0] === 0x1f && bytes[1] === 0x8b).toBe(gzip);
        const back = await roundTrip(bytes, gzip ? 'x.nii.gz' : 'x.nii');
        expectSameImage(img, back);
        expect(back.header.version).toBe(img.header.version);
      }
    });
  }

  it('a TotalSegmentator mask written with writeNifti keeps vox_offset 13168 and its label table', async () => {
    if (!HAVE_SHARED) return;
    const img = await readNifti(resolve(SHARED_DATA, 'ct/totalsegmentator/example_seg.nii.gz'));
    const p = join(tmp, 'seg-copy.nii.gz');
    await writeNifti(p, img);
    const raw = readFileSync(p);
    expect(raw[0]).toBe(0x1f);
    const back = await readNifti(p);
    expect(back.header.voxOffset).toBe(13168);
    expectSameImage(img, back);
  });
});

describe('header/image pairs', () => {
  it('a .hdr without its .img → not_found naming the missing image', async () => {
    const dir = mkdtempSync(join(tmp, 'pair-'));
    const hdr = join(dir, 'lonely.hdr');
    writeFileSync(hdr, readFileSync(resolve(FIXTURES, 'pair_int16.hdr')));
    const err = await readNifti(hdr).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe('not_found');
    expect((err as Error).message).toMatch(/lonely\.img/);
  });
});

describe('versions and byte order', () => {
  it('NIfTI-1 → NIfTI-2 → NIfTI-1 keeps voxels and geometry; big-endian writing reads back', async () => {
    const img = await readNifti(resolve(FIXTURES, 'permuted_int16.nii.gz'));
    const v2 = await roundTrip(await encodeNifti(img, { gzip: true, version: 2 }), 'v2.nii.gz');
    expect(v2.header.version).toBe(2);
    expect(v2.header.voxOffset).toBe(544);
    expect(v2.volume).toEqual(img.volume);
    const v1 = await roundTrip(await encodeNifti(v2, { gzip: false, version: 1 }));
    expect(v1.header.version).toBe(1);
    expectSameImage(img, v1);

    for (const version of [1, 2] as const) {
      const beBytes = await encodeNifti(img, { gzip: false, version, littleEndian: false });
      const be = parseNiftiHeader(beBytes, 'be');
      expect(be.littleEndian).toBe(false);
      expect(be.version).toBe(version);
      const back = await roundTrip(beBytes);
      expect(back.header.littleEndian).toBe(false);
      expect(back.volume).toEqual(img.volume);
    }
  });

  it('a dimension above 32767 is written as NIfTI-2 even when NIfTI-1 is asked', async () => {
    const data = new Uint8Array(40000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 251;
    const volume: Volume = { grid: { dims: [40000, 1, 1], spacing: [1, 1, 1], affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] }, data };
    const bytes = await encodeNifti({ volume }, { gzip: true, version: 1 });
    const back = await roundTrip(bytes, 'long.nii.gz');
    expect(back.header.version).toBe(2);
    expectSameVoxels(data, back.volume.data);
  });
});

describe('every datatype', () => {
  const names: NiftiDatatypeName[] = ['uint8', 'int8', 'int16', 'uint16', 'int32', 'uint32', 'float32', 'float64'];
  const make: Record<NiftiDatatypeName, (n: number) => VoxelArray> = {
    uint8: (n) => new Uint8Array(n), int8: (n) => new Int8Array(n), int16: (n) => new Int16Array(n), uint16: (n) => new Uint16Array(n),
    int32: (n) => new Int32Array(n), uint32: (n) => new Uint32Array(n), float32: (n) => new Float32Array(n), float64: (n) => new Float64Array(n),
  };
  const extremes: Record<NiftiDatatypeName, number[]> = {
    uint8: [0, 255], int8: [-128, 127], int16: [-32768, 32767], uint16: [0, 65535], int32: [-2147483648, 2147483647],
    uint32: [0, 4294967295], float32: [-3.4e38, 1.5e-45], float64: [-1.7e308, 5e-324],
  };
  for (const name of names) {
    it(`${name}: extremes and a ramp survive .nii and .nii.gz, both byte orders`, async () => {
      const dims: [number, number, number] = [5, 4, 3];
      const data = make[name](60);
      for (let i = 0; i < 60; i++) data[i] = (i * 37) % 100;
      data[0] = extremes[name][0];
      data[59] = extremes[name][1];
      const volume: Volume = { grid: { dims, spacing: [0.5, 0.7, 2], affine: [-0.5, 0, 0, 10, 0, -0.7, 0, 20, 0, 0, 2, -5, 0, 0, 0, 1] }, data };
      for (const gzip of [false, true]) {
        for (const littleEndian of [true, false]) {
          const back = await roundTrip(await encodeNifti({ volume }, { gzip, littleEndian }));
          expect(back.volume.data.constructor).toBe(data.constructor);
          expect(back.volume.data).toEqual(data);
          expect(back.volume.grid.dims).toEqual(dims);
          back.volume.grid.affine.forEach((v, i) => expect(v).toBeCloseTo(volume.grid.affine[i], 6));
          back.volume.grid.spacing.forEach((v, i) => expect(v).toBeCloseTo(volume.grid.spacing[i], 6));
        }
      }
    });
  }

  it('converts on request: rounds and clamps into an integer type', async () => {
    const data = new Float32Array([-1000.6, -2.5, 0.4, 1.5, 254.6, 300, NaN, 7]);
    const volume: Volume = { grid: { dims: [2, 2, 2], spacing: [1, 1, 1], affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] }, data };
    const back = await roundTrip(await encodeNifti({ volume }, { gzip: false, datatype: 'uint8' }));
    expect(back.volume.data).toBeInstanceOf(Uint8Array);
    expect([...back.volume.data]).toEqual([0, 0, 0, 2, 255, 255, 0, 7]);
  });
});

describe('scaling', () => {
  it('a scaled int16 file reads as Float32Array and is written back as int16 with its slope and inter', async () => {
    const img = await readNifti(resolve(FIXTURES, 'scaled_int16.nii'));
    expect(img.volume.data).toBeInstanceOf(Float32Array);
    const bytes = await encodeNifti(img, { gzip: false });
    const h = parseNiftiHeader(bytes, 'scaled');
    expect(h.datatype).toBe(4);
    expect(h.sclSlope).toBe(0.5);
    expect(h.sclInter).toBe(-1024);
    const back = await roundTrip(bytes);
    expect(back.volume.data).toEqual(img.volume.data);
    // The stored integers are the file's own: the bytes after vox_offset are identical.
    const original = readFileSync(resolve(FIXTURES, 'scaled_int16.nii'));
    expect(Buffer.from(bytes.subarray(352)).equals(original.subarray(352))).toBe(true);
    // Asked for float32, the values are stored as they are and the scaling is dropped.
    const asFloat = await encodeNifti(img, { gzip: false, datatype: 'float32' });
    const hf = parseNiftiHeader(asFloat, 'f');
    expect([hf.datatype, hf.sclSlope, hf.sclInter]).toEqual([16, 1, 0]);
    expect((await roundTrip(asFloat)).volume.data).toEqual(img.volume.data);
  });
});

describe('geometry written back', () => {
  it('canonical → inverse reorientation → write keeps the qform-only LPS header field for field', async () => {
    if (!HAVE_SHARED) return;
    const img = await readNifti(resolve(SHARED_DATA, 'ct/ibsi-sts/STS_019/CT_mask.nii.gz'));
    const { volume: canon, orientation } = toCanonical(img.volume);
    const restored = reorient(canon, inverseOrientation(orientation));
    const back = await roundTrip(await encodeNifti({ ...img, volume: restored }, { gzip: true }), 'm.nii.gz');
    expectSameImage(img, back);
  });

  it('a changed affine is written to sform/qform and reads back; a qform-only source stays qform-only', async () => {
    if (!HAVE_SHARED) return;
    const img = await readNifti(resolve(SHARED_DATA, 'ct/ibsi-sts/STS_019/CT_mask.nii.gz'));
    const { volume: canon } = toCanonical(img.volume);
    const back = await roundTrip(await encodeNifti({ ...img, volume: canon }, { gzip: true }), 'c.nii.gz');
    expect(back.header.qformCode).toBe(1);
    expect(back.header.sformCode).toBe(0);
    expect(back.volume.grid.dims).toEqual(canon.grid.dims);
    back.volume.grid.affine.forEach((v, i) => expect(Math.abs(v - canon.grid.affine[i])).toBeLessThan(1e-3));
    expectSameVoxels(canon.data, back.volume.data);
  });

  it('an oblique affine without a source header gets matching sform and qform', async () => {
    const img = await readNifti(resolve(FIXTURES, 'qform_oblique.nii.gz'));
    const bytes = await encodeNifti({ volume: img.volume }, { gzip: false });
    const h = parseNiftiHeader(bytes, 'o');
    expect([h.sformCode, h.qformCode]).toEqual([2, 2]);
    const back = await roundTrip(bytes);
    back.volume.grid.affine.forEach((v, i) => expect(v).toBeCloseTo(img.volume.grid.affine[i], 5));
    // The qform alone (sform dropped) describes the same affine.
    const qOnly = await roundTrip(await encodeNifti({ header: { ...h, sformCode: 0 }, volume: img.volume }, { gzip: false }));
    qOnly.volume.grid.affine.forEach((v, i) => expect(v).toBeCloseTo(img.volume.grid.affine[i], 5));
  });

  it('a label table made with labelTableExtension reads back', async () => {
    const table = new Map([[1, { name: 'liver', rgb: [255, 0, 0] as [number, number, number] }], [7, { name: 'a <b> & "c"', rgb: [0, 128, 255] as [number, number, number] }]]);
    const ext = labelTableExtension(table);
    expect(findLabelTable([ext])).toEqual(table);
    const volume: Volume = { grid: { dims: [2, 2, 1], spacing: [1, 1, 1], affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] }, data: new Uint8Array([0, 1, 7, 1]) };
    const back = await roundTrip(await encodeNifti({ volume, extensions: [ext] }, { gzip: true }), 'lt.nii.gz');
    expect(back.labelTable).toEqual(table);
    expect(back.header.voxOffset % 16).toBe(0);
  });
});
