/**
 * Scores the labels of one case: the CT (a NIfTI/NRRD file or a DICOM series) is decoded and reoriented once,
 * masks of any format are decoded a few at a time (zlib inflates on libuv's thread pool, so they decode in
 * parallel), brought onto the CT's grid by dataset/grid-rule, each label's slices are preprocessed exactly as the
 * reference implementation does, and the slices of all labels share model batches.
 */
import { join } from 'node:path';
import { asSentinelError } from '../errors';
import { preprocessLabel } from '../sentinel/preprocess';
import { fitToCt } from '../dataset/grid-rule';
import { LabelVolumeReader, readCanonical, type MaskVolume } from '../dataset/read-volume';
import type { Volume } from '../volume';
import type { CaseEntry, LabelEntry } from '../dataset/manifest';
import { labelPath } from '../dataset/manifest';
import { ctValueNote, maskValueNote } from './voxel-checks';
import { summariseSlices, type LabelScore } from '../../shared/scores';
import type { BatchResult, SliceBatcher } from './batcher';
import { mapWithConcurrency } from './concurrency';
import type { PrepPool } from './prep-pool';
import { shareCt, type PrepSettings, type SharedCt } from './prep-protocol';

export interface ScoringSettings {
  /** Model input size S. */
  size: number;
  maxSlices: number;
  ctWindow: [number, number];
  cropMargin: number;
  ctNormalise: { mean: number; std: number };
  maskNormalise: { mean: number; std: number };
  /** Masks decoded at once per case. */
  decodeConcurrency: number;
  /** name@version, and the execution provider, written into every row. */
  modelTag: string;
  ep: string;
}

export interface CaseScoringContext {
  root: string;
  settings: ScoringSettings;
  batcher: SliceBatcher;
  embedding: (dapId: number) => Float32Array;
  /** Reads the volume of a label that has been corrected in a workspace instead of the dataset (optional). */
  resolvePath?: (relativePath: string) => string;
  signal?: AbortSignal;
  /** Workers that decode and preprocess mask files off this thread (optional: without it, all runs here). */
  prepPool?: PrepPool;
}

/** Scores `labels` (all of one case) and calls `onScore` for each as soon as it is known. */
export async function scoreCaseLabels(
  entry: CaseEntry,
  labels: LabelEntry[],
  ctx: CaseScoringContext,
  onScore: (s: LabelScore) => void,
): Promise<void> {
  const abs = (p: string): string => (ctx.resolvePath ? ctx.resolvePath(p) : join(ctx.root, p));
  const base = (l: LabelEntry): Omit<LabelScore, 'status' | 'message' | 'seconds'> => ({
    caseId: l.caseId,
    organ: l.organ,
    labelPath: labelPath(l.source),
    organId: l.organMatch.status === 'mapped' ? l.organMatch.dapId : null,
    predictedDsc: null,
    slices: [],
    sliceDsc: [],
    worstSlice: null,
    worstSliceDsc: null,
    model: ctx.settings.modelTag,
    ep: ctx.settings.ep,
  });
  const fail = (l: LabelEntry, status: LabelScore['status'], message: string, seconds: number): void =>
    onScore({ ...base(l), status, message, seconds });

  // Labels the scan already knows cannot be scored are reported without touching any voxel.
  const scorable: LabelEntry[] = [];
  for (const l of labels) {
    if (l.status !== 'ok') fail(l, l.status, l.message ?? '', 0);
    else if (l.organMatch.status !== 'mapped') fail(l, 'unmapped', l.organMatch.reason, 0);
    else scorable.push(l);
  }
  if (scorable.length === 0) return;

  const t0 = performance.now();
  let ct: Volume;
  try {
    ct = await readCanonical(abs(entry.ct.path));
  } catch (err) {
    const msg = `CT unreadable: ${asSentinelError(err, entry.ct.path).message}`;
    for (const l of scorable) fail(l, 'error', msg, 0);
    return;
  }
  const ctShare = (performance.now() - t0) / 1000 / scorable.length;
  // NaN/Inf CT voxels are scored as outside the window; every label of the case says so (scoring/voxel-checks.ts).
  const ctNote = ctValueNote(ct.data);
  // The CT's header grid (file order) places a DICOM SEG's frames.
  const referenceGrid = entry.ct.grid;
  const reader = new LabelVolumeReader(referenceGrid ? { referenceGrid } : {});
  // A multi-label map on another grid is resampled once for all its labels.
  const fittedMaps = new WeakMap<MaskVolume, ReturnType<typeof fitToCt>>();

  // With a worker pool, file masks are decoded and preprocessed off this thread against a shared copy of the CT.
  const pool = ctx.prepPool;
  const prepSettings: PrepSettings = {
    size: ctx.settings.size,
    maxSlices: ctx.settings.maxSlices,
    window: ctx.settings.ctWindow,
    margin: ctx.settings.cropMargin,
    ctNormalise: ctx.settings.ctNormalise,
    maskNormalise: ctx.settings.maskNormalise,
  };
  let shared: SharedCt | null = null;
  const concurrency = pool ? Math.max(ctx.settings.decodeConcurrency, pool.size * 2) : ctx.settings.decodeConcurrency;

  await mapWithConcurrency(scorable, concurrency, async (l) => {
    if (ctx.signal?.aborted) return;
    const started = performance.now();
    const path = l.source.path;
    let prep: { slices: number[]; tensors: Float32Array };
    let warning: string | null = null;
    if (pool && l.source.kind === 'file') {
      shared ??= shareCt(ct.data, ct.grid);
      const r = await pool.prepare({
        path: abs(path),
        displayPath: path,
        ct: shared,
        settings: prepSettings,
        ...(referenceGrid ? { referenceGrid } : {}),
      });
      if (r.status !== 'ok') {
        fail(l, r.status, r.message, ctShare + (performance.now() - started) / 1000);
        return;
      }
      prep = r;
      warning = r.warning ?? null;
    } else {
      let mask: MaskVolume;
      try {
        mask = await reader.read(abs(path), l.source);
      } catch (err) {
        fail(l, 'error', asSentinelError(err, path).message, ctShare + (performance.now() - started) / 1000);
        return;
      }
      let fitted = fittedMaps.get(mask);
      if (!fitted) {
        fitted = fitToCt(mask.volume, ct.grid, mask.fileGrid);
        if (l.source.kind === 'multilabel') fittedMaps.set(mask, fitted);
      }
      if (!fitted.ok) {
        fail(l, 'grid_mismatch', `${path}: ${fitted.reason}`, ctShare);
        return;
      }
      warning = [fitted.warning, l.source.kind === 'file' ? maskValueNote(mask.volume.data) : null].filter(Boolean).join('; ') || null;
      prep = preprocessLabel(ct, fitted.volume, {
        ...prepSettings,
        // A label inside a label map is scored on its value, without a binary copy of the map.
        label: l.source.kind === 'multilabel' ? l.source.value : undefined,
      });
    }
    const n = prep.slices.length;
    if (n === 0) {
      fail(l, 'empty', 'the mask has no voxel', ctShare + (performance.now() - started) / 1000);
      return;
    }
    const dapId = (l.organMatch as { dapId: number }).dapId;
    // Own work so far (decode, reorientation, preprocessing); queueing for a batch is not this label's cost.
    const ownSeconds = (performance.now() - started) / 1000;
    let preds: BatchResult;
    try {
      preds = await ctx.batcher.add(prep.tensors, ctx.embedding(dapId), n);
    } catch (err) {
      fail(l, 'error', `inference failed: ${asSentinelError(err).message}`, ctShare);
      return;
    }
    const sliceDsc = Array.from(preds.dsc);
    onScore({
      ...base(l),
      ...summariseSlices(prep.slices, sliceDsc),
      slices: prep.slices,
      sliceDsc,
      status: 'ok',
      message: [ctNote, warning].filter(Boolean).join('; '),
      seconds: ctShare + ownSeconds + preds.seconds,
    });
  }, () => ctx.batcher.flush());
}
