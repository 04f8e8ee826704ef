/**
 * A validator of nnU-Net v2 raw datasets, written from nnU-Net's documentation (documentation/dataset_format.md)
 * and independent of the exporter: it reads the folder with the file system and the project's NIfTI reader only.
 * - folder `DatasetNNN_Name` (three-digit ID);
 * - dataset.json: channel_names (index "0".. → name), labels (name → int, background 0, values consecutive from 0),
 *   numTraining (the number of training cases), file_ending;
 * - labelsTr/<case><file_ending>, imagesTr/<case>_<XXXX><file_ending> for each channel XXXX, nothing else;
 * - every segmentation: integer values, all among dataset.json's labels; the same geometry as its images
 *   (shape, spacing, origin, direction).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { readNifti } from '../../../src/core/nifti';

export interface NnunetCheck {
  problems: string[];
  cases: string[];
  labels: Record<string, number>;
  /** Label values found in each case's segmentation. */
  found: Map<string, Set<number>>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export async function checkNnunetRaw(folder: string): Promise<NnunetCheck> {
  const problems: string[] = [];
  const found = new Map<string, Set<number>>();
  if (!/^Dataset\d{3}_[A-Za-z0-9_-]+$/.test(basename(folder))) problems.push(`folder name ${basename(folder)} is not DatasetNNN_Name`);
  const ds = JSON.parse(await readFile(join(folder, 'dataset.json'), 'utf8')) as Record<string, unknown>;
  const channels = ds.channel_names;
  const labels = ds.labels;
  if (!isObject(channels)) problems.push('channel_names is not an object');
  if (!isObject(labels)) problems.push('labels is not an object');
  if (!Number.isInteger(ds.numTraining)) problems.push('numTraining is not an integer');
  if (typeof ds.file_ending !== 'string' || !ds.file_ending.startsWith('.')) problems.push('file_ending is not a file ending');
  if (problems.length) return { problems, cases: [], labels: {}, found };
  const ch = channels as Record<string, unknown>;
  const lab = labels as Record<string, unknown>;
  const channelIds = Object.keys(ch).map(Number).sort((a, b) => a - b);
  if (!channelIds.every((id, i) => id === i) || !Object.values(ch).every((v) => typeof v === 'string' && v.length > 0)) {
    problems.push(`channel_names must map "0".."n-1" to names: ${JSON.stringify(ch)}`);
  }
  const values = Object.values(lab);
  if (!values.every((v) => Number.isInteger(v))) problems.push('label values must be integers (no regions here)');
  const sorted = (values as number[]).slice().sort((a, b) => a - b);
  if (lab.background !== 0) problems.push('background must be 0');
  if (!sorted.every((v, i) => v === i)) problems.push(`label values must be consecutive from 0: ${sorted.join(',')}`);
  const ending = ds.file_ending as string;

  const labelFiles = (await readdir(join(folder, 'labelsTr'))).sort();
  const imageFiles = new Set(await readdir(join(folder, 'imagesTr')));
  const cases = labelFiles.filter((f) => f.endsWith(ending)).map((f) => f.slice(0, -ending.length));
  if (cases.length !== labelFiles.length) problems.push('labelsTr holds files without the file ending');
  if (ds.numTraining !== cases.length) problems.push(`numTraining ${String(ds.numTraining)} but ${cases.length} label files`);
  const expectedImages = new Set<string>();
  for (const c of cases) for (const id of channelIds) expectedImages.add(`${c}_${String(id).padStart(4, '0')}${ending}`);
  for (const f of expectedImages) if (!imageFiles.has(f)) problems.push(`imagesTr lacks ${f}`);
  for (const f of imageFiles) if (!expectedImages.has(f)) problems.push(`imagesTr holds ${f}, which belongs to no training case`);

  const allowed = new Set(values as number[]);
  for (const c of cases) {
    const seg = await readNifti(join(folder, 'labelsTr', `${c}${ending}`));
    const d = seg.volume.data;
    if (d instanceof Float32Array || d instanceof Float64Array) problems.push(`${c}: the segmentation is not an integer map`);
    const here = new Set<number>();
    for (let i = 0; i < d.length; i++) here.add(d[i]);
    found.set(c, here);
    for (const v of here) if (!allowed.has(v)) problems.push(`${c}: label value ${v} is not in dataset.json`);
    for (const id of channelIds) {
      const name = `${c}_${String(id).padStart(4, '0')}${ending}`;
      if (!(await stat(join(folder, 'imagesTr', name)).catch(() => null))) continue;
      const img = await readNifti(join(folder, 'imagesTr', name));
      const a = img.volume.grid;
      const b = seg.volume.grid;
      if (a.dims.some((n, i) => n !== b.dims[i])) problems.push(`${c}: image shape ${a.dims.join('x')} vs label ${b.dims.join('x')}`);
      if (a.affine.some((v, i) => Math.abs(v - b.affine[i]) > 1e-4)) problems.push(`${c}: image and label affines differ`);
    }
  }
  return { problems, cases, labels: lab as Record<string, number>, found };
}
