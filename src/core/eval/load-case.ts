/**
 * Decoding one case for the evaluation: the CT once (any format core/formats reads), reoriented to closest-RAS
 * order (as scoring does), and each label as a binary mask in a box around it on that grid. Unlike scoring, a label
 * on another grid is not resampled: an evaluation measures against labels exactly as drawn. A label that cannot be used (unreadable, another grid,
 * empty, no DAP organ to score it as) is reported as skipped with its reason, never an abort.
 */
import { join } from 'node:path';
import { asSentinelError } from '../errors';
import { sameGrid } from '../nifti';
import { LabelVolumeReader, readCanonical } from '../dataset/read-volume';
import type { Volume } from '../volume';
import { labelPath, type CaseEntry, type LabelEntry } from '../dataset/manifest';
import { mapWithConcurrency } from '../scoring/concurrency';
import { cropBinary, extentsByValue, paddedBox, type BoxedMask, type Extent } from './box';

export interface LoadedLabel {
  entry: LabelEntry;
  /** The DAP Atlas organ that scores it; null when unmapped (allowed only for truth labels). */
  dapId: number | null;
  mask: BoxedMask;
}

export interface SkippedLabel {
  caseId: string;
  organ: string;
  labelPath: string;
  reason: string;
}

export function skipped(l: LabelEntry, reason: string): SkippedLabel {
  return { caseId: l.caseId, organ: l.organ, labelPath: labelPath(l.source), reason };
}

export async function loadCanonicalCt(root: string, entry: CaseEntry): Promise<Volume> {
  return readCanonical(join(root, entry.ct.path));
}

interface Decoded {
  volume: Volume;
  /** The grid the file holds (the reader may have put the volume on the CT's). */
  fileGrid: Volume['grid'];
  extents: Map<number, Extent>;
}

/**
 * Loads `labels` (all of one case, under `root`) onto the grid of `ct` with boxes grown by `margin`.
 * `requireMapped`: labels without a DAP organ are skipped (they cannot be scored); truth labels need none.
 */
export async function loadLabels(
  root: string,
  labels: readonly LabelEntry[],
  ct: Volume,
  margin: number,
  requireMapped: boolean,
  decodeConcurrency = 3,
): Promise<{ loaded: LoadedLabel[]; skipped: SkippedLabel[] }> {
  const results: (LoadedLabel | SkippedLabel)[] = new Array(labels.length);
  // A multi-label map is decoded once for all its labels (the reader keeps it), its extents found once.
  const reader = new LabelVolumeReader({ referenceGrid: ct.grid });
  const mapExtents = new WeakMap<Volume, Map<number, Extent>>();
  const decode = async (l: LabelEntry): Promise<Decoded> => {
    const { volume, fileGrid } = await reader.read(join(root, l.source.path), l.source);
    if (l.source.kind === 'file') return { volume, fileGrid, extents: extentsByValue(volume.data, volume.grid.dims, true) };
    let extents = mapExtents.get(volume);
    if (!extents) mapExtents.set(volume, (extents = extentsByValue(volume.data, volume.grid.dims, false)));
    return { volume, fileGrid, extents };
  };
  const indices = labels.map((_, i) => i);
  await mapWithConcurrency(indices, decodeConcurrency, async (i) => {
    const l = labels[i];
    if (l.status !== 'ok' && l.status !== 'unmapped') {
      results[i] = skipped(l, `${l.status}: ${l.message ?? ''}`.trim());
      return;
    }
    if (requireMapped && l.organMatch.status !== 'mapped') {
      results[i] = skipped(l, `unmapped: ${l.organMatch.status === 'unmapped' ? l.organMatch.reason : ''}`);
      return;
    }
    let decoded: Decoded;
    try {
      decoded = await decode(l);
    } catch (err) {
      results[i] = skipped(l, `error: ${asSentinelError(err, l.source.path).message}`);
      return;
    }
    const grid = sameGrid(ct.grid, decoded.fileGrid);
    if (!grid.same) {
      results[i] = skipped(l, `grid_mismatch: ${grid.reason ?? 'grid differs from the CT'}`);
      return;
    }
    const value = l.source.kind === 'multilabel' ? l.source.value : 1;
    const extent = decoded.extents.get(value);
    if (!extent) {
      results[i] = skipped(l, 'empty: the mask has no voxel');
      return;
    }
    const box = paddedBox(extent, margin, ct.grid.dims);
    const mask = cropBinary(decoded.volume.data, ct.grid.dims, box, l.source.kind === 'multilabel' ? value : undefined);
    results[i] = { entry: l, dapId: l.organMatch.status === 'mapped' ? l.organMatch.dapId : null, mask: { box, mask } };
  });
  const loaded: LoadedLabel[] = [];
  const skippedLabels: SkippedLabel[] = [];
  for (const r of results) {
    if ('entry' in r) loaded.push(r);
    else skippedLabels.push(r);
  }
  return { loaded, skipped: skippedLabels };
}
