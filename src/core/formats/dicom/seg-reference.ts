/**
 * What a SEG being written refers to: the CT series' grid and, per slice, its position and SOP instance. From the
 * CT folder when given; else from a template SEG (its references matched to the mask's slices by position).
 */
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SentinelError } from '../../errors';
import type { Grid, Vec3 } from '../../volume';
import { applyPoint, lpsToRas } from '../affine';
import { item, items, str, TAG, type DataSet } from './lib';
import { readDicomHeader } from './read-file';
import type { SegObject } from './seg-read';
import { pickSeries, scanDicomFolder, sliceHeader } from './series';
import { checkOrientation, seriesGeometry } from './series-geometry';

export interface SliceRef {
  /** Image Position (Patient), LPS mm. */
  ipp: Vec3;
  sopClassUid?: string;
  sopInstanceUid?: string;
}

export interface SegReference {
  grid: Grid;
  /** One per k of the grid. */
  slices: SliceRef[];
  iop: number[];
  /** Spacing between rows, then columns (mm). */
  pixelSpacing: [number, number];
  sliceThickness: number;
  sliceSpacing: number;
  seriesUid?: string;
  /** The data set whose patient, study and frame of reference the SEG takes. */
  source: DataSet;
  /** Instances for the Referenced Series Sequence. */
  instances: { sopClassUid: string; sopInstanceUid: string }[];
}

/** The CT series in a folder (or the series of one file), as a reference. */
export async function referenceFromSeries(path: string, preferredSeriesUid?: string): Promise<SegReference> {
  const isDir = (await stat(path)).isDirectory();
  let seriesUid = preferredSeriesUid;
  if (!isDir) seriesUid = sliceHeader(await readDicomHeader(path)).seriesUid;
  const scan = await scanDicomFolder(isDir ? path : dirname(path));
  const chosen = seriesUid !== undefined && scan.series.has(seriesUid) ? seriesUid : undefined;
  const geom = seriesGeometry(pickSeries(scan, chosen), scan.folder);
  const first = geom.slices[0];
  const source = (await readDicomHeader(first.path)).ds;
  const step = geom.grid.spacing[2];
  return {
    grid: geom.grid,
    slices: geom.slices.map((s) => ({ ipp: [s.ipp![0], s.ipp![1], s.ipp![2]], sopClassUid: s.sopClassUid, sopInstanceUid: s.sopInstanceUid })),
    iop: first.iop!,
    pixelSpacing: [first.pixelSpacing![0], first.pixelSpacing![1]],
    sliceThickness: first.sliceThickness ?? step,
    sliceSpacing: step,
    seriesUid: first.seriesUid,
    source,
    instances: geom.slices.map((s) => ({ sopClassUid: s.sopClassUid, sopInstanceUid: s.sopInstanceUid })),
  };
}

/**
 * Without the CT: the mask's own grid gives the frames (i along rows, j down columns, k the slices), and each slice
 * takes the template frame's source image found at the same position.
 */
export function referenceFromTemplate(grid: Grid, tpl: SegObject): SegReference {
  const a = grid.affine;
  const col = (c: number): Vec3 => lpsToRas([a[c], a[4 + c], a[8 + c]]);
  const c0 = col(0);
  const c1 = col(1);
  const n0 = Math.hypot(...c0);
  const n1 = Math.hypot(...c1);
  const iop = [...c0.map((x) => x / n0), ...c1.map((x) => x / n1)];
  checkOrientation(iop, tpl.file.path);
  const bySource = new Map<string, { sopClassUid: string; sopInstanceUid: string }>();
  const perFrame = items(tpl.file.ds, TAG.perFrameFunctionalGroups);
  tpl.frames.forEach((f, n) => {
    const src = perFrame[n] && item(item(perFrame[n], TAG.derivationImageSequence) ?? perFrame[n], TAG.sourceImageSequence);
    const cls = src && str(src, TAG.referencedSopClass);
    const inst = src && str(src, TAG.referencedSopInstance);
    if (cls && inst) bySource.set(key(f.ipp), { sopClassUid: cls, sopInstanceUid: inst });
  });
  const slices: SliceRef[] = [];
  for (let k = 0; k < grid.dims[2]; k++) {
    const ipp = lpsToRas(applyPoint(a, [0, 0, k]));
    const ref = bySource.get(key(ipp));
    slices.push({ ipp, ...(ref ?? {}) });
  }
  const refSeries = item(tpl.file.ds, TAG.referencedSeriesSequence);
  const instances = refSeries
    ? items(refSeries, TAG.referencedInstanceSequence)
        .map((it) => ({ sopClassUid: str(it, TAG.referencedSopClass) ?? '', sopInstanceUid: str(it, TAG.referencedSopInstance) ?? '' }))
        .filter((x) => x.sopClassUid && x.sopInstanceUid)
    : [];
  const seriesUid = tpl.referencedSeriesUid;
  if (grid.dims[2] < 1) throw new SentinelError('invalid_argument', 'the mask has no slices', tpl.file.path);
  return {
    grid, slices, iop, pixelSpacing: [n1, n0],
    sliceThickness: tpl.sliceThickness ?? grid.spacing[2], sliceSpacing: grid.spacing[2],
    ...(seriesUid !== undefined ? { seriesUid } : {}),
    source: tpl.file.ds, instances,
  };
}

/** Positions compared to a hundredth of a millimetre. */
function key(p: readonly number[]): string {
  return p.map((x) => Math.round(x * 100)).join(',');
}
