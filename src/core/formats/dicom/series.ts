/**
 * A folder of DICOM files as series: each file's header is read (up to its pixel data), image slices are grouped
 * by Series Instance UID, and non-image objects (SEG, structure sets, reports) are set aside.
 */
import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { SentinelError } from '../../errors';
import { mapLimit, readWhole } from '../files';
import { num, nums, str, TAG, us } from './lib';
import { readDicomHeader, type DicomFile } from './read-file';

/** A folder with more files than this is not one case's image. */
export const MAX_FOLDER_FILES = 20000;
/**
 * A file in a series folder naming the Series Instance UID to read when the folder holds several image series.
 * A dot file, so that folder listings of slices (here and in detect.ts) never take it for a slice.
 */
export const SERIES_CHOICE_FILE = '.series';
/** A UID is at most 64 characters; the file may hold a comment line or two as well. */
const MAX_CHOICE_BYTES = 4096;
const SEG_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.66.4';
/** SOP classes that carry no image slice: SEG, RT structures/plans/doses, SR, presentation states, KOS. */
const NON_IMAGE = /^1\.2\.840\.10008\.5\.1\.4\.1\.1\.(66\.|481\.[2-9]|88\.|11\.|104\.)/;

export interface SliceHeader {
  path: string;
  sopClassUid: string;
  sopInstanceUid: string;
  seriesUid: string;
  seriesDescription?: string;
  seriesNumber?: number;
  instanceNumber?: number;
  modality?: string;
  rows?: number;
  cols?: number;
  frames: number;
  iop?: number[];
  ipp?: number[];
  /** (0028,0030): spacing between rows, then between columns (mm). */
  pixelSpacing?: number[];
  sliceThickness?: number;
  spacingBetweenSlices?: number;
  slope: number;
  intercept: number;
  bitsAllocated?: number;
  bitsStored?: number;
  signed: boolean;
  transferSyntax: string;
}

export interface SeriesSummary {
  seriesUid: string;
  description?: string;
  seriesNumber?: number;
  modality?: string;
  slices: number;
}

export interface DicomFolderScan {
  folder: string;
  /** Image slices by Series Instance UID. */
  series: Map<string, SliceHeader[]>;
  /** Non-image objects (e.g. a SEG stored beside its CT). */
  others: SliceHeader[];
  /** Files that are not readable DICOM, with the reason. */
  skipped: { path: string; reason: string; error?: SentinelError }[];
  /** The series named by the folder's SERIES_CHOICE_FILE, when it has one. */
  chosen?: string;
}

export function sliceHeader(file: DicomFile): SliceHeader {
  const { ds, path } = file;
  const rows = us(ds, TAG.rows);
  const cols = us(ds, TAG.columns);
  const bitsAllocated = us(ds, TAG.bitsAllocated);
  const bitsStored = us(ds, TAG.bitsStored);
  const seriesDescription = str(ds, TAG.seriesDescription);
  const seriesNumber = num(ds, TAG.seriesNumber);
  const instanceNumber = num(ds, TAG.instanceNumber);
  const modality = str(ds, TAG.modality);
  const iop = nums(ds, TAG.imageOrientation);
  const ipp = nums(ds, TAG.imagePosition);
  const pixelSpacing = nums(ds, TAG.pixelSpacing);
  const sliceThickness = num(ds, TAG.sliceThickness);
  const spacingBetweenSlices = num(ds, TAG.spacingBetweenSlices);
  const slope = num(ds, TAG.rescaleSlope);
  return {
    path,
    sopClassUid: str(ds, TAG.sopClass) ?? str(ds, TAG.mediaSopClass) ?? '',
    sopInstanceUid: str(ds, TAG.sopInstance) ?? '',
    seriesUid: str(ds, TAG.seriesInstanceUid) ?? '',
    ...(seriesDescription !== undefined ? { seriesDescription } : {}),
    ...(seriesNumber !== undefined ? { seriesNumber } : {}),
    ...(instanceNumber !== undefined ? { instanceNumber } : {}),
    ...(modality !== undefined ? { modality } : {}),
    ...(rows !== undefined ? { rows } : {}),
    ...(cols !== undefined ? { cols } : {}),
    frames: Math.max(1, Math.round(num(ds, TAG.numberOfFrames) ?? 1)),
    ...(iop ? { iop } : {}),
    ...(ipp ? { ipp } : {}),
    ...(pixelSpacing ? { pixelSpacing } : {}),
    ...(sliceThickness !== undefined ? { sliceThickness } : {}),
    ...(spacingBetweenSlices !== undefined ? { spacingBetweenSlices } : {}),
    // A zero slope would erase the image: treated as absent.
    slope: slope !== undefined && slope !== 0 ? slope : 1,
    intercept: num(ds, TAG.rescaleIntercept) ?? 0,
    ...(bitsAllocated !== undefined ? { bitsAllocated } : {}),
    ...(bitsStored !== undefined ? { bitsStored } : {}),
    signed: us(ds, TAG.pixelRepresentation) === 1,
    transferSyntax: file.syntax.uid,
  };
}

function isImage(h: SliceHeader, file: DicomFile): boolean {
  return h.sopClassUid !== SEG_SOP_CLASS && !NON_IMAGE.test(h.sopClassUid) && file.ds.elements[TAG.pixelData] !== undefined;
}

/**
 * Native pixel data shorter than Rows × Columns × Bits Allocated promise: caught from the header, so a lying Rows
 * cannot make the reader allocate a volume the file cannot fill.
 */
function shortPixelData(file: DicomFile, h: SliceHeader): SentinelError | null {
  const el = file.ds.elements[TAG.pixelData];
  if (!el || file.syntax.codec || !h.rows || !h.cols) return null;
  const need = Math.ceil((h.rows * h.cols * h.frames * (h.bitsAllocated ?? 16)) / 8);
  if (el.length >= need) return null;
  return new SentinelError('truncated', `the pixel data holds ${el.length} bytes; ${h.cols}x${h.rows}x${h.frames} at ${h.bitsAllocated ?? 16} bits needs ${need}`, h.path);
}

/** Reads every file's header in a folder (not its subfolders). */
export async function scanDicomFolder(folder: string): Promise<DicomFolderScan> {
  const entries = await readdir(folder, { withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && !e.name.startsWith('.') && e.name.toUpperCase() !== 'DICOMDIR')
    .map((e) => join(folder, e.name))
    .sort();
  if (files.length > MAX_FOLDER_FILES) {
    throw new SentinelError('too_large', `the folder holds ${files.length} files; a series folder is read up to ${MAX_FOLDER_FILES}`, folder);
  }
  const scan: DicomFolderScan = { folder, series: new Map(), others: [], skipped: [] };
  if (entries.some((e) => e.isFile() && e.name === SERIES_CHOICE_FILE)) scan.chosen = await readSeriesChoice(join(folder, SERIES_CHOICE_FILE));
  const results = await mapLimit(files, 8, async (path) => {
    try {
      const file = await readDicomHeader(path);
      return { file, header: sliceHeader(file) };
    } catch (err) {
      const error = err instanceof SentinelError ? err : undefined;
      return { path, reason: err instanceof Error ? err.message.replace(`${path}: `, '') : String(err), ...(error ? { error } : {}) };
    }
  });
  for (const r of results) {
    if ('reason' in r) {
      // A DICOM file that cannot be read (cut short, damaged, a refused transfer syntax) would leave a hole in its
      // series: it is the folder's error, named as it is. Files that are not DICOM at all are only noted.
      if (r.error && !/no "DICM"/.test(r.error.message)) throw r.error;
      scan.skipped.push(r);
      continue;
    }
    const { file, header } = r;
    if (!isImage(header, file)) {
      scan.others.push(header);
      continue;
    }
    const short = shortPixelData(file, header);
    if (short) throw short;
    const key = header.seriesUid || '(no Series Instance UID)';
    if (!scan.series.has(key)) scan.series.set(key, []);
    scan.series.get(key)!.push(header);
  }
  return scan;
}

/** The UID a SERIES_CHOICE_FILE names: its first line that is neither empty nor a # comment. */
async function readSeriesChoice(file: string): Promise<string> {
  const text = new TextDecoder().decode(await readWhole(file, MAX_CHOICE_BYTES, 'series choice file'));
  const uid = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== '' && !l.startsWith('#'));
  if (!uid || !/^[0-9]+(\.[0-9]+)*$/.test(uid) || uid.length > 64) {
    // Named as the folder's problem, so the scan's message reads "<case>/ct: .series should hold ...".
    throw new SentinelError('invalid_argument', `${basename(file)} should hold one Series Instance UID (digits and dots, at most 64 characters)${uid ? `, not "${uid.slice(0, 80)}"` : ''}`, dirname(file));
  }
  return uid;
}

export function summarise(scan: DicomFolderScan): SeriesSummary[] {
  return [...scan.series.entries()].map(([seriesUid, slices]) => {
    const first = slices[0];
    return {
      seriesUid, slices: slices.length,
      ...(first.seriesDescription !== undefined ? { description: first.seriesDescription } : {}),
      ...(first.seriesNumber !== undefined ? { seriesNumber: first.seriesNumber } : {}),
      ...(first.modality !== undefined ? { modality: first.modality } : {}),
    };
  });
}

/**
 * The one image series to read: the one named (by the caller, else by the folder's SERIES_CHOICE_FILE), or the only
 * one there is.
 */
export function pickSeries(scan: DicomFolderScan, seriesUid?: string): SliceHeader[] {
  const wanted = seriesUid ?? scan.chosen;
  if (wanted !== undefined) {
    const s = scan.series.get(wanted);
    if (!s) {
      const by = seriesUid === undefined ? `${SERIES_CHOICE_FILE} names ${wanted}, but there is no such image series in this folder` : `no image series ${wanted} in this folder`;
      throw new SentinelError('not_found', `${by} (series: ${[...scan.series.keys()].join(', ') || 'none'})`, scan.folder);
    }
    return s;
  }
  if (scan.series.size === 0) {
    const why = scan.others.length > 0
      ? `it holds only non-image objects (${scan.others.map((o) => `${basename(o.path)}: ${o.modality ?? o.sopClassUid}`).slice(0, 3).join(', ')})`
      : scan.skipped.length > 0 ? `none of its ${scan.skipped.length} files is readable DICOM (${basename(scan.skipped[0].path)}: ${scan.skipped[0].reason})` : 'it is empty';
    throw new SentinelError('empty', `no DICOM image series in this folder: ${why}`, scan.folder);
  }
  if (scan.series.size > 1) {
    const list = summarise(scan)
      .map((s) => `${s.seriesUid} (${s.slices} slice${s.slices === 1 ? '' : 's'}${s.description ? `, "${s.description}"` : ''})`)
      .join('; ');
    throw new SentinelError(
      'unsupported',
      `the folder holds ${scan.series.size} image series: ${list}. To use one, write its Series Instance UID into a file named ` +
        `${SERIES_CHOICE_FILE} in this folder, or move the other series' files out of it`,
      scan.folder,
    );
  }
  return [...scan.series.values()][0];
}
