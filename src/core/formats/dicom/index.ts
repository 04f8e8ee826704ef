/** DICOM CT series and DICOM SEG, as the format interface uses them. */
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Grid, Volume } from '../../volume';
import { resampleNearest, sameWorldGrid } from '../resample';
import { readDicomHeader } from './read-file';
import { segLabelMap, segMask } from './seg-decode';
import { ownGrid, segPlacement } from './seg-grid';
import { readSegObject, type SegObject } from './seg-read';
import { pickSeries, scanDicomFolder, SERIES_CHOICE_FILE, sliceHeader, summarise, type DicomFolderScan, type SeriesSummary } from './series';
import { seriesGeometry, type SeriesGeometry } from './series-geometry';
import { readSeriesVolume } from './series-read';

export { encodeDicomSeg, type SegWriteRequest } from './seg-write';
export { hasDicmMagic } from './read-file';
export { SEG_SOP_CLASS } from './seg-read';
export { SERIES_CHOICE_FILE, type SeriesSummary } from './series';

/** The folder to scan and the series to pick: a folder as given, or a file's folder and that file's series. */
async function locate(path: string, seriesUid?: string): Promise<{ scan: DicomFolderScan; seriesUid?: string }> {
  if ((await stat(path)).isDirectory()) return { scan: await scanDicomFolder(path), ...(seriesUid !== undefined ? { seriesUid } : {}) };
  const own = sliceHeader(await readDicomHeader(path)).seriesUid;
  return { scan: await scanDicomFolder(dirname(path)), seriesUid: seriesUid ?? own };
}

function scanWarnings(scan: DicomFolderScan): string[] {
  const out: string[] = [];
  if (scan.skipped.length > 0) {
    out.push(`${scan.skipped.length} file${scan.skipped.length === 1 ? '' : 's'} in the folder ignored (${basename(scan.skipped[0].path)}: ${scan.skipped[0].reason})`);
  }
  if (scan.others.length > 0) out.push(`${scan.others.length} non-image object${scan.others.length === 1 ? '' : 's'} (${[...new Set(scan.others.map((o) => o.modality ?? '?'))].join(', ')}) left aside`);
  if (scan.series.size > 1) out.push(`the folder holds ${scan.series.size} image series${scan.chosen !== undefined ? ` (${SERIES_CHOICE_FILE} picks ${scan.chosen})` : ''}`);
  return out;
}

export async function dicomSeriesGeometry(path: string, seriesUid?: string): Promise<{ geometry: SeriesGeometry; warnings: string[] }> {
  const { scan, seriesUid: uid } = await locate(path, seriesUid);
  const geometry = seriesGeometry(pickSeries(scan, uid), scan.folder);
  return { geometry, warnings: [...scanWarnings(scan), ...geometry.warnings] };
}

export async function readDicomSeries(path: string, opts: { seriesUid?: string; maxVoxels?: number } = {}): Promise<{ geometry: SeriesGeometry; volume: Volume; warnings: string[] }> {
  const { geometry, warnings } = await dicomSeriesGeometry(path, opts.seriesUid);
  const read = await readSeriesVolume(geometry, opts.maxVoxels);
  return { geometry, volume: read.volume, warnings: [...warnings, ...read.warnings] };
}

/** The image series in a folder (for a picker when it holds more than one). */
export async function listDicomSeries(folder: string): Promise<SeriesSummary[]> {
  return summarise(await scanDicomFolder(folder));
}

export interface SegRead {
  /** The grid the label map comes on (the reference grid when given). */
  grid: Grid;
  /** The frames' own stacked grid. */
  fileGrid: Grid;
  resampled: boolean;
  seg: SegObject;
  warnings: string[];
}

async function segOnGrid(path: string, referenceGrid?: Grid): Promise<SegRead & { at: ReturnType<typeof segPlacement> }> {
  const seg = await readSegObject(path);
  const at = segPlacement(seg, referenceGrid);
  const fileGrid = at.onReference ? ownGridOr(seg, at.grid) : at.grid;
  const resampled = referenceGrid !== undefined && !at.onReference && !sameWorldGrid(at.grid, referenceGrid);
  return { grid: resampled ? referenceGrid! : at.grid, fileGrid, resampled, seg, at, warnings: [...seg.warnings] };
}

/** The frames' own grid, or (for frames that only fit the reference grid) that grid. */
function ownGridOr(seg: SegObject, fallback: Grid): Grid {
  try {
    return ownGrid(seg).grid;
  } catch {
    return fallback;
  }
}

/** Header-level facts of a SEG; overlap is found by painting the frames (cheap: they are bit-packed). */
export async function dicomSegInfo(path: string, referenceGrid?: Grid): Promise<SegRead & { overlapping: boolean }> {
  const r = await segOnGrid(path, referenceGrid);
  const map = await segLabelMap(r.seg, r.at);
  if (r.resampled) r.warnings.push(`the segmentation's frames (${r.fileGrid.dims.join('x')}) do not lie on the image's grid (${referenceGrid!.dims.join('x')}): resampled by nearest neighbour when read`);
  if (map.overlapping.length > 0) r.warnings.push(overlapWarning(map.overlapping, map.overlapVoxels));
  return { ...r, overlapping: map.overlapping.length > 0 };
}

function overlapWarning(pairs: [number, number][], voxels: number): string {
  return `segments overlap (${pairs.map(([a, b]) => `${a}&${b}`).join(', ')}; ${voxels} voxels): the label map keeps the higher segment number; read each segment alone for its full mask`;
}

export async function readDicomSegLabelMap(path: string, referenceGrid?: Grid): Promise<SegRead & { overlapping: boolean; volume: Volume }> {
  const r = await segOnGrid(path, referenceGrid);
  const map = await segLabelMap(r.seg, r.at);
  let volume: Volume = { grid: r.at.grid, data: map.labels };
  if (map.overlapping.length > 0) r.warnings.push(overlapWarning(map.overlapping, map.overlapVoxels));
  if (r.resampled) {
    const res = resampleNearest(volume, referenceGrid!);
    volume = res.volume;
    if (res.warning) r.warnings.push(res.warning);
  }
  return { ...r, overlapping: map.overlapping.length > 0, volume };
}

export async function readDicomSegMask(path: string, segment: number, referenceGrid?: Grid): Promise<Volume> {
  const r = await segOnGrid(path, referenceGrid);
  const volume: Volume = { grid: r.at.grid, data: await segMask(r.seg, r.at, segment) };
  return r.resampled ? resampleNearest(volume, referenceGrid!).volume : volume;
}
