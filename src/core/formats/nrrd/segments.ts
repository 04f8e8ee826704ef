/**
 * 3D Slicer segmentations (.seg.nrrd): the `SegmentN_*` key/value pairs that name each segment, give its colour,
 * and say which layer (along the list axis of a 4D file) holds it under which label value.
 *
 * Value numbering: a segment's value in the engine is its LabelValue when no two segments share one; when they do
 * (segments in different layers may), segments are numbered 1..N in file order instead, with a warning.
 */
import type { LabelTable } from '../../nifti';
import type { VoxelArray } from '../../volume';
import type { NrrdHeader, NrrdLayout } from './header';

export interface SlicerSegment {
  /** N in the SegmentN_ keys. */
  index: number;
  id: string;
  name: string;
  rgb?: [number, number, number];
  layer: number;
  labelValue: number;
  /** The value the engine uses for it (see the module comment). */
  value: number;
  /** All this segment's SegmentN_ keys (without the prefix), in file order. */
  keys: Map<string, string>;
}

export interface SlicerSegmentation {
  segments: SlicerSegment[];
  labelTable: LabelTable;
  /** True when the file keeps segments in more than one layer (they may overlap). */
  layered: boolean;
  warnings: string[];
}

/** Whether the header carries Slicer segment metadata. */
export function hasSegmentKeys(h: NrrdHeader): boolean {
  return h.keyValues.has('Segment0_ID') || h.keyValues.has('Segment0_Name') || h.keyValues.has('Segmentation_MasterRepresentation');
}

export function parseSegments(h: NrrdHeader, layout: NrrdLayout): SlicerSegmentation {
  const byIndex = new Map<number, Map<string, string>>();
  for (const [k, v] of h.keyValues) {
    const m = /^Segment(\d+)_(.+)$/.exec(k);
    if (!m) continue;
    const i = Number(m[1]);
    if (!byIndex.has(i)) byIndex.set(i, new Map());
    byIndex.get(i)!.set(m[2], v);
  }
  const warnings: string[] = [];
  const segments: SlicerSegment[] = [...byIndex.keys()].sort((a, b) => a - b).map((index) => {
    const keys = byIndex.get(index)!;
    const layerKey = Number(keys.get('Layer'));
    // Files from before Slicer 4.11 have no Layer/LabelValue: one segment per layer, value 1.
    const layer = Number.isInteger(layerKey) && layerKey >= 0 ? layerKey : layout.layers > 1 ? index : 0;
    const lv = Number(keys.get('LabelValue'));
    const labelValue = Number.isInteger(lv) && lv > 0 ? lv : layout.layers > 1 ? 1 : index + 1;
    const rgb = parseColour(keys.get('Color'));
    return {
      index, id: keys.get('ID') ?? `Segment_${index + 1}`, name: keys.get('Name') ?? keys.get('ID') ?? `Segment ${index + 1}`,
      ...(rgb ? { rgb } : {}), layer, labelValue, value: labelValue, keys,
    };
  });
  for (const s of segments) {
    if (s.layer >= layout.layers) warnings.push(`segment "${s.name}" names layer ${s.layer}, but the file has ${layout.layers}`);
  }
  const labelValues = segments.map((s) => s.labelValue);
  if (new Set(labelValues).size !== labelValues.length) {
    segments.forEach((s, n) => (s.value = n + 1));
    warnings.push('segments in different layers share label values; they are numbered 1..N in file order');
  }
  const labelTable: LabelTable = new Map();
  for (const s of segments) labelTable.set(s.value, s.rgb ? { name: s.name, rgb: s.rgb } : { name: s.name });
  const layersUsed = new Set(segments.map((s) => s.layer));
  return { segments, labelTable, layered: layout.layers > 1 && layersUsed.size > 1, warnings };
}

/** Slicer writes colours as three 0–1 floats. */
function parseColour(s: string | undefined): [number, number, number] | undefined {
  if (!s) return undefined;
  const v = s.trim().split(/\s+/).map(Number);
  if (v.length !== 3 || !v.every((x) => Number.isFinite(x) && x >= 0 && x <= 1)) return undefined;
  return [Math.round(v[0] * 255), Math.round(v[1] * 255), Math.round(v[2] * 255)];
}

/** Element offset of voxel 0 of layer `l`, and the stride between consecutive voxels of one layer. */
function layerAddressing(layout: NrrdLayout, sizes: number[]): { base: (l: number) => number; strides: [number, number, number] } {
  const stride: number[] = [];
  let s = 1;
  for (const n of sizes) {
    stride.push(s);
    s *= n;
  }
  const [a0, a1, a2] = layout.spatialAxes;
  return {
    base: (l) => (layout.listAxis === null ? 0 : l * stride[layout.listAxis]),
    strides: [stride[a0], stride[a1], stride[a2]],
  };
}

/** Calls `fn(voxelIndex, value)` for every voxel of one layer, voxels in i-fastest order. */
export function forEachInLayer(values: VoxelArray, layout: NrrdLayout, sizes: number[], layer: number, fn: (voxel: number, v: number) => void): void {
  const { base, strides } = layerAddressing(layout, sizes);
  const [nx, ny, nz] = layout.dims;
  const b = base(layer);
  let voxel = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      let p = b + k * strides[2] + j * strides[1];
      for (let i = 0; i < nx; i++, p += strides[0], voxel++) fn(voxel, values[p]);
    }
  }
}

/** The 0/1 mask of one segment. */
export function segmentMask(values: VoxelArray, layout: NrrdLayout, sizes: number[], seg: SlicerSegment): Uint8Array {
  const out = new Uint8Array(layout.voxels);
  forEachInLayer(values, layout, sizes, seg.layer, (voxel, v) => {
    if (v === seg.labelValue) out[voxel] = 1;
  });
  return out;
}

/**
 * One label map of every segment, valued by the engine's segment values. Where segments of different layers
 * overlap, the segment later in the file wins; `overlapVoxels` counts such voxels.
 */
export function compositeLabelMap(values: VoxelArray, layout: NrrdLayout, sizes: number[], segs: SlicerSegmentation): { data: Uint8Array | Uint16Array; overlapVoxels: number; unknown: number } {
  const maxValue = Math.max(0, ...segs.segments.map((s) => s.value));
  const data = maxValue > 255 ? new Uint16Array(layout.voxels) : new Uint8Array(layout.voxels);
  let overlapVoxels = 0;
  let unknown = 0;
  for (let layer = 0; layer < layout.layers; layer++) {
    const map = new Map<number, number>();
    for (const s of segs.segments) if (s.layer === layer) map.set(s.labelValue, s.value);
    forEachInLayer(values, layout, sizes, layer, (voxel, v) => {
      if (v === 0) return;
      const value = map.get(v);
      if (value === undefined) {
        unknown++;
        return;
      }
      if (data[voxel] !== 0 && data[voxel] !== value) overlapVoxels++;
      data[voxel] = value;
    });
  }
  return { data, overlapVoxels, unknown };
}
