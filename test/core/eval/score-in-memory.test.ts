/**
 * Scoring in-memory masks through the real preprocessing and the real batcher, with a stand-in model (the mean of
 * each slice's mask channel) so the expected predictions can be computed independently from preprocessLabel.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareMask, scoreInMemory, scorePrepared, type InMemoryScorer } from '../../../src/core/eval/score-in-memory';
import { readNifti, toCanonical } from '../../../src/core/nifti';
import { SliceBatcher } from '../../../src/core/scoring/batcher';
import type { ScoringSettings } from '../../../src/core/scoring/score-case';
import { chooseSlices, preprocessLabel } from '../../../src/core/sentinel/preprocess';
import { SAMPLE } from '../engine/fixtures';

const S = 32;
const settings: ScoringSettings = {
  size: S,
  maxSlices: 10,
  ctWindow: [-200, 200],
  cropMargin: 20,
  ctNormalise: { mean: 0.5, std: 0.25 },
  maskNormalise: { mean: 0.5, std: 0.5 },
  decodeConcurrency: 1,
  modelTag: 'stand-in@0',
  ep: 'cpu',
};

/** The stand-in model: per slice, the mean of its mask channel plus the embedding's first value. */
function standIn(images: Float32Array, embeddings: Float32Array, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let s = 0; s < n; s++) {
    let sum = 0;
    const base = s * 2 * S * S + S * S;
    for (let p = 0; p < S * S; p++) sum += images[base + p];
    out[s] = sum / (S * S) + embeddings[s * 512];
  }
  return out;
}

function scorer(calls: number[]): InMemoryScorer {
  const batcher = new SliceBatcher(async (images, embeddings, n) => {
    calls.push(n);
    return standIn(images, embeddings, n);
  }, S, 512, 1000, 10_000);
  return { settings, batcher, embedding: (id) => new Float32Array(512).fill(id / 1000) };
}

const load = async (rel: string) => toCanonical((await readNifti(join(SAMPLE, rel))).volume).volume;

describe('scoring in memory', () => {
  it('scores a mask as the pipeline would: its chosen slices, the model on preprocessLabel’s tensors', async () => {
    const ct = await load('s0001/ct.nii.gz');
    const liver = await load('s0001/segmentations/liver.nii.gz');
    const spleen = await load('s0001/segmentations/spleen.nii.gz');
    const calls: number[] = [];
    const sc = scorer(calls);
    const a = scorePrepared(prepareMask(ct, liver, settings), 5, sc);
    const b = scoreInMemory(ct, spleen, 7, sc);
    sc.batcher.flush();
    const [ra, rb] = await Promise.all([a, b]);
    // Both labels went to the model in one call.
    expect(calls).toEqual([ra.slices.length + rb.slices.length]);
    for (const [r, mask, id] of [[ra, liver, 5], [rb, spleen, 7]] as const) {
      expect(r.slices).toEqual(chooseSlices(mask, 10));
      const prep = preprocessLabel(ct, mask, { size: S, window: [-200, 200], margin: 20, maxSlices: 10 });
      const expected = Array.from(standIn(prep.tensors, new Float32Array(512 * prep.slices.length).fill(id / 1000), prep.slices.length));
      expect(r.sliceDsc).toEqual(expected);
      expect(r.predictedDsc).toBeCloseTo(expected.reduce((x, y) => x + y, 0) / expected.length, 12);
      expect(r.worstSliceDsc).toBe(Math.min(...expected));
    }
  });
  it('an empty mask gives no slices and no score, without calling the model', async () => {
    const ct = await load('s0001/ct.nii.gz');
    const calls: number[] = [];
    const r = await scoreInMemory(ct, { grid: ct.grid, data: new Uint8Array(ct.data.length) }, 5, scorer(calls));
    expect(r).toEqual({ slices: [], sliceDsc: [], predictedDsc: null, worstSlice: null, worstSliceDsc: null });
    expect(calls).toEqual([]);
  });
});
