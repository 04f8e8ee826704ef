/**
 * Writing masks: each format read back by this reader gives the voxels written, in the template's own voxel order
 * and with its metadata; a DICOM SEG is also checked by pydicom (tools/golden/formats_seg_check.py: tags, frame
 * count, references, and each segment's voxels rebuilt from the frames).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeMaskFiles, readSegmentMask, readVolumeFile, readVolumeInfo, writeMaskFile } from '../../../src/core/formats';
import { readNrrdHeader } from '../../../src/core/formats/nrrd/read';
import { dicomParser, str } from '../../../src/core/formats/dicom/lib';
import { SentinelError } from '../../../src/core/errors';
import type { Grid, Volume } from '../../../src/core/volume';
import { binary, canonical, count, fixture, HAVE_SHARED_CT, maxAbsDiff, REF, REPO, sameVoxels, SHARED_CT, weightedChecksum } from './helpers';

const tmp = mkdtempSync(join(tmpdir(), 'sentinel-write-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const PYTHON = '/usr/bin/python3';
const HAVE_PYDICOM = spawnSync(PYTHON, ['-c', 'import pydicom, numpy'], { stdio: 'ignore' }).status === 0;
// The pydicom cross-check is optional (Debian's python3-pydicom); when it cannot run, say so, never skip silently.
const NO_PYDICOM = HAVE_PYDICOM ? '' : ' [SKIPPED: needs pydicom for /usr/bin/python3: apt-get install -y python3-pydicom python3-numpy]';
if (!HAVE_PYDICOM) console.warn(`write.test.ts:${NO_PYDICOM}; the DICOM SEG round trip through the project's own reader still runs`);

function out(name: string, bytes: Uint8Array): string {
  const p = join(tmp, name);
  writeFileSync(p, bytes);
  return p;
}

function gridOf(ref: { dims: number[]; affine: number[] }): Grid {
  const a = ref.affine;
  return { dims: ref.dims as Grid['dims'], spacing: [0, 1, 2].map((c) => Math.hypot(a[c], a[4 + c], a[8 + c])) as Grid['spacing'], affine: a };
}

/** Runs the pydicom check on a written SEG against the label map it should hold (CT grid order). */
function pydicomCheck(seg: string, ctFolder: string, labels: Volume): { ok: boolean; problems: string[]; frames: number } {
  const raw = out(`expected-${Date.now()}.raw`, Uint8Array.from(labels.data));
  const [nx, ny, nz] = labels.grid.dims;
  const r = spawnSync(PYTHON, [join(REPO, 'tools/golden/formats_seg_check.py'), seg, ctFolder, raw, String(nx), String(ny), String(nz)], { encoding: 'utf8' });
  if (!r.stdout) throw new Error(`formats_seg_check.py failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { ok: boolean; problems: string[]; frames: number };
}

describe('writing NRRD and .seg.nrrd', () => {
  it('writes a canonical-order mask back in the template\'s order, type, space and encoding', async () => {
    const tpl = fixture('dcmqi/liver_spine_seg.nrrd');
    const original = await readVolumeFile(tpl);
    const edited = canonical(original.volume); // what the editor holds
    const bytes = await writeMaskFile({ path: join(tmp, 'ls.nrrd'), format: 'nrrd', mask: edited, template: tpl });
    const p = out('ls.nrrd', bytes);
    const back = await readVolumeFile(p);
    expect(back.grid.dims).toEqual(original.grid.dims);
    expect(maxAbsDiff(back.grid.affine, original.grid.affine)).toBeLessThan(1e-9);
    expect(sameVoxels(back.volume.data, original.volume.data)).toBe(true);
    const h = await readNrrdHeader(p);
    expect(h.header.type).toBe('int16');
    expect(h.header.encoding).toBe('gzip');
    expect(h.layout.space).toBe('left-posterior-superior');
  });

  it('writes a .nhdr as two files (header, data) and refuses it in writeMaskFile', async () => {
    const tpl = fixture('nrrd/liver_ras_flipped.nhdr');
    const original = await readVolumeFile(tpl);
    const files = await encodeMaskFiles({ path: join(tmp, 'flip.nhdr'), format: 'nrrd', mask: original.volume, template: tpl });
    expect(files.map((f) => f.path)).toEqual([join(tmp, 'flip.nhdr'), join(tmp, 'liver_ras_flipped.raw.gz')]);
    for (const f of files) writeFileSync(f.path, f.bytes);
    const back = await readVolumeFile(join(tmp, 'flip.nhdr'));
    expect(sameVoxels(back.volume.data, original.volume.data)).toBe(true);
    expect(maxAbsDiff(back.grid.affine, original.grid.affine)).toBeLessThan(1e-9);
    await expect(writeMaskFile({ path: join(tmp, 'x.nhdr'), format: 'nrrd', mask: original.volume })).rejects.toThrow(/encodeMaskFiles/);
  });

  it('writes a .seg.nrrd label map keeping segment keys, with renamed and new segments', async () => {
    const tpl = fixture('nrrd/liver_spine.seg.nrrd');
    const original = await readVolumeFile(tpl);
    const labels = Uint8Array.from(original.volume.data);
    for (let i = 0; i < 1000; i++) if (labels[i] === 0) labels[i] = 5; // a new segment in a corner
    const table = new Map(original.labelTable);
    table.set(2, { name: 'Spine', rgb: [10, 20, 30] });
    const p = out('ls.seg.nrrd', await writeMaskFile({ path: join(tmp, 'ls.seg.nrrd'), format: 'seg-nrrd', mask: { grid: original.grid, data: labels }, labelTable: table, template: tpl }));
    const back = await readVolumeFile(p);
    expect(back.format).toBe('seg-nrrd');
    expect(sameVoxels(back.volume.data, labels)).toBe(true);
    expect([...back.labelTable!.entries()].map(([v, l]) => [v, l.name, l.rgb])).toEqual([
      [1, 'Liver', [221, 130, 101]], [2, 'Spine', [10, 20, 30]], [5, 'Segment_5', expect.any(Array)],
    ]);
    const kv = (await readNrrdHeader(p)).header.keyValues;
    expect(kv.get('Segment0_Tags')).toMatch(/TerminologyEntry/);
    expect(kv.get('Segment1_Extent')).toMatch(/^\d+ \d+ \d+ \d+ 0 2$/);
    expect(kv.get('Segmentation_MasterRepresentation')).toBe('Binary labelmap');
  });

  it('writes one segment into a layered .seg.nrrd, keeping the overlapping segment as it was', async () => {
    const tpl = fixture('nrrd/liver_heart_layers.seg.nrrd');
    const heart = await readSegmentMask(tpl, 2);
    const smaller = Uint8Array.from(heart.data);
    let removed = 0;
    for (let i = 0; i < smaller.length; i += 2) if (smaller[i]) { smaller[i] = 0; removed++; }
    const p = out('lh.seg.nrrd', await writeMaskFile({ path: join(tmp, 'lh.seg.nrrd'), format: 'seg-nrrd', mask: { grid: heart.grid, data: smaller }, template: tpl, segment: 2 }));
    const info = await readVolumeInfo(p);
    expect(info.overlapping).toBe(true);
    expect(weightedChecksum((await readSegmentMask(p, 1)).data)).toBe(REF.labels_on_ct.liver.checksum);
    const newHeart = await readSegmentMask(p, 2);
    expect(sameVoxels(newHeart.data, smaller)).toBe(true);
    expect(count(newHeart.data)).toBe(REF.labels_on_ct.heart.count - removed);
  });
});

describe('writing NIfTI', () => {
  it('writes with the template header and a label table', async () => {
    const tpl = fixture('nifti/liver.nii.gz');
    const original = await readVolumeFile(tpl);
    const p = out('l.nii.gz', await writeMaskFile({ path: join(tmp, 'l.nii.gz'), format: 'nifti', mask: canonical(original.volume), template: tpl, labelTable: new Map([[1, { name: 'liver', rgb: [1, 2, 3] }]]) }));
    const back = await readVolumeFile(p);
    expect(sameVoxels(back.volume.data, original.volume.data)).toBe(true);
    expect(back.labelTable?.get(1)).toEqual({ name: 'liver', rgb: [1, 2, 3] });
  });
});

describe('writing DICOM SEG', () => {
  const crop = fixture('dicom/ct-crop');

  async function cropLabels(): Promise<Volume> {
    const f = await readVolumeFile(fixture('dcmqi/liver_spine_seg.nrrd'), { referenceGrid: gridOf(REF.series.crop) });
    return { grid: f.grid, data: Uint8Array.from(f.volume.data) };
  }

  it('writes a binary SEG over the cropped CT that reads back to the same voxels', async () => {
    const labels = await cropLabels();
    expect(count(labels.data)).toBeGreaterThan(0);
    const table = new Map([[1, { name: 'Liver', rgb: [221, 130, 101] as [number, number, number] }], [2, { name: 'Thoracic spine', rgb: [241, 214, 145] as [number, number, number] }]]);
    const p = out('crop-seg.dcm', await writeMaskFile({ path: join(tmp, 'crop-seg.dcm'), format: 'dicom-seg', mask: labels, labelTable: table, referencedSeries: crop }));
    const back = await readVolumeFile(p, { referenceGrid: gridOf(REF.series.crop) });
    expect(back.format).toBe('dicom-seg');
    expect(back.resampled).toBe(false);
    expect(sameVoxels(back.volume.data, labels.data)).toBe(true);
    expect([...back.labelTable!.entries()].map(([v, l]) => [v, l.name, l.rgb])).toEqual([[1, 'Liver', [221, 130, 101]], [2, 'Thoracic spine', [241, 214, 145]]]);
  });

  it.skipIf(!HAVE_PYDICOM)(`passes the pydicom check: tags, frames, references, voxels per segment (renumbered 3, 7 → 1, 2)${NO_PYDICOM}`, async () => {
    const labels = await cropLabels();
    const renum = Uint8Array.from(labels.data, (v) => (v === 1 ? 3 : v === 2 ? 7 : 0));
    const p = out('renum.dcm', await writeMaskFile({ path: join(tmp, 'renum.dcm'), format: 'dicom-seg', mask: { grid: labels.grid, data: renum }, referencedSeries: crop }));
    const r = pydicomCheck(p, crop, { grid: labels.grid, data: renum });
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it.skipIf(!HAVE_PYDICOM || !HAVE_SHARED_CT)(`rewrites dcmqi liver.dcm over the real CT, keeping its segment attributes (pydicom-checked)${NO_PYDICOM}`, async () => {
    const tpl = fixture('dcmqi/liver.dcm');
    const ct = gridOf(REF.ct_grid);
    const liver = await readVolumeFile(tpl, { referenceGrid: ct });
    const edited = canonical({ grid: liver.grid, data: Uint8Array.from(liver.volume.data) });
    const p = out('liver-rewritten.dcm', await writeMaskFile({ path: join(tmp, 'liver-rewritten.dcm'), format: 'dicom-seg', mask: edited, template: tpl, referencedSeries: SHARED_CT }));
    const r = pydicomCheck(p, SHARED_CT, { grid: ct, data: Uint8Array.from(liver.volume.data) });
    expect(r.problems).toEqual([]);
    const back = await readVolumeFile(p, { referenceGrid: ct });
    expect(weightedChecksum(binary(back.volume.data))).toBe(REF.labels_on_ct.liver.checksum);
    const ds = dicomParser.parseDicom(new Uint8Array(await import('node:fs').then((fs) => fs.readFileSync(p))));
    const seg = ds.elements.x00620002.items![0].dataSet!;
    expect(str(seg, 'x00620005')).toBe('Liver');
    expect(str(seg, 'x00620008')).toBe('SEMIAUTOMATIC');
    expect(str(seg, 'x00620009')).toBe('SlicerEditor');
    expect(str(ds, 'x0020000e')).toBe('1.2.276.0.7230010.3.1.3.0.42154.1458337731.665795'); // the series is kept
    expect(str(ds, 'x00700081')).toBe('Iowa QIN segmentation result');
  });

  it('writes one segment into an overlapping SEG from the template alone, keeping the other segment whole', async () => {
    const tpl = fixture(REF.seg_overlap.file);
    const ct = gridOf(REF.ct_grid);
    const heart = await readSegmentMask(tpl, 2, { referenceGrid: ct });
    const smaller = Uint8Array.from(heart.data);
    for (let i = 0; i < smaller.length; i += 3) smaller[i] = 0;
    const p = out('overlap-edit.dcm', await writeMaskFile({ path: join(tmp, 'overlap-edit.dcm'), format: 'dicom-seg', mask: { grid: ct, data: smaller }, template: tpl, segment: 2 }));
    const info = await readVolumeInfo(p, { referenceGrid: ct });
    expect(info.overlapping).toBe(true);
    expect(weightedChecksum((await readSegmentMask(p, 1, { referenceGrid: ct })).data)).toBe(REF.labels_on_ct.liver.checksum);
    expect(sameVoxels((await readSegmentMask(p, 2, { referenceGrid: ct })).data, smaller)).toBe(true);
  });

  it('refuses a mask that is not on the CT series grid, and a SEG with nothing to refer to', async () => {
    const half = await readVolumeFile(fixture('nrrd/liver_half.nrrd'));
    const e = await writeMaskFile({ path: join(tmp, 'bad.dcm'), format: 'dicom-seg', mask: half.volume, referencedSeries: crop }).then(() => undefined, (err: unknown) => err as SentinelError);
    expect(e?.code).toBe('grid_mismatch');
    expect(e?.file).toBe(join(tmp, 'bad.dcm'));
    await expect(writeMaskFile({ path: join(tmp, 'bad.dcm'), format: 'dicom-seg', mask: half.volume })).rejects.toThrow(/needs the CT series/);
  });
});
