/**
 * Scoring: the batcher and the concurrency helper on their own, then scoreDataset with the random-weight test model
 * on one sample case stored three ways (per-organ files, a multi-label map, and every volume stored with the i axis
 * reversed). The model must see the same slices whichever way a label is stored.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanDataset } from '../../../src/core/dataset';
import { readNifti, writeNifti, type NiftiImage } from '../../../src/core/nifti';
import { SliceBatcher } from '../../../src/core/scoring/batcher';
import { mapWithConcurrency } from '../../../src/core/scoring/concurrency';
import { scoreDataset } from '../../../src/core/scoring/score-dataset';
import { openScorer, type Scorer } from '../../../src/core/scoring/scorer';
import type { Grid, VoxelArray } from '../../../src/core/volume';
import type { LabelScore } from '../../../src/shared/scores';
import { SAMPLE, scratchDir, sleep, TINY, type Scratch } from '../engine/fixtures';

describe('mapWithConcurrency', () => {
  it('runs every item once with at most `limit` in flight, and reports idle', async () => {
    let inFlight = 0;
    let peak = 0;
    const seen: number[] = [];
    let idle = 0;
    await mapWithConcurrency(
      Array.from({ length: 20 }, (_, i) => i),
      3,
      async (i) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await sleep(i % 4);
        seen.push(i);
        inFlight--;
      },
      () => idle++,
    );
    expect(peak).toBe(3);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(idle).toBeGreaterThan(0);
    // Nothing to do: no lane is left hanging.
    await mapWithConcurrency([], 4, async () => undefined);
  });
});

describe('SliceBatcher', () => {
  const S = 2;
  const E = 3;
  const slice = 2 * S * S;
  /** n slices whose first value is `tag + s`, so the fake model can answer per slice. */
  const images = (tag: number, n: number): Float32Array => {
    const a = new Float32Array(n * slice);
    for (let s = 0; s < n; s++) a[s * slice] = tag + s;
    return a;
  };

  it('fills batches across requests and gives each request its own predictions', async () => {
    const calls: { n: number; embeddings: Float32Array }[] = [];
    // The fake model answers each slice with its tag plus its embedding's first value.
    const infer = async (img: Float32Array, emb: Float32Array, n: number): Promise<Float32Array> => {
      calls.push({ n, embeddings: emb.slice() });
      return Float32Array.from({ length: n }, (_, s) => img[s * slice] + emb[s * E]);
    };
    const b = new SliceBatcher(infer, S, E, 8, 1000);
    const r1 = b.add(images(100, 3), Float32Array.of(0.5, 0, 0), 3);
    const r2 = b.add(images(200, 4), Float32Array.of(0.25, 0, 0), 4);
    expect(calls).toHaveLength(0); // 7 < 8 slices: still waiting
    const r3 = b.add(images(300, 2), Float32Array.of(0.125, 0, 0), 2); // 9 >= 8: runs now
    const [a1, a2, a3] = await Promise.all([r1, r2, r3]);
    expect(calls.map((c) => c.n)).toEqual([9]);
    expect(Array.from(a1.dsc)).toEqual([100.5, 101.5, 102.5]);
    expect(Array.from(a2.dsc)).toEqual([200.25, 201.25, 202.25, 203.25]);
    expect(Array.from(a3.dsc)).toEqual([300.125, 301.125]);
    // Inference time is shared by slice count.
    const total = a1.seconds + a2.seconds + a3.seconds;
    expect(a1.seconds * 9).toBeCloseTo(total * 3, 9);
  });

  it('runs a part-filled batch after the wait, or at once on flush', async () => {
    let calls = 0;
    const infer = async (_i: Float32Array, _e: Float32Array, n: number): Promise<Float32Array> => {
      calls++;
      return new Float32Array(n).fill(0.5);
    };
    const waiting = new SliceBatcher(infer, S, E, 32, 20);
    const r = await waiting.add(images(1, 2), new Float32Array(E), 2);
    expect(Array.from(r.dsc)).toEqual([0.5, 0.5]);
    expect(calls).toBe(1);

    const slow = new SliceBatcher(infer, S, E, 32, 60_000);
    const p = slow.add(images(1, 1), new Float32Array(E), 1);
    slow.flush();
    expect((await p).dsc).toHaveLength(1);
    expect(calls).toBe(2);
  });

  it('rejects every request of a failed batch', async () => {
    const b = new SliceBatcher(async () => Promise.reject(new Error('model fell over')), S, E, 4, 1000);
    const r1 = b.add(images(1, 2), new Float32Array(E), 2);
    const r2 = b.add(images(2, 2), new Float32Array(E), 2);
    await expect(r1).rejects.toThrow('model fell over');
    await expect(r2).rejects.toThrow('model fell over');
  });
});

const ORGANS = ['liver', 'spleen', 'kidney_left', 'aorta', 'stomach'] as const;

/** The same voxels with the i axis stored reversed; the affine moves so every voxel keeps its world position. */
function flipI(grid: Grid, data: VoxelArray): { grid: Grid; data: VoxelArray } {
  const [nx, ny, nz] = grid.dims;
  const out = data.slice();
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const row = j * nx + k * nx * ny;
      for (let i = 0; i < nx; i++) out[row + nx - 1 - i] = data[row + i];
    }
  }
  const a = [...grid.affine];
  for (let r = 0; r < 3; r++) {
    a[r * 4 + 3] += a[r * 4] * (nx - 1);
    a[r * 4] = -a[r * 4];
  }
  return { grid: { ...grid, affine: a }, data: out };
}

async function writeFlipped(file: string, img: NiftiImage): Promise<void> {
  await writeNifti(file, { header: { ...img.header, extensionFlag: 0 }, volume: flipI(img.volume.grid, img.volume.data) });
}

describe('scoreDataset with the test model', () => {
  let tmp: Scratch;
  let scorer: Scorer;
  const roots = { files: '', map: '', flipped: '' };

  async function scoreAll(root: string, signal?: AbortSignal): Promise<LabelScore[]> {
    const manifest = await scanDataset(root);
    const scores: LabelScore[] = [];
    await scoreDataset(manifest, scorer, (s) => scores.push(s), { signal });
    return scores;
  }
  const byOrgan = (scores: LabelScore[]): Map<string, LabelScore> => new Map(scores.map((s) => [s.organ, s]));

  beforeAll(async () => {
    tmp = await scratchDir('scoring');
    const src = join(SAMPLE, 's0001');
    const ct = await readNifti(join(src, 'ct.nii.gz'));
    const masks = await Promise.all(ORGANS.map((o) => readNifti(join(src, 'segmentations', `${o}.nii.gz`))));

    roots.files = join(tmp.dir, 'files');
    await mkdir(join(roots.files, 's0001', 'segmentations'), { recursive: true });
    await copyFile(join(src, 'ct.nii.gz'), join(roots.files, 's0001', 'ct.nii.gz'));
    for (const o of ORGANS) await copyFile(join(src, 'segmentations', `${o}.nii.gz`), join(roots.files, 's0001', 'segmentations', `${o}.nii.gz`));

    // One label map: value v+1 for ORGANS[v]; pancreas is named in the table but has no voxel.
    roots.map = join(tmp.dir, 'map');
    await mkdir(join(roots.map, 's0001'), { recursive: true });
    await copyFile(join(src, 'ct.nii.gz'), join(roots.map, 's0001', 'ct.nii.gz'));
    const map = new Uint8Array(masks[0].volume.data.length);
    masks.forEach((m, v) => {
      const d = m.volume.data;
      for (let i = 0; i < d.length; i++) {
        if (d[i] === 0) continue;
        if (map[i] !== 0) throw new Error(`${ORGANS[v]} overlaps ${ORGANS[map[i] - 1]}: pick other organs`);
        map[i] = v + 1;
      }
    });
    await writeNifti(join(roots.map, 's0001', 'label.nii.gz'), { header: { ...masks[0].header, extensionFlag: 0 }, volume: { grid: masks[0].volume.grid, data: map } });
    const table: Record<string, string> = Object.fromEntries(ORGANS.map((o, v) => [String(v + 1), o]));
    table['6'] = 'pancreas';
    await writeFile(join(roots.map, 's0001', 'labels.json'), JSON.stringify(table));

    // Every volume stored with its i axis reversed.
    roots.flipped = join(tmp.dir, 'flipped');
    await mkdir(join(roots.flipped, 's0001', 'segmentations'), { recursive: true });
    await writeFlipped(join(roots.flipped, 's0001', 'ct.nii.gz'), ct);
    for (const [v, o] of ORGANS.entries()) await writeFlipped(join(roots.flipped, 's0001', 'segmentations', `${o}.nii.gz`), masks[v]);

    scorer = await openScorer({ modelPath: TINY, executionProviders: ['cpu'], threads: 1 });
  });

  afterAll(async () => {
    await scorer?.close();
    await tmp?.cleanup();
  });

  it('scores the same labels to the same slices and values however they are stored', async () => {
    const files = byOrgan(await scoreAll(roots.files));
    const map = byOrgan(await scoreAll(roots.map));
    const flipped = byOrgan(await scoreAll(roots.flipped));
    expect([...files.keys()].sort()).toEqual([...ORGANS].sort());
    expect([...map.keys()].sort()).toEqual([...ORGANS, 'pancreas'].sort());
    expect([...flipped.keys()].sort()).toEqual([...ORGANS].sort());

    for (const [v, o] of ORGANS.entries()) {
      const ref = files.get(o) as LabelScore;
      expect(ref.status, o).toBe('ok');
      expect(ref.labelPath).toBe(`s0001/segmentations/${o}.nii.gz`);
      for (const [how, other] of [['map', map.get(o)], ['flipped', flipped.get(o)]] as const) {
        const s = other as LabelScore;
        expect(s.status, `${how} ${o}`).toBe('ok');
        expect(s.organId, `${how} ${o}`).toBe(ref.organId);
        expect(s.slices, `${how} ${o}`).toEqual(ref.slices);
        expect(s.worstSlice, `${how} ${o}`).toBe(ref.worstSlice);
        s.sliceDsc.forEach((d, i) => expect(Math.abs(d - ref.sliceDsc[i]), `${how} ${o} slice ${i}`).toBeLessThan(1e-5));
      }
      expect((map.get(o) as LabelScore).labelPath).toBe(`s0001/label.nii.gz#${v + 1}`);
    }
    const pancreas = map.get('pancreas') as LabelScore;
    expect(pancreas).toMatchObject({ status: 'empty', predictedDsc: null, slices: [], labelPath: 's0001/label.nii.gz#6' });
  });

  it('scores nothing once its signal has aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    expect(await scoreAll(roots.files, ac.signal)).toEqual([]);
  });
});
