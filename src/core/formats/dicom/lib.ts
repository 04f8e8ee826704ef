/**
 * dicom-parser (a CommonJS package) loaded through require, plus small typed accessors for the attributes the
 * readers use. Tags are written as dicom-parser spells them: 'xggggeeee', lower case.
 */
import { createRequire } from 'node:module';
import type * as DicomParserModule from 'dicom-parser';

export type { DataSet, Element } from 'dicom-parser';
import type { DataSet } from 'dicom-parser';

// Not named `require`: the Electron main bundle (ESM) already declares one, and a second declaration does not parse.
const requireCjs = createRequire(import.meta.url);
export const dicomParser = requireCjs('dicom-parser') as typeof DicomParserModule;

/** A string attribute (all values, backslash-joined), trimmed; undefined when absent or empty. */
export function str(ds: DataSet, tag: string): string | undefined {
  const el = ds.elements[tag];
  if (!el || el.length === 0) return undefined;
  const s = ds.string(tag);
  return s === undefined || s === '' ? undefined : s;
}

/** All numbers of a DS or IS attribute (backslash-separated); undefined when absent or not numbers. */
export function nums(ds: DataSet, tag: string): number[] | undefined {
  const s = str(ds, tag);
  if (s === undefined) return undefined;
  const v = s.split('\\').map((x) => Number(x.trim()));
  return v.length > 0 && v.every(Number.isFinite) ? v : undefined;
}

export function num(ds: DataSet, tag: string): number | undefined {
  return nums(ds, tag)?.[0];
}

/** A US attribute (binary), or undefined. */
export function us(ds: DataSet, tag: string, index = 0): number | undefined {
  const el = ds.elements[tag];
  if (!el || el.length < 2 * (index + 1)) return undefined;
  return ds.uint16(tag, index);
}

/** The items of a sequence (empty when absent). */
export function items(ds: DataSet, tag: string): DataSet[] {
  const el = ds.elements[tag];
  return (el?.items ?? []).map((i) => i.dataSet).filter((d): d is DataSet => d !== undefined);
}

/** The first item of a sequence, if any. */
export function item(ds: DataSet, tag: string): DataSet | undefined {
  return items(ds, tag)[0];
}

/** Anything dicom-parser throws (strings, or { exception, dataSet }) as a message. */
export function parserMessage(err: unknown): string {
  if (typeof err === 'string') return err;
  if (err && typeof err === 'object' && 'exception' in err) return parserMessage((err as { exception: unknown }).exception);
  return err instanceof Error ? err.message : String(err);
}

export const TAG = {
  transferSyntax: 'x00020010',
  mediaSopClass: 'x00020002',
  specificCharacterSet: 'x00080005',
  imageType: 'x00080008',
  sopClass: 'x00080016',
  sopInstance: 'x00080018',
  modality: 'x00080060',
  seriesDescription: 'x0008103e',
  referencedSeriesSequence: 'x00081115',
  referencedInstanceSequence: 'x0008114a',
  referencedSopClass: 'x00081150',
  referencedSopInstance: 'x00081155',
  sourceImageSequence: 'x00082112',
  derivationImageSequence: 'x00089124',
  sliceThickness: 'x00180050',
  spacingBetweenSlices: 'x00180088',
  studyInstanceUid: 'x0020000d',
  seriesInstanceUid: 'x0020000e',
  seriesNumber: 'x00200011',
  instanceNumber: 'x00200013',
  imagePosition: 'x00200032',
  imageOrientation: 'x00200037',
  frameOfReferenceUid: 'x00200052',
  planePositionSequence: 'x00209113',
  planeOrientationSequence: 'x00209116',
  samplesPerPixel: 'x00280002',
  photometric: 'x00280004',
  numberOfFrames: 'x00280008',
  rows: 'x00280010',
  columns: 'x00280011',
  pixelSpacing: 'x00280030',
  bitsAllocated: 'x00280100',
  bitsStored: 'x00280101',
  highBit: 'x00280102',
  pixelRepresentation: 'x00280103',
  pixelMeasuresSequence: 'x00289110',
  rescaleIntercept: 'x00281052',
  rescaleSlope: 'x00281053',
  segmentationType: 'x00620001',
  segmentSequence: 'x00620002',
  segmentNumber: 'x00620004',
  segmentLabel: 'x00620005',
  segmentIdentificationSequence: 'x0062000a',
  referencedSegmentNumber: 'x0062000b',
  recommendedCielab: 'x0062000d',
  maximumFractionalValue: 'x0062000e',
  sharedFunctionalGroups: 'x52009229',
  perFrameFunctionalGroups: 'x52009230',
  pixelData: 'x7fe00010',
} as const;
