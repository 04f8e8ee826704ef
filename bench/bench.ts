/**
 * `npm run bench`: end-to-end scoring speed, measured as ratios within one run (never asserted by timed tests).
 * Scores the bundled sample and a synthetic full-size case (512×512×300 int16 CT, 104 masks), then measures, on
 * the same machine in the same run, the pure inference time of as many slices and the pure gunzip time of the
 * same files. The last line is `ratio <end-to-end / max(inference, gunzip / workers)>`: 1.0 means the pipeline
 * costs no more than its slowest unavoidable part.
 * First it times the quality report over 10 000 labels (bench/report.ts; alone: `npm run bench -- --report`).
 */
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { createGunzip } from 'node:zlib';
import { scanDataset, type DatasetManifest } from '../src/core/dataset';
import { defaultModelPath } from '../src/core/resources/paths';
import { openScorer, type Scorer } from '../src/core/scoring/scorer';
import { scoreDataset } from '../src/core/scoring/score-dataset';
import type { LabelScore } from '../src/shared/scores';
import { spawnSync } from 'node:child_process';
import { ensureSyntheticDataset, SYNTHETIC_DIR, syntheticReady } from './synthetic';

interface RunStats {
  seconds: number;
  labels: number;
  slices: number;
  ok: number;
}

async function timeScoring(manifest: DatasetManifest, scorer: Scorer): Promise<RunStats> {
  const scores: LabelScore[] = [];
  const t = performance.now();
  await scoreDataset(manifest, scorer, (s) => scores.push(s));
  const seconds = (performance.now() - t) / 1000;
  return {
    seconds,
    labels: scores.length,
    slices: scores.reduce((n, s) => n + s.slices.length, 0),
    ok: scores.filter((s) => s.status === 'ok').length,
  };
}

/** Inference alone on `slices` inputs shaped like the real ones, through the same worker and batching. */
async function timeInference(scorer: Scorer, slices: number): Promise<number> {
  const s = scorer.settings.size;
  const per = 2 * s * s;
  const emb = scorer.embedding(2);
  const jobs: Promise<unknown>[] = [];
  const t = performance.now();
  for (let done = 0; done < slices; done += 10) {
    const n = Math.min(10, slices - done);
    const images = new Float32Array(n * per);
    for (let i = 0; i < images.length; i += 97) images[i] = (i % 13) / 13;
    jobs.push(scorer.batcher.add(images, emb, n));
  }
  scorer.batcher.flush();
  await Promise.all(jobs);
  return (performance.now() - t) / 1000;
}

/**
 * Gunzip of every file of the case, one after another on one thread: the decode work any pipeline must do.
 * Streamed with the output discarded, so it measures inflation alone (zlib's one-shot gunzip spends extra time
 * growing one huge output buffer, which would flatter the pipeline).
 */
async function timeGunzip(root: string, manifest: DatasetManifest): Promise<number> {
  let total = 0;
  for (const c of manifest.cases) {
    for (const rel of [c.ct.path, ...c.labels.map((l) => l.source.path)]) {
      const bytes = await readFile(join(root, rel));
      const t = performance.now();
      await new Promise<void>((done, fail) => {
        const z = createGunzip({ chunkSize: 1 << 18 });
        z.on('data', () => undefined);
        z.on('end', done);
        z.on('error', fail);
        z.end(bytes);
      });
      total += performance.now() - t;
    }
  }
  return total / 1000;
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

export async function benchCommand(argv: string[]): Promise<number> {
  if (argv.includes('--generate-only')) {
    await ensureSyntheticDataset(resolve('.bench'));
    return 0;
  }
  if (argv.includes('--report')) {
    await (await import('./report')).benchReport((s) => void process.stdout.write(`${s}\n`));
    return 0;
  }
  const modelArg = argv[argv.indexOf('--model') + 1];
  const modelPath = argv.includes('--model') && modelArg ? resolve(modelArg) : (defaultModelPath() ?? resolve('test/fixtures/models/tiny-random.onnx'));
  const log = (s: string): void => void process.stdout.write(`${s}\n`);
  const scorer = await openScorer({ modelPath, executionProviders: ['cpu'] });
  const workers = Math.min(availableParallelism(), scorer.settings.decodeConcurrency);
  log(`model ${scorer.settings.modelTag} (${scorer.info.card.purpose}), S=${scorer.settings.size}, ${scorer.info.providerNote}, ${scorer.info.threads} threads`);
  try {
    // The report first, so that the scoring ratio stays the last line.
    await (await import('./report')).benchReport(log);
    const sampleRoot = resolve('resources/sample');
    const sample = await scanDataset(sampleRoot);
    const sr = await timeScoring(sample, scorer);
    log(`sample: ${sample.cases.length} cases, ${sr.labels} labels (${sr.ok} ok): ${(sr.seconds / sample.cases.length).toFixed(2)} s per case, ${(sr.labels / sr.seconds).toFixed(1)} labels/s, ${(sr.slices / sr.seconds).toFixed(1)} slices/s`);

    // Generated in a child process, so its memory does not count in this process's peak RSS.
    const synthRoot = resolve('.bench', SYNTHETIC_DIR);
    if (!syntheticReady(resolve('.bench'))) {
      log('generating the synthetic case in .bench/ (once; about a minute)...');
      const r = spawnSync(process.execPath, [resolve('bin/sentinel.mjs'), 'bench', '--generate-only'], { stdio: 'inherit' });
      if (r.status !== 0) throw new Error('generating the synthetic case failed');
    }
    // The synthetic organs are named organ_000..organ_103; each is scored with some DAP organ's embedding.
    const synth = await scanDataset(synthRoot, {
      matchOrgan: (name) => ({ status: 'mapped', dapId: 2 + (Number(name.slice(-3)) % 143), dapName: name, approximate: false }),
    });
    const rssBefore = process.resourceUsage().maxRSS * 1024;
    const e2e = await timeScoring(synth, scorer);
    const peakRss = process.resourceUsage().maxRSS * 1024;
    log(`synthetic 512x512x300, ${e2e.labels} labels (${e2e.ok} ok): ${e2e.seconds.toFixed(2)} s per case, ${(e2e.labels / e2e.seconds).toFixed(1)} labels/s, ${(e2e.slices / e2e.seconds).toFixed(1)} slices/s`);
    log(`peak RSS: ${mb(peakRss)} (before the synthetic case: ${mb(rssBefore)})`);
    const inference = await timeInference(scorer, e2e.slices);
    log(`inference only, the same ${e2e.slices} slices: ${inference.toFixed(2)} s`);
    const unzip = await timeGunzip(synthRoot, synth);
    log(`gunzip only, the same ${synth.cases[0].labels.length + 1} files on one thread: ${unzip.toFixed(2)} s; decode workers: ${workers}`);
    const floor = Math.max(inference, unzip / workers);
    log(`ratio ${(e2e.seconds / floor).toFixed(3)}`);
  } finally {
    await scorer.close();
  }
  return 0;
}
