/**
 * DICOM Segmentation objects (SEG), read: segments (number, label, colour from the CIELab value), and each frame's
 * segment and plane (from the per-frame or shared functional groups). BINARY frames are bit-packed; FRACTIONAL
 * frames are 8-bit and a voxel counts as inside when its value is at least half of Maximum Fractional Value.
 */
import type { LabelTable } from '../../nifti';
import { SentinelError } from '../../errors';
import type { Vec3 } from '../../volume';
import { cielabToRgb } from './cielab';
import { item, items, nums, str, TAG, us, type DataSet } from './lib';
import { frameValues, nativePixelData, pixelFormat, type PixelFormat } from './pixels';
import { readDicomFile, type DicomFile } from './read-file';
import { checkOrientation } from './series-geometry';

export const SEG_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.66.4';

export interface SegSegment {
  number: number;
  label: string;
  rgb?: [number, number, number];
  /** The segment's item, for a writer that keeps its attributes. */
  item: DataSet;
}

export interface SegFrame {
  /** Index of the frame in the pixel data. */
  index: number;
  segment: number;
  ipp: Vec3;
  rowDir: Vec3;
  colDir: Vec3;
  /** Spacing between rows, then between columns (mm). */
  pixelSpacing: [number, number];
}

export interface SegObject {
  file: DicomFile;
  type: 'BINARY' | 'FRACTIONAL';
  maxFractional: number;
  format: PixelFormat;
  segments: SegSegment[];
  frames: SegFrame[];
  sliceThickness?: number;
  spacingBetweenSlices?: number;
  referencedSeriesUid?: string;
  labelTable: LabelTable;
  warnings: string[];
}

/** A functional group attribute: the frame's own, else the shared one. */
function group(perFrame: DataSet | undefined, shared: DataSet | undefined, seqTag: string): DataSet | undefined {
  return (perFrame && item(perFrame, seqTag)) ?? (shared && item(shared, seqTag));
}

export async function readSegObject(path: string): Promise<SegObject> {
  const file = await readDicomFile(path);
  const { ds } = file;
  const sopClass = str(ds, TAG.sopClass) ?? str(ds, TAG.mediaSopClass);
  if (sopClass !== SEG_SOP_CLASS) {
    throw new SentinelError('unsupported', `not a DICOM Segmentation (SOP Class ${sopClass ?? 'missing'})`, path);
  }
  const type = str(ds, TAG.segmentationType);
  if (type !== 'BINARY' && type !== 'FRACTIONAL') {
    throw new SentinelError('unsupported', `Segmentation Type ${type ?? 'missing'} (BINARY and FRACTIONAL are read)`, path);
  }
  const format = pixelFormat(ds, path);
  if (type === 'BINARY' && format.bitsAllocated !== 1) throw new SentinelError('corrupt', `a BINARY segmentation with Bits Allocated ${format.bitsAllocated} (must be 1)`, path);
  if (type === 'FRACTIONAL' && format.bitsAllocated !== 8) throw new SentinelError('corrupt', `a FRACTIONAL segmentation with Bits Allocated ${format.bitsAllocated} (must be 8)`, path);
  if (type === 'BINARY' && file.syntax.codec) {
    throw new SentinelError('unsupported', `a BINARY segmentation in ${file.syntax.name} (bit-packed frames are read uncompressed only)`, path);
  }
  const maxFractional = us(ds, TAG.maximumFractionalValue) ?? 255;
  if (type === 'FRACTIONAL' && !(maxFractional > 0)) throw new SentinelError('corrupt', 'Maximum Fractional Value is 0', path);

  const segments: SegSegment[] = items(ds, TAG.segmentSequence).map((it, n) => {
    const number = us(it, TAG.segmentNumber);
    if (number === undefined || number < 1) throw new SentinelError('corrupt', `segment item ${n + 1} has no Segment Number`, path);
    const lab = [0, 1, 2].map((i) => us(it, TAG.recommendedCielab, i));
    const rgb = lab.every((x) => x !== undefined) ? cielabToRgb(lab as number[]) : undefined;
    return { number, label: str(it, TAG.segmentLabel) ?? `Segment ${number}`, ...(rgb ? { rgb } : {}), item: it };
  });
  if (segments.length === 0) throw new SentinelError('corrupt', 'the Segment Sequence is empty', path);
  if (new Set(segments.map((s) => s.number)).size !== segments.length) throw new SentinelError('corrupt', 'two segments share a Segment Number', path);

  const shared = item(ds, TAG.sharedFunctionalGroups);
  const perFrame = items(ds, TAG.perFrameFunctionalGroups);
  if (perFrame.length !== format.frames) {
    throw new SentinelError('corrupt', `${perFrame.length} per-frame functional groups for ${format.frames} frames`, path);
  }
  const known = new Set(segments.map((s) => s.number));
  const frames: SegFrame[] = perFrame.map((pf, index) => {
    const segment = us(group(pf, shared, TAG.segmentIdentificationSequence) ?? pf, TAG.referencedSegmentNumber);
    if (segment === undefined || !known.has(segment)) throw new SentinelError('corrupt', `frame ${index + 1} refers to segment ${segment ?? '(none)'}, which is not described`, path);
    const pos = group(pf, shared, TAG.planePositionSequence);
    const ipp = pos && nums(pos, TAG.imagePosition);
    if (!ipp || ipp.length !== 3) throw new SentinelError('corrupt', `frame ${index + 1} has no Image Position (Patient)`, path);
    const ori = group(pf, shared, TAG.planeOrientationSequence);
    const { rowDir, colDir } = checkOrientation(ori && nums(ori, TAG.imageOrientation), path);
    const meas = group(pf, shared, TAG.pixelMeasuresSequence);
    const ps = meas && nums(meas, TAG.pixelSpacing);
    if (!ps || ps.length !== 2 || !(ps[0] > 0 && ps[1] > 0)) throw new SentinelError('corrupt', `frame ${index + 1} has no Pixel Spacing`, path);
    return { index, segment, ipp: [ipp[0], ipp[1], ipp[2]], rowDir, colDir, pixelSpacing: [ps[0], ps[1]] };
  });
  const meas = shared && item(shared, TAG.pixelMeasuresSequence);
  const sliceThickness = meas && nums(meas, TAG.sliceThickness)?.[0];
  const spacingBetweenSlices = meas && nums(meas, TAG.spacingBetweenSlices)?.[0];
  const refSeries = item(ds, TAG.referencedSeriesSequence);
  const referencedSeriesUid = refSeries && str(refSeries, TAG.seriesInstanceUid);
  const labelTable: LabelTable = new Map();
  for (const s of segments) labelTable.set(s.number, s.rgb ? { name: s.label, rgb: s.rgb } : { name: s.label });
  const warnings: string[] = [];
  if (type === 'FRACTIONAL') warnings.push(`fractional segmentation: a voxel is inside where its value is at least half of ${maxFractional}`);
  if (file.syntax.codec) pixelCheckCompressed(file);
  else nativePixelData(file, format);
  return {
    file, type, maxFractional, format, segments, frames,
    ...(sliceThickness !== undefined ? { sliceThickness } : {}),
    ...(spacingBetweenSlices !== undefined && spacingBetweenSlices > 0 ? { spacingBetweenSlices } : {}),
    ...(referencedSeriesUid !== undefined ? { referencedSeriesUid } : {}),
    labelTable, warnings,
  };
}

function pixelCheckCompressed(file: DicomFile): void {
  if (!file.ds.elements[TAG.pixelData]?.fragments) throw new SentinelError('corrupt', 'compressed pixel data without fragments', file.path);
}

/** Calls fn(pixelIndex) for every pixel of a frame that lies inside its segment. */
export async function forEachInside(seg: SegObject, frame: SegFrame, fn: (pixel: number) => void): Promise<void> {
  const { rows, cols } = seg.format;
  const n = rows * cols;
  if (seg.type === 'BINARY') {
    const bits = nativePixelData(seg.file, seg.format);
    const start = frame.index * n;
    for (let p = 0; p < n; p++) {
      const b = start + p;
      if (bits[b >> 3] & (1 << (b & 7))) fn(p);
    }
    return;
  }
  const values = await frameValues(seg.file, seg.format, frame.index);
  const max = seg.maxFractional;
  for (let p = 0; p < n; p++) if (values[p] * 2 >= max && values[p] > 0) fn(p);
}
