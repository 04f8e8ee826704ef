/**
 * Volume file formats behind one interface: NIfTI (src/core/nifti), NRRD / .nhdr, Slicer .seg.nrrd, DICOM CT
 * series and DICOM SEG. Every reader returns a grid with a RAS+ affine in the file's own voxel order, as the NIfTI
 * reader does, so callers apply nifti/toCanonical the same way for every format. docs/formats.md has the details.
 *
 * Additions to the agreed contract (no renames):
 * - VolumeFileInfo.fileGrid / .resampled: the file's own grid, and whether the volume is resampled onto
 *   opts.referenceGrid (grid is then the reference grid). With a referenceGrid on the same world grid in another
 *   voxel order, nothing is resampled and grid stays the file's own.
 * - VolumeFileInfo.seriesUid / .files: for 'dicom-series', the series read and its slice files in k order.
 * - opts.seriesUid: which series of a multi-series DICOM folder to read (without it such a folder is an error
 *   that lists the series, unless the folder's SERIES_CHOICE_FILE `.series` names one); listDicomSeries(folder)
 *   lists them.
 * - writeMaskFile req.segment: write only that segment (mask is its 0/1 mask), keeping every other segment of the
 *   template as it is: the way to save into overlapping files (layered .seg.nrrd, overlapping DICOM SEG).
 * - encodeMaskFiles(req): like writeMaskFile but returns every file to write; a .nhdr gives two (header, data).
 *   writeMaskFile refuses a .nhdr path for that reason.
 */
import { readNifti, readNiftiHeader, encodeNifti, labelTableExtension, findLabelTable, type LabelTable } from '../nifti';
import { asSentinelError, SentinelError } from '../errors';
import type { Grid, Volume } from '../volume';
import { detectVolumeFormat, type VolumeFormat } from './detect';
import {
  dicomSegInfo, dicomSeriesGeometry, encodeDicomSeg, listDicomSeries, readDicomSegLabelMap, readDicomSegMask, readDicomSeries,
  SERIES_CHOICE_FILE,
} from './dicom';
import { encodeNrrdMask, equalsMask, nrrdInfo, nrrdSegmentMask, nrrdVolume } from './nrrd';
import { resampleNearest, sameWorldGrid, toVoxelOrder } from './resample';

export type { VolumeFormat } from './detect';
export type { SeriesSummary } from './dicom';
export { detectVolumeFormat, listDicomSeries, resampleNearest, SERIES_CHOICE_FILE };

export interface VolumeFileInfo {
  format: VolumeFormat;
  path: string;
  /** RAS+ affine, in the file's own voxel order (callers apply nifti/toCanonical, as for NIfTI). */
  grid: Grid;
  /** The file's own grid (equal to grid unless resampled). */
  fileGrid: Grid;
  /** True when the volume is resampled (nearest neighbour) onto opts.referenceGrid. */
  resampled: boolean;
  /** Multi-segment files (seg.nrrd, DICOM SEG): label value -> {name, rgb}. */
  labelTable?: LabelTable;
  /** Segments overlap, so the label map cannot hold them all: read each with readSegmentMask. */
  overlapping?: boolean;
  /** DICOM series: the Series Instance UID read, and its slice files in k order. */
  seriesUid?: string;
  files?: string[];
  warnings: string[];
}

export interface VolumeFile extends VolumeFileInfo {
  volume: Volume;
}

export interface ReadOptions {
  referenceGrid?: Grid;
  /** A multi-series DICOM folder: the series to read. */
  seriesUid?: string;
}

async function formatOf(path: string): Promise<VolumeFormat> {
  const f = await detectVolumeFormat(path);
  if (!f) throw new SentinelError('unsupported', 'not a volume format the engine reads (NIfTI, NRRD, .seg.nrrd, DICOM series or SEG)', path);
  return f;
}

function resampleNote(file: Grid, ref: Grid): string {
  return `the file's grid (${file.dims.join('x')}) differs from the image's (${ref.dims.join('x')}): it is resampled by nearest neighbour when read`;
}

/** Fills grid/resampled against a reference grid for formats that do not place themselves. */
function against(fileGrid: Grid, ref: Grid | undefined, warnings: string[]): { grid: Grid; fileGrid: Grid; resampled: boolean } {
  if (!ref || sameWorldGrid(fileGrid, ref)) return { grid: fileGrid, fileGrid, resampled: false };
  warnings.push(resampleNote(fileGrid, ref));
  return { grid: ref, fileGrid, resampled: true };
}

function onReference(volume: Volume, ref: Grid | undefined, warnings: string[]): Volume {
  if (!ref || sameWorldGrid(volume.grid, ref)) return volume;
  const r = resampleNearest(volume, ref);
  if (r.warning) warnings.push(r.warning);
  return r.volume;
}

export async function readVolumeInfo(path: string, opts: ReadOptions = {}): Promise<VolumeFileInfo> {
  try {
    const format = await formatOf(path);
    const ref = opts.referenceGrid;
    const warnings: string[] = [];
    switch (format) {
      case 'nifti': {
        const h = await readNiftiHeader(path);
        return { format, path, ...against(h.grid, ref, warnings), ...(h.labelTable ? { labelTable: h.labelTable } : {}), warnings };
      }
      case 'nrrd':
      case 'seg-nrrd': {
        const info = await nrrdInfo(path);
        warnings.push(...info.warnings);
        return {
          format: info.isSegmentation ? 'seg-nrrd' : 'nrrd', path, ...against(info.grid, ref, warnings),
          ...(info.labelTable ? { labelTable: info.labelTable } : {}), ...(info.isSegmentation ? { overlapping: info.overlapping } : {}), warnings,
        };
      }
      case 'dicom-series': {
        const { geometry, warnings: w } = await dicomSeriesGeometry(path, opts.seriesUid);
        warnings.push(...w);
        return {
          format, path, ...against(geometry.grid, ref, warnings), seriesUid: geometry.slices[0].seriesUid,
          files: geometry.slices.map((s) => s.path), warnings,
        };
      }
      case 'dicom-seg': {
        const r = await dicomSegInfo(path, ref);
        return { format, path, grid: r.grid, fileGrid: r.fileGrid, resampled: r.resampled, labelTable: r.seg.labelTable, overlapping: r.overlapping, warnings: r.warnings };
      }
    }
  } catch (err) {
    throw asSentinelError(err, path);
  }
}

export async function readVolumeFile(path: string, opts: ReadOptions & { maxVoxels?: number } = {}): Promise<VolumeFile> {
  try {
    const format = await formatOf(path);
    const ref = opts.referenceGrid;
    const warnings: string[] = [];
    switch (format) {
      case 'nifti': {
        const img = await readNifti(path, opts.maxVoxels !== undefined ? { maxVoxels: opts.maxVoxels } : {});
        const volume = onReference(img.volume, ref, warnings);
        return {
          format, path, grid: volume.grid, fileGrid: img.volume.grid, resampled: volume !== img.volume, volume,
          ...(img.labelTable ? { labelTable: img.labelTable } : {}), warnings,
        };
      }
      case 'nrrd':
      case 'seg-nrrd': {
        const { info, volume: own } = await nrrdVolume(path, opts.maxVoxels);
        warnings.push(...info.warnings);
        const volume = onReference(own, ref, warnings);
        return {
          format: info.isSegmentation ? 'seg-nrrd' : 'nrrd', path, grid: volume.grid, fileGrid: own.grid, resampled: volume !== own, volume,
          ...(info.labelTable ? { labelTable: info.labelTable } : {}), ...(info.isSegmentation ? { overlapping: info.overlapping } : {}), warnings,
        };
      }
      case 'dicom-series': {
        const r = await readDicomSeries(path, { ...(opts.seriesUid !== undefined ? { seriesUid: opts.seriesUid } : {}), ...(opts.maxVoxels !== undefined ? { maxVoxels: opts.maxVoxels } : {}) });
        warnings.push(...r.warnings);
        const volume = onReference(r.volume, ref, warnings);
        return {
          format, path, grid: volume.grid, fileGrid: r.volume.grid, resampled: volume !== r.volume, volume,
          seriesUid: r.geometry.slices[0].seriesUid, files: r.geometry.slices.map((s) => s.path), warnings,
        };
      }
      case 'dicom-seg': {
        const r = await readDicomSegLabelMap(path, ref);
        return {
          format, path, grid: r.volume.grid, fileGrid: r.fileGrid, resampled: r.resampled, volume: r.volume,
          labelTable: r.seg.labelTable, overlapping: r.overlapping, warnings: r.warnings,
        };
      }
    }
  } catch (err) {
    throw asSentinelError(err, path);
  }
}

/** One segment's (or label value's) 0/1 mask, on opts.referenceGrid when given. */
export async function readSegmentMask(path: string, value: number, opts: { referenceGrid?: Grid } = {}): Promise<Volume> {
  try {
    const format = await formatOf(path);
    const ref = opts.referenceGrid;
    const ignore: string[] = [];
    switch (format) {
      case 'nifti': {
        const img = await readNifti(path);
        return onReference({ grid: img.volume.grid, data: equalsMask(img.volume.data, value) }, ref, ignore);
      }
      case 'nrrd':
      case 'seg-nrrd':
        return onReference(await nrrdSegmentMask(path, value), ref, ignore);
      case 'dicom-seg':
        return await readDicomSegMask(path, value, ref);
      case 'dicom-series':
        throw new SentinelError('invalid_argument', 'a DICOM image series holds no segments', path);
    }
  } catch (err) {
    throw asSentinelError(err, path);
  }
}

export interface MaskWriteRequest {
  path: string;
  format: VolumeFormat;
  /** Label map or 0/1, on its own grid. */
  mask: Volume;
  labelTable?: LabelTable;
  /** The original file, to keep its metadata (segment names, colours, NRRD keys, SEG attributes). */
  template?: string;
  /** DICOM CT series folder, for DICOM SEG. */
  referencedSeries?: string;
  /** Write only this segment: mask is its 0/1 mask; the template's other segments stay as they are. */
  segment?: number;
}

/** The template's grid when the mask lies on it in another voxel order: files keep their own layout. */
async function inTemplateOrder(req: MaskWriteRequest): Promise<Volume> {
  if (!req.template || req.format === 'dicom-seg') return req.mask;
  const tpl = await readVolumeInfo(req.template);
  if (sameWorldGrid(req.mask.grid, tpl.fileGrid)) return toVoxelOrder(req.mask, tpl.fileGrid);
  if (req.segment !== undefined) {
    throw new SentinelError('grid_mismatch', `the mask (${req.mask.grid.dims.join('x')}) is not on the grid of the file it goes into (${tpl.fileGrid.dims.join('x')})`, req.path);
  }
  return req.mask;
}

/** Every file a mask write produces (one, or two for a .nhdr and its data file); nothing is written here. */
export async function encodeMaskFiles(req: MaskWriteRequest): Promise<{ path: string; bytes: Uint8Array }[]> {
  try {
    const mask = await inTemplateOrder(req);
    switch (req.format) {
      case 'nifti':
        return [{ path: req.path, bytes: await encodeNiftiMask({ ...req, mask }) }];
      case 'nrrd':
      case 'seg-nrrd':
        return await encodeNrrdMask({
          path: req.path, mask, segmentation: req.format === 'seg-nrrd',
          ...(req.labelTable ? { labelTable: req.labelTable } : {}), ...(req.template ? { template: req.template } : {}),
          ...(req.segment !== undefined ? { segment: req.segment } : {}),
        });
      case 'dicom-seg':
        return [{ path: req.path, bytes: await encodeDicomSeg({ ...req, mask }) }];
      case 'dicom-series':
        throw new SentinelError('unsupported', 'a mask is not written as a DICOM image series; write a DICOM SEG', req.path);
    }
  } catch (err) {
    throw asSentinelError(err, req.path);
  }
}

/** The bytes of one mask file (the store writes them atomically). A .nhdr needs encodeMaskFiles. */
export async function writeMaskFile(req: MaskWriteRequest): Promise<Uint8Array> {
  if (/\.nhdr$/i.test(req.path)) {
    throw new SentinelError('unsupported', 'a .nhdr header and its data file are two files: use encodeMaskFiles', req.path);
  }
  const files = await encodeMaskFiles(req);
  return files[0].bytes;
}

async function encodeNiftiMask(req: MaskWriteRequest): Promise<Uint8Array> {
  const gzip = /\.gz$/i.test(req.path);
  if (!req.template) {
    return encodeNifti({ volume: req.mask, ...(req.labelTable ? { extensions: [labelTableExtension(req.labelTable)] } : {}) }, { gzip });
  }
  const tpl = req.segment !== undefined ? await readNifti(req.template) : undefined;
  const head = tpl ?? (await readNiftiHeader(req.template));
  let volume = req.mask;
  if (tpl && req.segment !== undefined) {
    const labels = tpl.volume.data.slice();
    const value = req.segment;
    const m = req.mask.data;
    if (m.length !== labels.length) throw new SentinelError('grid_mismatch', 'the mask and the file it goes into differ in size', req.path);
    for (let i = 0; i < labels.length; i++) {
      if (m[i]) labels[i] = value;
      else if (labels[i] === value) labels[i] = 0;
    }
    volume = { grid: tpl.volume.grid, data: labels };
  }
  let extensions = head.extensions;
  if (req.labelTable) {
    const had = findLabelTable(extensions);
    const ecode = had ? (extensions.find((e) => findLabelTable([e]))?.ecode ?? 0) : 0;
    extensions = [...extensions.filter((e) => !findLabelTable([e])), labelTableExtension(req.labelTable, ecode)];
  }
  return encodeNifti({ header: head.header, volume, extensions }, { gzip });
}
