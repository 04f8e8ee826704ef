/** A SEG's frames painted onto a grid: one segment as a 0/1 mask, or every segment as one label map. */
import { SentinelError } from '../../errors';
import { voxelCount } from '../../volume';
import { forEachInside, type SegObject } from './seg-read';
import type { SegPlacement } from './seg-grid';

export async function segMask(seg: SegObject, at: SegPlacement, segment: number): Promise<Uint8Array> {
  if (!seg.segments.some((s) => s.number === segment)) {
    throw new SentinelError('invalid_argument', `no segment number ${segment} (segments: ${seg.segments.map((s) => s.number).join(', ')})`, seg.file.path);
  }
  const out = new Uint8Array(voxelCount(at.grid));
  const { cols } = seg.format;
  for (const f of seg.frames) {
    if (f.segment !== segment) continue;
    const p = at.placements[f.index];
    await forEachInside(seg, f, (pixel) => {
      const r = Math.floor(pixel / cols);
      out[p.base + (pixel - r * cols) * p.dc + r * p.dr] = 1;
    });
  }
  return out;
}

export interface SegLabelMap {
  labels: Uint8Array | Uint16Array;
  overlapVoxels: number;
  /** Pairs of segment numbers that share voxels. */
  overlapping: [number, number][];
}

/** Every segment in one map valued by segment number; where segments overlap, the higher number wins. */
export async function segLabelMap(seg: SegObject, at: SegPlacement): Promise<SegLabelMap> {
  const maxNumber = Math.max(...seg.segments.map((s) => s.number));
  const labels = maxNumber > 255 ? new Uint16Array(voxelCount(at.grid)) : new Uint8Array(voxelCount(at.grid));
  const { cols } = seg.format;
  const frames = [...seg.frames].sort((a, b) => a.segment - b.segment || a.index - b.index);
  let overlapVoxels = 0;
  const pairs = new Set<string>();
  for (const f of frames) {
    const p = at.placements[f.index];
    await forEachInside(seg, f, (pixel) => {
      const r = Math.floor(pixel / cols);
      const v = p.base + (pixel - r * cols) * p.dc + r * p.dr;
      const was = labels[v];
      if (was !== 0 && was !== f.segment) {
        overlapVoxels++;
        pairs.add(`${was},${f.segment}`);
      }
      labels[v] = f.segment;
    });
  }
  const overlapping = [...pairs].map((s) => s.split(',').map(Number) as [number, number]);
  return { labels, overlapVoxels, overlapping };
}
