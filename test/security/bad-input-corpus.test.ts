/**
 * The bad-input corpus (test/fixtures/bad-input, made by tools/golden/bad_input_corpus.py) through every reader of
 * the app: the NIfTI reader (whole file and header only), the dataset scan, scoring in this process, and the CLI
 * (`sentinel score`, a child process). Each bad file fails with the error its manifest names, naming the file;
 * the good labels beside it still score; memory stays bounded. Then what no fixture holds: an empty folder, names
 * with newlines and quotes, and a dataset of 10,000 tiny cases.
 */
import { spawnSync } from 'node:child_process';
import { cp, link, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanDataset } from '../../src/core/dataset';
import { Engine } from '../../src/core/engine/engine';
import { SentinelError } from '../../src/core/errors';
import { readNifti, readNiftiHeader } from '../../src/core/nifti';
import { openScorer } from '../../src/core/scoring/scorer';
import { scoreDataset } from '../../src/core/scoring/score-dataset';
import type { LabelScore } from '../../src/shared/scores';
import { parseScoresCsv } from '../../src/shared/scores-csv';
import { REPO, scratchDir, TINY, type Scratch } from '../core/engine/fixtures';

const CORPUS = join(REPO, 'test', 'fixtures', 'bad-input');
const DATASET = join(CORPUS, 'dataset');

type Outcome = 'ok' | [code: string, phrase: string];
interface Manifest {
  files: { path: string; attack: string; read: Outcome; header: Outcome }[];
  labels: { caseId: string; labelPath: string; attack: string; scan: string; score: string; message: string }[];
}

const MiB = 1 << 20;

describe('bad-input corpus', () => {
  let manifest: Manifest;
  let tmp: Scratch;

  beforeAll(async () => {
    manifest = JSON.parse(await readFile(join(CORPUS, 'manifest.json'), 'utf8')) as Manifest;
    tmp = await scratchDir('corpus');
  });
  afterAll(async () => {
    await tmp?.cleanup();
  });

  it('stays small (under 1 MB committed)', async () => {
    const { statSync, readdirSync } = await import('node:fs');
    const size = (dir: string): number =>
      readdirSync(dir, { withFileTypes: true }).reduce((s, e) => s + (e.isDirectory() ? size(join(dir, e.name)) : statSync(join(dir, e.name)).size), 0);
    expect(size(CORPUS)).toBeLessThan(1_000_000);
  });

  it('the NIfTI reader: each file gives its error naming the file, or reads; memory stays bounded', async () => {
    const before = process.memoryUsage();
    for (const f of manifest.files) {
      const path = join(DATASET, f.path);
      for (const [what, read, expected] of [
        ['readNifti', () => readNifti(path), f.read],
        ['readNiftiHeader', () => readNiftiHeader(path), f.header],
      ] as [string, () => Promise<unknown>, Outcome][]) {
        const err = await read().then(() => null, (e: unknown) => e);
        const label = `${what} ${f.path} (${f.attack})`;
        if (expected === 'ok') {
          expect(err, label).toBeNull();
          continue;
        }
        expect(err, label).toBeInstanceOf(SentinelError);
        const e = err as SentinelError;
        expect(e.code, `${label}: ${e.message}`).toBe(expected[0]);
        expect(e.file, label).toBe(path);
        expect(e.message, label).toContain(path);
        expect(e.message, label).toContain(expected[1]);
      }
    }
    const after = process.memoryUsage();
    // Headers claim up to 100 GB: nothing of that size (or a fraction of it) was allocated.
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(64 * MiB);
    expect(after.rss - before.rss).toBeLessThan(256 * MiB);
  });

  it('the scan: each label has its status, errors name their file, the bad CT is an issue', async () => {
    const scanned = await scanDataset(DATASET);
    const found = new Map(scanned.cases.flatMap((c) => c.labels.map((l) => [l.source.path, l] as const)));
    expect([...found.keys()].sort()).toEqual(manifest.labels.map((l) => l.labelPath).sort());
    for (const want of manifest.labels) {
      const l = found.get(want.labelPath)!;
      expect(l.status, `${want.labelPath} (${want.attack}): ${l.message}`).toBe(want.scan);
      if (want.scan === 'error' || want.scan === 'grid_mismatch') {
        const file = want.labelPath.startsWith('c03_bad_ct') ? 'c03_bad_ct/ct.nii.gz' : want.labelPath;
        expect(l.message, want.labelPath).toContain(file);
      }
    }
    expect(scanned.issues.find((i) => i.path === 'c03_bad_ct/ct.nii.gz')?.message).toMatch(/c03_bad_ct\/ct\.nii\.gz/);
  });

  const checkScores = (scores: LabelScore[], where: string): void => {
    const byPath = new Map(scores.map((s) => [s.labelPath, s]));
    expect([...byPath.keys()].sort(), where).toEqual(manifest.labels.map((l) => l.labelPath).sort());
    for (const want of manifest.labels) {
      const s = byPath.get(want.labelPath)!;
      const label = `${where}: ${want.labelPath} (${want.attack}): ${s.message}`;
      expect(s.status, label).toBe(want.score);
      expect(s.caseId, label).toBe(want.caseId);
      if (want.message) expect(s.message, label).toContain(want.message);
      if (s.status === 'ok') {
        // Every scored label has a real score, NaN voxels or not.
        expect(Number.isFinite(s.predictedDsc), label).toBe(true);
        expect(s.predictedDsc!).toBeGreaterThanOrEqual(0);
        expect(s.predictedDsc!).toBeLessThanOrEqual(1);
        expect(s.sliceDsc.every(Number.isFinite), label).toBe(true);
      } else {
        expect(s.predictedDsc, label).toBeNull();
      }
    }
  };

  it('scoring in this process: bad labels fail naming their file, every good label scores', async () => {
    const scorer = await openScorer({ modelPath: TINY, executionProviders: ['cpu'], threads: 1 });
    const scores: LabelScore[] = [];
    try {
      await scoreDataset(await scanDataset(DATASET), scorer, (s) => scores.push(s));
    } finally {
      await scorer.close();
    }
    checkScores(scores, 'scoreDataset');
  });

  it('the CLI: exit 0, one row per label with its status and message, the bad CT reported on stderr', async () => {
    const out = join(tmp.dir, 'scores.csv');
    const r = spawnSync(process.execPath, [join(REPO, 'bin', 'sentinel.mjs'), 'score', DATASET, '--out', out, '--model', TINY, '-q'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('c03_bad_ct/ct.nii.gz');
    checkScores(parseScoresCsv(await readFile(out, 'utf8'), out), 'sentinel score');
  });

  it('names that break naive code (newline, quote, comma, leading dash, spaces) survive the CSV, in a folder named like an option', async () => {
    const root = join(tmp.dir, '-odd dataset #1 é');
    await cp(join(DATASET, 'c01_mixed'), join(root, 'c01'), { recursive: true });
    const seg = join(root, 'c01', 'segmentations');
    await rename(join(seg, 'spleen.nii.gz'), join(seg, 'spleen\nsecond line.nii.gz'));
    await rename(join(seg, 'liver.nii.gz'), join(seg, 'liver "quoted", with comma.nii.gz'));
    const out = join(tmp.dir, 'odd.csv');
    // Relative, so the folder's leading dash is the first character the CLI sees after "./".
    const r = spawnSync(process.execPath, [join(REPO, 'bin', 'sentinel.mjs'), 'score', './-odd dataset #1 é', '--out', out, '--model', TINY, '-q'], { cwd: tmp.dir, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const rows = parseScoresCsv(await readFile(out, 'utf8'), out);
    const paths = rows.map((s) => s.labelPath);
    expect(paths).toContain('c01/segmentations/spleen\nsecond line.nii.gz');
    expect(paths).toContain('c01/segmentations/liver "quoted", with comma.nii.gz');
    expect(paths).toContain('c01/segmentations/-spleen.nii.gz');
    expect(paths).toContain('c01/segmentations/lung#1.nii.gz');
    expect(rows.find((s) => s.labelPath === 'c01/segmentations/-spleen.nii.gz')?.status).toBe('ok');
    expect(rows.length).toBe(manifest.labels.filter((l) => l.caseId === 'c01_mixed').length);
  });

  it('an empty folder, or one with no dataset in it: one clear error naming the folder (scan, engine, CLI)', async () => {
    const empty = join(tmp.dir, 'empty');
    const junk = join(tmp.dir, 'junk');
    await mkdir(empty);
    await mkdir(join(junk, 'docs'), { recursive: true });
    await writeFile(join(junk, 'README.txt'), 'nothing here\n');
    await writeFile(join(junk, 'docs', 'notes.nii.gz'), 'not even an image');
    const engine = new Engine({ modelPath: TINY, executionProviders: ['cpu'], threads: 1 });
    try {
      for (const dir of [empty, junk]) {
        const err = await scanDataset(dir).then(() => null, (e: unknown) => e);
        expect(err).toBeInstanceOf(SentinelError);
        expect((err as SentinelError).file).toBe(dir);
        expect((err as Error).message).toMatch(/not a dataset/);
        await expect(engine.openProject(dir)).rejects.toThrow(/not a dataset/);
        const r = spawnSync(process.execPath, [join(REPO, 'bin', 'sentinel.mjs'), 'score', dir, '--out', join(tmp.dir, 'e.csv'), '--model', TINY, '-q'], { encoding: 'utf8' });
        expect(r.status).toBe(1);
        expect(r.stderr).toContain(dir);
        expect(r.stderr).toMatch(/not a dataset/);
        expect(r.stderr).not.toMatch(/unexpected error|at .*\.ts:\d+/);
      }
      await expect(scanDataset(join(tmp.dir, 'missing'))).rejects.toMatchObject({ code: 'not_found' });
    } finally {
      await engine.close();
    }
  });

  it('10,000 tiny cases: the scan completes, with every case, in bounded memory', async () => {
    const root = join(tmp.dir, 'many');
    // Copied next to the cases first: hard links cannot cross file systems.
    const ct = join(tmp.dir, 'many-ct.nii.gz');
    const mask = join(tmp.dir, 'many-liver.nii.gz');
    await cp(join(DATASET, 'c01_mixed', 'ct.nii.gz'), ct);
    await cp(join(DATASET, 'c01_mixed', 'segmentations', 'liver.nii.gz'), mask);
    const N = 10_000;
    // Hard links to the corpus's files: 20,000 files to read, made in a fraction of the time of copies.
    for (let i = 0; i < N; i += 100) {
      await Promise.all(
        Array.from({ length: 100 }, async (_, k) => {
          const dir = join(root, `case${String(i + k).padStart(5, '0')}`);
          await mkdir(join(dir, 'segmentations'), { recursive: true });
          await link(ct, join(dir, 'ct.nii.gz'));
          await link(mask, join(dir, 'segmentations', 'liver.nii.gz'));
        }),
      );
    }
    global.gc?.();
    const before = process.memoryUsage();
    let progress = 0;
    const scanned = await scanDataset(root, { onProgress: (p) => (progress = p.done) });
    const after = process.memoryUsage();
    expect(scanned.cases).toHaveLength(N);
    expect(progress).toBe(2 * N);
    expect(scanned.cases.every((c) => c.labels.length === 1 && c.labels[0].status === 'ok')).toBe(true);
    // The manifest of 10,000 cases is a few MB; the scan holds no voxel data.
    expect(after.heapUsed - before.heapUsed).toBeLessThan(256 * MiB);
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(64 * MiB);
  }, 180_000);
});

export const corpusRoot = resolve(DATASET);
