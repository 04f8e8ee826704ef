/**
 * The NIfTI conversion of a scanned dataset, in the TotalSegmentator layout: `<out>/<case>/ct.nii.gz` and
 * `<out>/<case>/segmentations/<label>.nii.gz`, whatever the source formats (DICOM series, NRRD, .seg.nrrd,
 * DICOM SEG, NIfTI). Every volume is written in its closest-RAS voxel order (a lossless reorientation), CT values
 * as decoded, each label as a 0/1 uint8 mask on the CT's grid: a label on another grid is resampled exactly as
 * scoring resamples it (dataset/grid-rule), so the converted dataset scores the same as the original. Nothing is
 * written into the dataset; the output folder must be new or empty.
 */
import { mkdir, readdir, copyFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SentinelError, asSentinelError } from '../errors';
import { encodeNifti } from '../nifti';
import type { Volume } from '../volume';
import { fitToCt } from './grid-rule';
import { labelPath, type CaseEntry, type DatasetManifest, type LabelEntry } from './manifest';
import { LabelVolumeReader, readCanonical, type MaskVolume } from './read-volume';
import { META_CSV } from './meta';

export interface ConvertOptions {
  /** Where to read a dataset-relative path (the workspace copy of a corrected label, say). */
  resolvePath?: (rel: string) => string;
  onCase?: (done: number, total: number, caseId: string) => void;
  signal?: AbortSignal;
}

export interface ConvertedLabel {
  caseId: string;
  /** The label's path in the source dataset (file or file#value). */
  from: string;
  /** Relative to the output folder; null when the label was not written. */
  to: string | null;
  /** Why it was not written, or the resampling warning. */
  note?: string;
}

export interface ConvertResult {
  cases: number;
  labels: ConvertedLabel[];
  /** Cases whose CT could not be read (nothing written for them). */
  failedCases: { caseId: string; reason: string }[];
}

/** Writes the NIfTI conversion of `manifest` into `out`. */
export async function convertDatasetToNifti(manifest: DatasetManifest, out: string, opts: ConvertOptions = {}): Promise<ConvertResult> {
  const outAbs = path.resolve(out);
  await checkOutput(manifest.root, outAbs);
  const abs = (rel: string): string => (opts.resolvePath ? opts.resolvePath(rel) : path.join(manifest.root, rel));
  const result: ConvertResult = { cases: 0, labels: [], failedCases: [] };
  let done = 0;
  for (const entry of manifest.cases) {
    opts.signal?.throwIfAborted();
    const caseDir = manifest.singleCase ? outAbs : path.join(outAbs, safeName(entry.id));
    const ok = await convertCase(entry, caseDir, outAbs, abs, result);
    if (ok) result.cases++;
    opts.onCase?.(++done, manifest.cases.length, entry.id);
  }
  const meta = path.join(manifest.root, META_CSV);
  if (!manifest.singleCase && (await stat(meta).then((s) => s.isFile(), () => false))) await copyFile(meta, path.join(outAbs, META_CSV));
  return result;
}

async function convertCase(
  entry: CaseEntry,
  caseDir: string,
  outAbs: string,
  abs: (rel: string) => string,
  result: ConvertResult,
): Promise<boolean> {
  let ct: Volume;
  try {
    ct = await readCanonical(abs(entry.ct.path));
  } catch (err) {
    const reason = asSentinelError(err, entry.ct.path).message;
    result.failedCases.push({ caseId: entry.id, reason });
    for (const l of entry.labels) result.labels.push({ caseId: entry.id, from: labelPath(l.source), to: null, note: `CT unreadable: ${reason}` });
    return false;
  }
  await mkdir(path.join(caseDir, 'segmentations'), { recursive: true });
  await write(path.join(caseDir, 'ct.nii.gz'), ct);
  const reader = new LabelVolumeReader(entry.ct.grid ? { referenceGrid: entry.ct.grid } : {});
  const taken = new Set<string>();
  for (const l of entry.labels) {
    const from = labelPath(l.source);
    const note = await convertLabel(l, ct, reader, abs, caseDir, taken);
    const to = note.written ? toPosix(path.relative(outAbs, note.written)) : null;
    result.labels.push({ caseId: entry.id, from, to, ...(note.note ? { note: note.note } : {}) });
  }
  return true;
}

async function convertLabel(
  l: LabelEntry,
  ct: Volume,
  reader: LabelVolumeReader,
  abs: (rel: string) => string,
  caseDir: string,
  taken: Set<string>,
): Promise<{ written?: string; note?: string }> {
  if (l.status === 'error' || l.status === 'grid_mismatch') return { note: `${l.status}: ${l.message ?? ''}`.trim() };
  let read: MaskVolume;
  try {
    read = await reader.read(abs(l.source.path), l.source);
  } catch (err) {
    return { note: `error: ${asSentinelError(err, l.source.path).message}` };
  }
  const fitted = fitToCt(read.volume, ct.grid, read.fileGrid);
  if (!fitted.ok) return { note: `grid_mismatch: ${fitted.reason}` };
  const src = fitted.volume.data;
  const mask = new Uint8Array(src.length);
  if (l.source.kind === 'file') for (let i = 0; i < src.length; i++) mask[i] = src[i] > 0 ? 1 : 0;
  else for (let i = 0; i < src.length; i++) mask[i] = src[i] === l.source.value ? 1 : 0;
  const file = path.join(caseDir, 'segmentations', `${uniqueName(safeName(l.organ), taken)}.nii.gz`);
  await write(file, { grid: ct.grid, data: mask });
  return { written: file, ...(fitted.warning ? { note: fitted.warning } : {}) };
}

async function write(file: string, volume: Volume): Promise<void> {
  try {
    await writeFile(file, await encodeNifti({ volume }, { gzip: true }));
  } catch (err) {
    throw asSentinelError(err, file);
  }
}

/** The output must be a new or empty folder outside the dataset: a conversion never writes into its source. */
async function checkOutput(root: string, out: string): Promise<void> {
  const rel = path.relative(root, out);
  if (rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))) {
    throw new SentinelError('invalid_argument', 'the output folder is inside the dataset: choose a folder outside it', out);
  }
  const existing = await readdir(out).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw asSentinelError(err, out);
  });
  if (existing.length > 0) throw new SentinelError('invalid_argument', 'the output folder is not empty', out);
  await mkdir(out, { recursive: true });
}

/** A file or folder name from a label or case name: path separators and characters Windows refuses become '_'. */
export function safeName(name: string): string {
  const s = name.replace(/[/\\:*?"<>|\u0000-\u001f]/g, '_').replace(/^\.+/, '_').trim();
  return s === '' ? '_' : s;
}

function uniqueName(name: string, taken: Set<string>): string {
  let n = name;
  for (let i = 2; taken.has(n.toLowerCase()); i++) n = `${name}_${i}`;
  taken.add(n.toLowerCase());
  return n;
}

const toPosix = (p: string): string => p.split(path.sep).join('/');
