/**
 * Scoring volumes that live in memory (degraded masks never written to disk) through the normal pipeline: the
 * reference preprocessing (preprocessLabel with the model card's settings) and the scorer's batcher, exactly as
 * scoring/score-case does for files. Split in two so a caller can reuse its mask buffer as soon as the slices are
 * cut: `prepareMask` is synchronous and copies what it needs; `scorePrepared` queues the slices for the model.
 */
import { preprocessLabel, type PreprocessedLabel, type VolumeLike } from '../sentinel/preprocess';
import type { Scorer } from '../scoring/scorer';
import { summariseSlices } from '../../shared/scores';

/** What scoring in memory needs of a Scorer (a test can pass a batcher over a stand-in model). */
export type InMemoryScorer = Pick<Scorer, 'settings' | 'batcher' | 'embedding'>;

export interface InMemoryScore {
  /** Slices k the model saw (chosen from the mask, ascending). */
  slices: number[];
  sliceDsc: number[];
  /** Mean of sliceDsc; null when the mask is empty. */
  predictedDsc: number | null;
  worstSlice: number | null;
  worstSliceDsc: number | null;
}

/** Cuts the model's input from a CT and a mask on the same canonical grid (value > 0, or === label, is inside). */
export function prepareMask(ct: VolumeLike, mask: VolumeLike, settings: InMemoryScorer['settings'], label?: number): PreprocessedLabel {
  return preprocessLabel(ct, mask, {
    size: settings.size,
    maxSlices: settings.maxSlices,
    window: settings.ctWindow,
    margin: settings.cropMargin,
    ctNormalise: settings.ctNormalise,
    maskNormalise: settings.maskNormalise,
    label,
  });
}

/**
 * Queues prepared slices with the organ's embedding; resolves with the predictions. The slices are handed to the
 * batcher before this returns, so a caller that adds several labels and then flushes gets deterministic batches.
 */
export function scorePrepared(prep: PreprocessedLabel, dapId: number, scorer: InMemoryScorer): Promise<InMemoryScore> {
  const n = prep.slices.length;
  if (n === 0) return Promise.resolve({ slices: [], sliceDsc: [], predictedDsc: null, worstSlice: null, worstSliceDsc: null });
  return scorer.batcher.add(prep.tensors, scorer.embedding(dapId), n).then((res) => {
    const sliceDsc = Array.from(res.dsc);
    return { slices: prep.slices.slice(), sliceDsc, ...summariseSlices(prep.slices, sliceDsc) };
  });
}

/** Both steps for one mask (the batcher runs it with whatever else is queued, or after its short wait). */
export function scoreInMemory(
  ct: VolumeLike,
  mask: VolumeLike,
  dapId: number,
  scorer: InMemoryScorer,
  label?: number,
): Promise<InMemoryScore> {
  return scorePrepared(prepareMask(ct, mask, scorer.settings, label), dapId, scorer);
}
