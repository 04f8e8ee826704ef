/**
 * DICOM CT series against pydicom/numpy (tools/golden/formats_fixtures.py): geometry (IPP/IOP → RAS affine), voxel
 * checksums after rescale, every transfer syntax the reader takes, and a clear error for each problem series.
 */
import { describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { listDicomSeries, readVolumeFile, readVolumeInfo } from '../../../src/core/formats';
import { SentinelError } from '../../../src/core/errors';
import { fixture, HAVE_SHARED_CT, maxAbsDiff, REF, refPath, weightedChecksum, type SeriesRef } from './helpers';

async function expectSeries(ref: SeriesRef, path = refPath(ref.folder)): Promise<void> {
  const info = await readVolumeInfo(path);
  expect(info.format).toBe('dicom-series');
  expect(info.grid.dims).toEqual(ref.dims);
  expect(maxAbsDiff(info.grid.affine, ref.affine)).toBeLessThan(1e-5);
  const file = await readVolumeFile(path);
  expect(file.grid).toEqual(info.grid);
  expect(file.volume.data.length).toBe(ref.dims[0] * ref.dims[1] * ref.dims[2]);
  if (ref.slice_files) expect(file.files!.map((f) => basename(f))).toEqual(ref.slice_files);
  const cs = weightedChecksum(file.volume.data);
  if (ref.integer) expect(cs).toBe(ref.checksum);
  else expect(Math.abs(cs - ref.checksum)).toBeLessThan(1e-6 * Math.abs(ref.checksum));
  for (const [[i, j, k], v] of ref.probes ?? []) {
    expect(file.volume.data[i + ref.dims[0] * (j + ref.dims[1] * k)]).toBeCloseTo(v, 4);
  }
}

async function expectError(path: string, code: SentinelError['code'], message: RegExp, file = path): Promise<void> {
  const err = await readVolumeFile(path).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(SentinelError);
  const e = err as SentinelError;
  expect(e.code).toBe(code);
  expect(e.message).toMatch(message);
  expect(e.file).toBe(file);
}

describe('DICOM CT series', () => {
  it.skipIf(!HAVE_SHARED_CT)('reads the three real dcmqi slices: sorted along the normal, HU, the RAS grid pydicom gives', async () => {
    await expectSeries(REF.series.full);
    const file = await readVolumeFile(refPath(REF.series.full.folder));
    // Signed 16-bit with intercept −1024 fits Int16 here, the type the engine's CT path expects.
    expect(file.volume.data).toBeInstanceOf(Int16Array);
    expect(file.grid.spacing[0]).toBeCloseTo(0.810547, 6);
    expect(file.grid.spacing[2]).toBeCloseTo(1, 4);
  });

  it('reads the cropped series in implicit and explicit VR, JPEG 2000 and JPEG lossless to the same voxels', async () => {
    expect(REF.transfer_syntax['ct-crop-j2k']).toBe('1.2.840.10008.1.2.4.90');
    expect(REF.transfer_syntax['ct-crop-jpegll']).toBe('1.2.840.10008.1.2.4.70');
    await expectSeries(REF.series.crop);
    await expectSeries(REF.series.crop_explicit);
    await expectSeries(REF.series.crop_j2k);
    await expectSeries(REF.series.crop_jpegll);
    expect(REF.series.crop_j2k.checksum).toBe(REF.series.crop.checksum);
  });

  it('maps an oblique orientation (rotated 30° and 20°) to the affine numpy derives, slices sorted against file order', async () => {
    await expectSeries(REF.series.oblique);
    expect(REF.series.oblique.slice_files).toEqual(['03.dcm', '02.dcm', '01.dcm']);
  });

  it('applies a non-integer rescale per slice into a Float32 volume', async () => {
    await expectSeries(REF.series.rescale);
    expect((await readVolumeFile(refPath(REF.series.rescale.folder))).volume.data).toBeInstanceOf(Float32Array);
  });

  it('accepts slice spacing that wobbles by 0.4% with a warning, using the mean step', async () => {
    await expectSeries(REF.series.jitter);
    const info = await readVolumeInfo(refPath(REF.series.jitter.folder));
    expect(info.warnings.join(' ')).toMatch(/slice spacing varies from 0\.996 to 1\.004 mm/);
  });

  it('reads the whole series when given one of its files', async () => {
    const info = await readVolumeInfo(fixture('dicom/ct-crop/02.dcm'));
    expect(info.format).toBe('dicom-series');
    expect(info.grid.dims).toEqual(REF.series.crop.dims);
  });

  it('names the missing slice, the uneven spacing, and a folder with two series', async () => {
    await expectError(fixture('dicom/ct-gap'), 'unsupported', /1 slice missing between 04\.dcm \(-130\.69 mm\) and 03\.dcm \(-128\.69 mm\): the spacing is 1 mm elsewhere/);
    await expectError(fixture('dicom/ct-uneven'), 'unsupported', /uneven slice spacing: from 1 to 1\.5 mm/);
    await expectError(fixture('dicom/ct-multi'), 'unsupported', new RegExp(`2 image series.*${REF.multi_series.a} \\(3 slices\\).*${REF.multi_series.b} \\(2 slices, "second series"\\)`));
  });

  it('reads one series of a multi-series folder when told which, and lists them', async () => {
    const list = await listDicomSeries(fixture('dicom/ct-multi'));
    expect(list.map((s) => [s.seriesUid, s.slices]).sort()).toEqual([[REF.multi_series.a, 3], [REF.multi_series.b, 2]].sort());
    const file = await readVolumeFile(fixture('dicom/ct-multi'), { seriesUid: REF.multi_series.a });
    expect(file.seriesUid).toBe(REF.multi_series.a);
    expect(weightedChecksum(file.volume.data)).toBe(REF.series.multi_a.checksum);
    expect(file.warnings.join(' ')).toMatch(/2 image series/);
  });

  it('refuses big endian and deflate by transfer syntax, naming the file', async () => {
    expect(REF.transfer_syntax['ct-crop-bigendian']).toBe('1.2.840.10008.1.2.2');
    expect(REF.transfer_syntax['ct-crop-deflate']).toBe('1.2.840.10008.1.2.1.99');
    const be = fixture('dicom/ct-crop-bigendian/01.dcm');
    await expectError(fixture('dicom/ct-crop-bigendian'), 'unsupported', /unsupported transfer syntax 1\.2\.840\.10008\.1\.2\.2 \(Explicit VR Big Endian\)/, be);
    await expectError(be, 'unsupported', /Explicit VR Big Endian/, be);
    const df = fixture('dicom/ct-crop-deflate/01.dcm');
    await expectError(fixture('dicom/ct-crop-deflate'), 'unsupported', /unsupported transfer syntax 1\.2\.840\.10008\.1\.2\.1\.99 \(Deflated/, df);
  });

  it('stops at a slice cut short in its pixel data before reading voxels, naming it', async () => {
    const f = fixture('dicom/ct-truncated/01.dcm');
    const err = await readVolumeInfo(fixture('dicom/ct-truncated')).then(() => undefined, (e: unknown) => e as SentinelError);
    expect(err?.code).toBe('truncated');
    expect(err?.file).toBe(f);
    expect(err?.message).toMatch(/pixel data needs 13824 bytes/);
  });

  it('refuses a slice whose Rows promise more pixels than it holds, before allocating the volume', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sentinel-rows-'));
    try {
      for (const f of ['01.dcm', '02.dcm', '03.dcm']) copyFileSync(fixture(`dicom/ct-crop/${f}`), join(dir, f));
      const bytes = readFileSync(join(dir, '02.dcm'));
      // Implicit VR: (0028,0010) US, length 2 → Rows. 72 becomes 65535.
      const at = bytes.indexOf(Buffer.from([0x28, 0x00, 0x10, 0x00, 0x02, 0x00, 0x00, 0x00, 72, 0]));
      expect(at).toBeGreaterThan(0);
      bytes.writeUInt16LE(65535, at + 8);
      writeFileSync(join(dir, '02.dcm'), bytes);
      const err = await readVolumeInfo(dir).then(() => undefined, (e: unknown) => e as SentinelError);
      expect(err?.code).toBe('truncated');
      expect(err?.file).toBe(join(dir, '02.dcm'));
      expect(err?.message).toMatch(/96x65535x1 at 16 bits needs/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says what a folder without images holds', async () => {
    // The SEG fixtures folder holds only Segmentation objects.
    const err = await readVolumeFile(fixture('seg'), {}).then(() => undefined, (e: unknown) => e as SentinelError);
    expect(err).toBeInstanceOf(SentinelError);
    expect(err?.message).toMatch(/no DICOM image series in this folder: it holds only non-image objects/);
    expect(readdirSync(fixture('seg')).length).toBeGreaterThan(0);
  });
});
