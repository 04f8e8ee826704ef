/**
 * Writing a BINARY DICOM SEG over a CT series: one bit-packed frame per segment and slice that has voxels (an
 * empty segment keeps one empty frame so it stays described), frames ordered by segment then slice, dimension
 * index (segment number, slice position), each frame referencing its CT slice. Explicit VR Little Endian.
 *
 * Segment numbers must run 1..N (PS3.3 C.8.20.2); label values that do not are renumbered in ascending order.
 */
import type { LabelTable } from '../../nifti';
import { SentinelError } from '../../errors';
import type { Volume } from '../../volume';
import { resampleNearest, sameWorldGrid, toVoxelOrder } from '../resample';
import { encodePart10, formatDS, type Elem, type Item } from './encoder';
import { segmentItem, sourceAttributes, templateSeriesAttributes } from './seg-attributes';
import { segMask } from './seg-decode';
import { segPlacement } from './seg-grid';
import { readSegObject, SEG_SOP_CLASS, type SegObject } from './seg-read';
import { referenceFromSeries, referenceFromTemplate, type SegReference } from './seg-reference';
import { dicomDateTime, newUid } from './uid';

export interface SegWriteRequest {
  path: string;
  /** Label map (or 0/1 mask) on the CT's grid, in any voxel order. */
  mask: Volume;
  labelTable?: LabelTable;
  template?: string;
  referencedSeries?: string;
  /** Write only this segment (mask is its 0/1 mask); the template's other segments are kept. */
  segment?: number;
}

export const SOFTWARE_VERSION = '0.1.0';

export async function encodeDicomSeg(req: SegWriteRequest): Promise<Uint8Array> {
  const tpl = req.template ? await readSegObject(req.template) : undefined;
  let ref: SegReference;
  if (req.referencedSeries) ref = await referenceFromSeries(req.referencedSeries, tpl?.referencedSeriesUid);
  else if (tpl) ref = referenceFromTemplate(req.mask.grid, tpl);
  else throw new SentinelError('invalid_argument', 'a DICOM SEG needs the CT series it refers to (referencedSeries) or the SEG it replaces (template)', req.path);
  if (!sameWorldGrid(req.mask.grid, ref.grid)) {
    throw new SentinelError('grid_mismatch', `the mask (${req.mask.grid.dims.join('x')}) is not on the CT series' grid (${ref.grid.dims.join('x')}); resample it first`, req.path);
  }
  const labels = toVoxelOrder(req.mask, ref.grid).data;
  const masks = await segmentMasks(req, labels, ref, tpl);
  return assemble(req, ref, tpl, masks);
}

/** Each segment's 0/1 mask on the reference grid, by the value the caller knows it by. */
async function segmentMasks(req: SegWriteRequest, labels: Volume['data'], ref: SegReference, tpl: SegObject | undefined): Promise<Map<number, Uint8Array>> {
  const out = new Map<number, Uint8Array>();
  const n = labels.length;
  if (req.segment !== undefined) {
    if (!tpl) throw new SentinelError('invalid_argument', 'writing one segment needs the SEG it goes into (template)', req.path);
    const at = segPlacement(tpl, ref.grid);
    for (const s of tpl.segments) {
      let m = await segMask(tpl, at, s.number);
      if (!at.onReference) m = resampleNearest({ grid: at.grid, data: m }, ref.grid).volume.data as Uint8Array;
      out.set(s.number, m);
    }
    const mine = new Uint8Array(n);
    for (let i = 0; i < n; i++) if (labels[i]) mine[i] = 1;
    out.set(req.segment, mine);
    return out;
  }
  const values = new Set<number>([...(tpl?.segments.map((s) => s.number) ?? []), ...(req.labelTable?.keys() ?? [])]);
  for (let i = 0; i < n; i++) if (labels[i] !== 0) values.add(labels[i]);
  values.delete(0);
  for (const v of values) {
    if (!Number.isInteger(v) || v < 1 || v > 65535) throw new SentinelError('invalid_argument', `label value ${v} cannot be a segment number`, req.path);
    out.set(v, new Uint8Array(n));
  }
  for (let i = 0; i < n; i++) if (labels[i] !== 0) out.get(labels[i])![i] = 1;
  return out;
}

interface Frame {
  number: number;
  k: number;
}

function assemble(req: SegWriteRequest, ref: SegReference, tpl: SegObject | undefined, masks: Map<number, Uint8Array>): Uint8Array {
  const [cols, rows, nk] = ref.grid.dims;
  const plane = rows * cols;
  const values = [...masks.keys()].sort((a, b) => a - b);
  const numberOf = new Map(values.map((v, i) => [v, i + 1]));
  const tplItems = new Map(tpl?.segments.map((s) => [s.number, s.item]) ?? []);
  const frames: Frame[] = [];
  for (const v of values) {
    const m = masks.get(v)!;
    let any = false;
    for (let k = 0; k < nk; k++) {
      const start = k * plane;
      if (m.subarray(start, start + plane).some((x) => x !== 0)) {
        frames.push({ number: numberOf.get(v)!, k });
        any = true;
      }
    }
    if (!any) frames.push({ number: numberOf.get(v)!, k: 0 });
  }
  const bits = new Uint8Array(Math.ceil((frames.length * plane) / 8) + 1);
  frames.forEach((f, n) => {
    const m = masks.get(values[f.number - 1])!;
    const start = f.k * plane;
    const bitBase = n * plane;
    for (let p = 0; p < plane; p++) {
      if (m[start + p]) {
        const b = bitBase + p;
        bits[b >> 3] |= 1 << (b & 7);
      }
    }
  });
  const pixelBytes = Math.ceil((frames.length * plane) / 8);
  const pixelData = bits.subarray(0, pixelBytes + (pixelBytes % 2));

  const sopInstanceUid = newUid();
  const now = dicomDateTime(new Date());
  const kept = templateSeriesAttributes(tpl?.file.ds);
  const dimOrg = newUid();
  const elem = (tag: number, vr: Elem['vr'], value: Elem['value']): Elem => kept.get(tag) ?? { tag, vr, value };
  const segmentSeq: Item[] = values.map((v) => segmentItem(numberOf.get(v)!, req.labelTable?.get(v), tplItems.get(v)));
  const perFrame: Item[] = frames.map((f) => frameItem(f, ref));
  const shared: Item = [
    { tag: 0x00209116, vr: 'SQ', value: [[{ tag: 0x00200037, vr: 'DS', value: ref.iop.map(formatDS) }]] },
    {
      tag: 0x00289110, vr: 'SQ', value: [[
        { tag: 0x00180050, vr: 'DS', value: formatDS(ref.sliceThickness) },
        { tag: 0x00180088, vr: 'DS', value: formatDS(ref.sliceSpacing) },
        { tag: 0x00280030, vr: 'DS', value: ref.pixelSpacing.map(formatDS) },
      ]],
    },
  ];
  const body: Elem[] = [
    { tag: 0x00080005, vr: 'CS', value: 'ISO_IR 192' },
    { tag: 0x00080008, vr: 'CS', value: ['DERIVED', 'PRIMARY'] },
    { tag: 0x00080016, vr: 'UI', value: SEG_SOP_CLASS },
    { tag: 0x00080018, vr: 'UI', value: sopInstanceUid },
    { tag: 0x00080021, vr: 'DA', value: now.date },
    { tag: 0x00080023, vr: 'DA', value: now.date },
    { tag: 0x00080031, vr: 'TM', value: now.time },
    { tag: 0x00080033, vr: 'TM', value: now.time },
    { tag: 0x00080060, vr: 'CS', value: 'SEG' },
    { tag: 0x00080070, vr: 'LO', value: 'Sentinel Workstation' },
    { tag: 0x00081090, vr: 'LO', value: 'Sentinel Workstation' },
    elem(0x0008103e, 'LO', 'Segmentation'),
    { tag: 0x00181000, vr: 'LO', value: '0' },
    { tag: 0x00181020, vr: 'LO', value: SOFTWARE_VERSION },
    ...sourceAttributes(ref.source),
    elem(0x0020000e, 'UI', newUid()),
    elem(0x00200011, 'IS', '300'),
    { tag: 0x00200013, vr: 'IS', value: '1' },
    { tag: 0x00209221, vr: 'SQ', value: [[{ tag: 0x00209164, vr: 'UI', value: dimOrg }]] },
    {
      tag: 0x00209222, vr: 'SQ', value: [
        [
          { tag: 0x00209164, vr: 'UI', value: dimOrg },
          { tag: 0x00209165, vr: 'AT', value: 0x0062000b },
          { tag: 0x00209167, vr: 'AT', value: 0x0062000a },
          { tag: 0x00209421, vr: 'LO', value: 'ReferencedSegmentNumber' },
        ],
        [
          { tag: 0x00209164, vr: 'UI', value: dimOrg },
          { tag: 0x00209165, vr: 'AT', value: 0x00200032 },
          { tag: 0x00209167, vr: 'AT', value: 0x00209113 },
          { tag: 0x00209421, vr: 'LO', value: 'ImagePositionPatient' },
        ],
      ],
    },
    { tag: 0x00280002, vr: 'US', value: 1 },
    { tag: 0x00280004, vr: 'CS', value: 'MONOCHROME2' },
    { tag: 0x00280008, vr: 'IS', value: String(frames.length) },
    { tag: 0x00280010, vr: 'US', value: rows },
    { tag: 0x00280011, vr: 'US', value: cols },
    { tag: 0x00280100, vr: 'US', value: 1 },
    { tag: 0x00280101, vr: 'US', value: 1 },
    { tag: 0x00280102, vr: 'US', value: 0 },
    { tag: 0x00280103, vr: 'US', value: 0 },
    { tag: 0x00282110, vr: 'CS', value: '00' },
    { tag: 0x00620001, vr: 'CS', value: 'BINARY' },
    { tag: 0x00620002, vr: 'SQ', value: segmentSeq },
    elem(0x00700080, 'CS', 'SENTINEL'),
    elem(0x00700081, 'LO', 'Segmentation corrected in Sentinel Workstation'),
    elem(0x00700084, 'PN', ''),
    { tag: 0x52009229, vr: 'SQ', value: [shared] },
    { tag: 0x52009230, vr: 'SQ', value: perFrame },
    { tag: 0x7fe00010, vr: 'OB', value: pixelData },
  ];
  if (ref.seriesUid && ref.instances.length > 0) {
    body.push({
      tag: 0x00081115, vr: 'SQ', value: [[
        { tag: 0x0020000e, vr: 'UI', value: ref.seriesUid },
        { tag: 0x0008114a, vr: 'SQ', value: ref.instances.map((x): Item => [
          { tag: 0x00081150, vr: 'UI', value: x.sopClassUid },
          { tag: 0x00081155, vr: 'UI', value: x.sopInstanceUid },
        ]) },
      ]],
    });
  }
  return encodePart10(SEG_SOP_CLASS, sopInstanceUid, body);
}

function frameItem(f: Frame, ref: SegReference): Item {
  const slice = ref.slices[f.k];
  const out: Item = [
    { tag: 0x00209111, vr: 'SQ', value: [[{ tag: 0x00209157, vr: 'UL', value: [f.number, f.k + 1] }]] },
    { tag: 0x00209113, vr: 'SQ', value: [[{ tag: 0x00200032, vr: 'DS', value: slice.ipp.map(formatDS) }]] },
    { tag: 0x0062000a, vr: 'SQ', value: [[{ tag: 0x0062000b, vr: 'US', value: f.number }]] },
  ];
  if (slice.sopClassUid && slice.sopInstanceUid) {
    out.push({
      tag: 0x00089124, vr: 'SQ', value: [[
        { tag: 0x00082112, vr: 'SQ', value: [[
          { tag: 0x00081150, vr: 'UI', value: slice.sopClassUid },
          { tag: 0x00081155, vr: 'UI', value: slice.sopInstanceUid },
          { tag: 0x0040a170, vr: 'SQ', value: [[
            { tag: 0x00080100, vr: 'SH', value: '121322' },
            { tag: 0x00080102, vr: 'SH', value: 'DCM' },
            { tag: 0x00080104, vr: 'LO', value: 'Source image for image processing operation' },
          ]] },
        ]] },
        { tag: 0x00089215, vr: 'SQ', value: [[
          { tag: 0x00080100, vr: 'SH', value: '113076' },
          { tag: 0x00080102, vr: 'SH', value: 'DCM' },
          { tag: 0x00080104, vr: 'LO', value: 'Segmentation' },
        ]] },
      ]],
    });
  }
  return out;
}
