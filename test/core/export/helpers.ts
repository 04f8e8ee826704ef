/** Shared set-up of the export tests: the bundled sample scored by the real default model, scratch folders. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { scanDataset, type DatasetManifest } from '../../../src/core/dataset';
import { defaultModelPath } from '../../../src/core/resources/paths';
import { openScorer } from '../../../src/core/scoring/scorer';
import { scoreDataset } from '../../../src/core/scoring/score-dataset';
import type { LabelScore } from '../../../src/shared/scores';
import { SAMPLE } from '../engine/fixtures';

export { SAMPLE };

/** The sample's scan and every label's score from the bundled default model, through the scoring pipeline. */
export async function scoreSample(): Promise<{ manifest: DatasetManifest; scores: LabelScore[] }> {
  const modelPath = defaultModelPath();
  if (!modelPath) throw new Error('resources/models/default.onnx is missing');
  const manifest = await scanDataset(SAMPLE);
  const scorer = await openScorer({ modelPath, executionProviders: ['cpu'], prepWorker: false });
  const scores: LabelScore[] = [];
  try {
    await scoreDataset(manifest, scorer, (s) => scores.push(s));
  } finally {
    await scorer.close();
  }
  return { manifest, scores };
}

/** Every entry below `dir` (relative paths), to show what an export left behind. */
export async function listTree(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string, rel: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      out.push(r);
      if (e.isDirectory()) await walk(join(d, e.name), r);
    }
  };
  await walk(dir, '');
  return out.sort();
}
