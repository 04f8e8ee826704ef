/**
 * Temporary datasets built from the shared TotalSegmentator example (a CT and its 41-label map) in every layout
 * the scanner reads, plus the damaged variants it must report. Built with core/nifti, in os.tmpdir().
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readNifti, writeNifti, type NiftiImage } from '../../../src/core/nifti';
import type { Grid } from '../../../src/core/volume';

export const DATA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/data/ct/totalsegmentator');
export const HAVE_DATA = existsSync(path.join(DATA_DIR, 'example_seg.nii.gz'));
export const CT = path.join(DATA_DIR, 'example_ct_sm.nii.gz');
export const SEG = path.join(DATA_DIR, 'example_seg.nii.gz');

/** The TotalSegmentator class names (value → name), from the shared total_classes.json. */
export async function totalClasses(): Promise<Map<number, string>> {
  const json = JSON.parse(await readFile(path.join(DATA_DIR, 'total_classes.json'), 'utf8')) as { labels: Record<string, string> };
  return new Map(Object.entries(json.labels).map(([v, n]) => [Number(v), n]));
}

export interface Fixtures {
  tmp: string;
  seg: NiftiImage;
  classes: Map<number, string>;
  /** Root of each dataset. */
  ts: string;
  ml: string;
  nn: string;
  mixed: string;
}

export const mkdirp = (p: string): Promise<string | undefined> => mkdir(p, { recursive: true });

/** Binary mask (0/1, uint8) of one value of the label map. */
export function binarise(seg: NiftiImage, value: number): Uint8Array {
  const src = seg.volume.data;
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = src[i] === value ? 1 : 0;
  return out;
}

/** The same voxels stored with the i axis reversed (LAS when the source is RAS): data mirrored, affine adjusted. */
export function flipI(grid: Grid, data: Uint8Array): { grid: Grid; data: Uint8Array } {
  const [nx, ny, nz] = grid.dims;
  const out = new Uint8Array(data.length);
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
    out[nx - 1 - i + j * nx + k * nx * ny] = data[i + j * nx + k * nx * ny];
  }
  const a = [...grid.affine];
  // world(i') = A·(nx-1-i', j, k): column 0 negated, its (nx-1) multiple added to the translation.
  for (let r = 0; r < 3; r++) {
    a[r * 4 + 3] += a[r * 4] * (nx - 1);
    a[r * 4] = -a[r * 4];
  }
  return { grid: { ...grid, affine: a }, data: out };
}

async function writeMask(file: string, seg: NiftiImage, grid: Grid, data: Uint8Array): Promise<void> {
  await writeNifti(file, { header: { ...seg.header, extensionFlag: 0 }, volume: { grid, data } });
}

/** Keeps the first `bytes` bytes of a file (a partial copy). */
export async function truncateTo(file: string, bytes: number): Promise<void> {
  const buf = await readFile(file);
  await writeFile(file, buf.subarray(0, bytes));
}

export const ORGANS = ['spleen', 'kidney_right', 'liver', 'aorta'] as const;

export async function buildFixtures(): Promise<Fixtures> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'sentinel-dataset-'));
  const seg = await readNifti(SEG);
  const classes = await totalClasses();
  const valueOf = (name: string): number => [...classes].find(([, n]) => n === name)?.[0] as number;
  const grid = seg.volume.grid;
  const masks = new Map(ORGANS.map((o) => [o, binarise(seg, valueOf(o))]));
  const mask = (o: (typeof ORGANS)[number]): Uint8Array => masks.get(o) as Uint8Array;

  // (a) TotalSegmentator layout.
  const ts = path.join(tmp, 'ts');
  const s1 = path.join(ts, 's0001', 'segmentations');
  await mkdirp(s1);
  await copyFile(CT, path.join(ts, 's0001', 'ct.nii.gz'));
  for (const o of ORGANS) await writeMask(path.join(s1, `${o}.nii.gz`), seg, grid, mask(o));
  await writeMask(path.join(s1, 'mystery_blob.nii.gz'), seg, grid, mask('spleen'));

  const s2 = path.join(ts, 's0002', 'segmentations');
  await mkdirp(s2);
  await copyFile(CT, path.join(ts, 's0002', 'ct.nii.gz'));
  const las = flipI(grid, mask('liver'));
  await writeMask(path.join(s2, 'liver.nii.gz'), seg, las.grid, las.data);
  const shifted: Grid = { ...grid, affine: grid.affine.map((v, i) => (i === 3 ? v + 10 : v)) };
  await writeMask(path.join(s2, 'spleen.nii.gz'), seg, shifted, mask('spleen'));
  await writeMask(path.join(s2, 'kidney_right.nii.gz'), seg, grid, mask('kidney_right'));
  const kidneyBytes = (await readFile(path.join(s2, 'kidney_right.nii.gz'))).length;
  await truncateTo(path.join(s2, 'kidney_right.nii.gz'), Math.floor(kidneyBytes / 2));
  await writeMask(path.join(s2, 'aorta.nii'), seg, grid, mask('aorta'));
  await writeMask(path.join(s2, 'stomach.nii.gz'), seg, grid, binarise(seg, valueOf('stomach')));
  await truncateTo(path.join(s2, 'stomach.nii.gz'), 60);

  // A case whose CT is a partial copy, a folder of masks without CT, and an unrelated folder.
  const s3 = path.join(ts, 's0003', 'segmentations');
  await mkdirp(s3);
  await copyFile(CT, path.join(ts, 's0003', 'ct.nii.gz'));
  await truncateTo(path.join(ts, 's0003', 'ct.nii.gz'), 200_000);
  await writeMask(path.join(s3, 'liver.nii.gz'), seg, grid, mask('liver'));
  await mkdirp(path.join(ts, 'orphan', 'segmentations'));
  await writeMask(path.join(ts, 'orphan', 'segmentations', 'liver.nii.gz'), seg, grid, mask('liver'));
  await mkdirp(path.join(ts, 'docs'));
  await writeFile(path.join(ts, 'docs', 'readme.txt'), 'not a case\n');
  await writeFile(
    path.join(ts, 'meta.csv'),
    '\uFEFFimage_id;age;gender;institute;study_type;split\r\ns0001;64;m;A;"ct; abdomen";train\r\ns0002;71;f;B;ct thorax;test\r\ns9999;50;m;A;ct;train\r\n',
  );

  // (b) Multi-label maps: names from the NIfTI extension, from labels.json in three shapes, and from nowhere.
  const ml = path.join(tmp, 'ml');
  const mlCase = async (id: string, map: string, json?: unknown, withExtension = true): Promise<void> => {
    await mkdirp(path.join(ml, id));
    await copyFile(CT, path.join(ml, id, 'ct.nii.gz'));
    if (withExtension) await copyFile(SEG, path.join(ml, id, map));
    else await writeNifti(path.join(ml, id, map), { header: { ...seg.header, extensionFlag: 0 }, volume: seg.volume });
    if (json !== undefined) await writeFile(path.join(ml, id, 'labels.json'), JSON.stringify(json));
  };
  await mlCase('caseA', 'label.nii.gz');
  await mlCase('caseB', 'seg.nii.gz', { '1': 'spleen', '5': 'liver' });
  await mlCase('caseC', 'segmentation.nii.gz', { spleen: 1, liver: 5 }, false);
  await mlCase('caseD', 'label.nii.gz', { labels: { background: 0, spleen: 1, liver: 5 } }, false);
  await mlCase('caseE', 'label.nii.gz', undefined, false);

  // (c) nnU-Net raw.
  const nn = path.join(tmp, 'nn');
  await mkdirp(path.join(nn, 'imagesTr'));
  await mkdirp(path.join(nn, 'labelsTr'));
  await copyFile(CT, path.join(nn, 'imagesTr', 'abd_001_0000.nii.gz'));
  await copyFile(CT, path.join(nn, 'imagesTr', 'abd_001_0001.nii.gz'));
  await copyFile(CT, path.join(nn, 'imagesTr', 'abd_002_0000.nii.gz'));
  await copyFile(SEG, path.join(nn, 'labelsTr', 'abd_001.nii.gz'));
  await writeFile(
    path.join(nn, 'dataset.json'),
    JSON.stringify({
      channel_names: { '0': 'CT' },
      labels: { background: 0, spleen: 1, liver: 5, kidneys: [2, 3] },
      numTraining: 2,
      file_ending: '.nii.gz',
    }),
  );

  // Both case kinds in one folder.
  const mixed = path.join(tmp, 'mixed');
  await mkdirp(path.join(mixed, 'p1', 'segmentations'));
  await copyFile(CT, path.join(mixed, 'p1', 'ct.nii.gz'));
  await copyFile(path.join(s1, 'liver.nii.gz'), path.join(mixed, 'p1', 'segmentations', 'liver.nii.gz'));
  await mkdirp(path.join(mixed, 'p2'));
  await copyFile(CT, path.join(mixed, 'p2', 'ct.nii.gz'));
  await copyFile(SEG, path.join(mixed, 'p2', 'seg.nii.gz'));

  return { tmp, seg, classes, ts, ml, nn, mixed };
}
