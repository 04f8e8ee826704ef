/**
 * Mask preparation in worker threads gives exactly what preparation on the caller's thread gives, and reports
 * a bad mask file as a row, not a crash.
 */
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { scanDataset } from '../../../src/core/dataset';
import { openScorer } from '../../../src/core/scoring/scorer';
import { scoreDataset } from '../../../src/core/scoring/score-dataset';
import type { LabelScore } from '../../../src/shared/scores';

const SAMPLE = fileURLToPath(new URL('../../../resources/sample/s0001', import.meta.url));
const MODEL = fileURLToPath(new URL('../../fixtures/models/tiny-random.onnx', import.meta.url));
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function scoreWith(root: string, pool: boolean): Promise<Map<string, LabelScore>> {
  const scorer = await openScorer({ modelPath: MODEL, executionProviders: ['cpu'], prepWorker: pool ? undefined : false });
  expect(scorer.prepPool !== null).toBe(pool);
  const out = new Map<string, LabelScore>();
  try {
    await scoreDataset(await scanDataset(root), scorer, (s) => out.set(s.labelPath, s));
  } finally {
    await scorer.close();
  }
  return out;
}

describe('mask preparation workers', () => {
  it('score every label exactly as the in-thread path does, and report a corrupt mask as an error row', async () => {
    const root = await mkdtemp(join(tmpdir(), 'sentinel-prep-'));
    dirs.push(root);
    await cp(SAMPLE, join(root, 's0001'), { recursive: true });
    // Valid gzip magic and a header-sized prefix, then garbage: the scan passes it on, decoding fails.
    const bad = join(root, 's0001', 'segmentations', 'liver.nii.gz');
    await writeFile(bad, Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]), Buffer.alloc(400, 7)]));
    const [inThread, inWorkers] = [await scoreWith(root, false), await scoreWith(root, true)];
    expect(inWorkers.size).toBe(inThread.size);
    for (const [path, a] of inThread) {
      const b = inWorkers.get(path) as LabelScore;
      expect(b.status).toBe(a.status);
      expect(b.slices).toEqual(a.slices);
      b.sliceDsc.forEach((v, i) => expect(v).toBeCloseTo(a.sliceDsc[i], 6));
    }
    const liver = inWorkers.get('s0001/segmentations/liver.nii.gz') as LabelScore;
    expect(liver.status).toBe('error');
    expect(liver.message).toContain('liver.nii.gz');
  });
});
