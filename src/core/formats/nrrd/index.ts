/**
 * NRRD and Slicer .seg.nrrd as the engine sees them: a grid (RAS), a label map or scalar volume, segment masks,
 * and encoding a mask back, keeping a source file's fields, key/value pairs and segment metadata.
 */
import { basename } from 'node:path';
import type { LabelTable } from '../../nifti';
import { SentinelError } from '../../errors';
import type { Grid, Volume, VoxelArray } from '../../volume';
import type { NrrdLayout } from './header';
import { readNrrd, readNrrdHeader, type NrrdData } from './read';
import { compositeLabelMap, hasSegmentKeys, parseSegments, segmentMask, type SlicerSegmentation } from './segments';
import { attached, encodeNrrd, typeFor, type NrrdSpace } from './write';
import { slicerSegmentKeys } from './segment-keys';

export interface NrrdVolumeInfo {
  grid: Grid;
  isSegmentation: boolean;
  labelTable?: LabelTable;
  overlapping: boolean;
  warnings: string[];
}

function gridOf(layout: NrrdLayout): Grid {
  return { dims: [...layout.dims], spacing: [...layout.spacing], affine: [...layout.affine] };
}

function describe(path: string, data: Pick<NrrdData, 'header' | 'layout'>): { info: NrrdVolumeInfo; segs?: SlicerSegmentation } {
  const { header, layout } = data;
  const warnings = [...header.warnings];
  if (!hasSegmentKeys(header)) {
    if (layout.layers > 1) {
      throw new SentinelError('unsupported', `a ${layout.layers}-layer NRRD without segment metadata is not a 3D volume`, path);
    }
    return { info: { grid: gridOf(layout), isSegmentation: false, overlapping: false, warnings } };
  }
  const segs = parseSegments(header, layout);
  warnings.push(...segs.warnings);
  return {
    info: { grid: gridOf(layout), isSegmentation: true, labelTable: segs.labelTable, overlapping: segs.layered, warnings },
    segs,
  };
}

export async function nrrdInfo(path: string, maxVoxels?: number): Promise<NrrdVolumeInfo> {
  return describe(path, await readNrrdHeader(path, maxVoxels)).info;
}

/**
 * The whole file as one volume: a plain NRRD's values as stored; a segmentation's label map valued by segment
 * (see segments.ts), where overlapping segments lose voxels to the segment later in the file (with a warning).
 */
export async function nrrdVolume(path: string, maxVoxels?: number): Promise<{ info: NrrdVolumeInfo; volume: Volume }> {
  const data = await readNrrd(path, maxVoxels);
  const { info, segs } = describe(path, data);
  if (!segs) return { info, volume: { grid: info.grid, data: data.values } };
  const { data: labels, overlapVoxels, unknown } = compositeLabelMap(data.values, data.layout, data.header.sizes, segs);
  if (overlapVoxels > 0) info.warnings.push(`${overlapVoxels} voxels belong to more than one segment; the label map keeps the segment later in the file`);
  if (unknown > 0) info.warnings.push(`${unknown} voxels hold values no segment names; they are left out`);
  return { info, volume: { grid: info.grid, data: labels } };
}

/** One segment (or, in a plain NRRD, one label value) as a 0/1 mask. */
export async function nrrdSegmentMask(path: string, value: number, maxVoxels?: number): Promise<Volume> {
  const data = await readNrrd(path, maxVoxels);
  const { info, segs } = describe(path, data);
  if (!segs) return { grid: info.grid, data: equalsMask(data.values, value) };
  const seg = segs.segments.find((s) => s.value === value);
  if (!seg) throw new SentinelError('invalid_argument', `no segment has value ${value} (values: ${segs.segments.map((s) => s.value).join(', ') || 'none'})`, path);
  return { grid: info.grid, data: segmentMask(data.values, data.layout, data.header.sizes, seg) };
}

export function equalsMask(values: VoxelArray, value: number): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) if (values[i] === value) out[i] = 1;
  return out;
}

export interface NrrdMaskWrite {
  path: string;
  /** A label map (or 0/1 mask) on its own grid. */
  mask: Volume;
  segmentation: boolean;
  labelTable?: LabelTable;
  /** The file being replaced: its fields, key/value pairs, space, type, encoding and segment metadata are kept. */
  template?: string;
  /** Write only this segment (mask is its 0/1 mask); every other segment is kept from the template. */
  segment?: number;
}

export interface EncodedFile {
  path: string;
  bytes: Uint8Array;
}

/**
 * Encodes a mask as NRRD or .seg.nrrd. A .nhdr path gives two files (the header and its data file, named as in the
 * template or `<name>.raw.gz` / `.raw`); anything else one attached file.
 */
export async function encodeNrrdMask(req: NrrdMaskWrite): Promise<EncodedFile[]> {
  const tpl = req.template ? await readNrrd(req.template) : undefined;
  const tplSegs = tpl && hasSegmentKeys(tpl.header) ? parseSegments(tpl.header, tpl.layout) : undefined;
  const space: NrrdSpace = (tpl ? (tplSpace(tpl)) : undefined) ?? (req.segmentation ? 'right-anterior-superior' : 'left-posterior-superior');
  const encoding = tpl?.header.encoding === 'raw' ? 'raw' : 'gzip';
  const extraFields = tpl ? [...tpl.header.fields.entries()] : [];
  let layers: VoxelArray[];
  let keyValues: [string, string][] = [];
  if (req.segmentation) {
    const built = slicerSegmentKeys({ mask: req.mask, template: tpl, templateSegments: tplSegs, labelTable: req.labelTable, segment: req.segment, path: req.path });
    layers = built.layers;
    keyValues = built.keyValues;
  } else {
    if (req.segment !== undefined) {
      if (!tpl) throw new SentinelError('invalid_argument', 'writing one label into a label map needs the template file', req.path);
      layers = [replaceLabel(tpl.values, req.mask.data, req.segment)];
    } else layers = [req.mask.data];
    keyValues = tpl ? [...tpl.header.keyValues.entries()] : [];
  }
  const type = typeFor(layers, tpl?.header.type);
  const nhdr = /\.nhdr$/i.test(req.path);
  const dataFile = nhdr ? (tpl?.header.dataFile ?? `${basename(req.path).replace(/\.nhdr$/i, '')}${encoding === 'gzip' ? '.raw.gz' : '.raw'}`) : undefined;
  const encoded = await encodeNrrd({
    dims: req.mask.grid.dims, affine: req.mask.grid.affine, layers, type, encoding, space, extraFields, keyValues,
    ...(dataFile !== undefined ? { dataFile } : {}),
  });
  if (!nhdr) return [{ path: req.path, bytes: attached(encoded) }];
  const dir = req.path.slice(0, req.path.length - basename(req.path).length);
  return [{ path: req.path, bytes: encoded.header }, { path: dir + dataFile, bytes: encoded.data }];
}

function tplSpace(tpl: NrrdData): NrrdSpace | undefined {
  const s = tpl.layout.space;
  return s === 'left-posterior-superior' || s === 'right-anterior-superior' || s === 'left-anterior-superior' ? s : undefined;
}

/** The template's label map with one label's voxels replaced by the 0/1 mask. */
function replaceLabel(labels: VoxelArray, mask: VoxelArray, value: number): VoxelArray {
  if (labels.length !== mask.length) throw new SentinelError('grid_mismatch', 'the mask and the file it goes into differ in size');
  const out = labels.slice();
  for (let i = 0; i < out.length; i++) {
    if (mask[i]) out[i] = value;
    else if (out[i] === value) out[i] = 0;
  }
  return out;
}
