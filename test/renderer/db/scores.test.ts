import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCORE_HEADER, scoreToCsvRow } from '../../../src/shared/scores-csv';
import {
  ProjectDbError,
  importScoresCsvText,
  labelScoreOf,
  latestScoresByModel,
  recordScore,
  scoreHistory,
  upsertProjectFromSnapshot,
  type ProjectDb,
} from '../../../src/renderer/src/db';
import type { LabelScore } from '../../../src/shared/scores';
import { freshDb, path, sampleSnapshot, scoreFor, smallSnapshot } from './fixtures';

const ROOT = '/data/tiny';

describe('score history', () => {
  let db: ProjectDb;
  beforeEach(async () => {
    db = freshDb();
    await upsertProjectFromSnapshot(db, smallSnapshot(ROOT));
  });
  afterEach(async () => {
    await db.delete();
  });

  it('keeps every score per model and shows the newest on the label', async () => {
    const lp = path('c1', 'liver');
    const a = scoreFor(lp, { predictedDsc: 0.9, model: 'm@1' });
    const b = scoreFor(lp, { predictedDsc: 0.5, model: 'm@2' });
    const c = scoreFor(lp, { predictedDsc: 0.7, model: 'm@1' });
    expect(await recordScore(db, ROOT, a, '2025-01-01T00:00:00.000Z')).toEqual({ recorded: true, newLabel: false });
    await recordScore(db, ROOT, b, '2025-01-02T00:00:00.000Z');
    await recordScore(db, ROOT, c, '2025-01-03T00:00:00.000Z');
    const all = await scoreHistory(db, ROOT, lp);
    expect(all.map((s) => s.predictedDsc)).toEqual([0.9, 0.5, 0.7]);
    expect(all.map(labelScoreOf)).toEqual([a, b, c]);
    expect((await scoreHistory(db, ROOT, lp, 'm@1')).map((s) => s.predictedDsc)).toEqual([0.9, 0.7]);
    const latest = await latestScoresByModel(db, ROOT, lp);
    expect([...latest].map(([m, s]) => [m, s.predictedDsc])).toEqual([['m@1', 0.7], ['m@2', 0.5]]);
    const label = await db.labels.get([ROOT, lp]);
    expect(label?.dsc).toBe(0.7);
    expect(label?.latest).toMatchObject({ model: 'm@1', predictedDsc: 0.7, worstSlice: 20, worstSliceDsc: 0.7, status: 'ok' });
  });

  it('does not record the same score twice, and an older score does not replace a newer one on the label', async () => {
    const lp = path('c2', 'liver');
    await recordScore(db, ROOT, scoreFor(lp, { predictedDsc: 0.6 }), '2025-01-05T00:00:00.000Z');
    expect(await recordScore(db, ROOT, scoreFor(lp, { predictedDsc: 0.6 }), '2025-01-06T00:00:00.000Z')).toEqual({ recorded: false, newLabel: false });
    await recordScore(db, ROOT, scoreFor(lp, { predictedDsc: 0.2, model: 'old@0' }), '2025-01-01T00:00:00.000Z');
    expect(await scoreHistory(db, ROOT, lp)).toHaveLength(2);
    expect((await db.labels.get([ROOT, lp]))?.dsc).toBe(0.6);
  });

  it('a failed score leaves the label without a DSC', async () => {
    const lp = path('c1', 'spleen');
    await recordScore(db, ROOT, scoreFor(lp, { predictedDsc: 0.8 }), '2025-01-01T00:00:00.000Z');
    await recordScore(db, ROOT, scoreFor(lp, { predictedDsc: null, status: 'error', message: 'truncated', slices: [], sliceDsc: [], worstSlice: null, worstSliceDsc: null }), '2025-01-02T00:00:00.000Z');
    const label = await db.labels.get([ROOT, lp]);
    expect(label && 'dsc' in label).toBe(false);
    expect(label?.latest?.status).toBe('error');
  });

  it('refuses a score for a project it does not know', async () => {
    await expect(recordScore(db, '/elsewhere', scoreFor(path('c1', 'liver')))).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('importing a scores CSV', () => {
  let db: ProjectDb;
  afterEach(async () => {
    await db.delete();
  });

  /** A CSV as `sentinel score` writes it (the engine's own writer), for every label of the bundled sample. */
  async function sampleCsv(): Promise<{ root: string; text: string; scores: LabelScore[] }> {
    const snap = await sampleSnapshot();
    db = freshDb();
    await upsertProjectFromSnapshot(db, snap);
    const scores = snap.labels.map((l, n): LabelScore =>
      l.status === 'ok'
        ? scoreFor(l.labelPath, { caseId: l.caseId, organ: l.organ, organId: l.organId, predictedDsc: ((n * 37) % 100) / 100, message: n % 7 === 0 ? 'note, with "quotes"\nand a line break' : '' })
        : scoreFor(l.labelPath, { caseId: l.caseId, organ: l.organ, organId: l.organId, status: l.status, predictedDsc: null, slices: [], sliceDsc: [], worstSlice: null, worstSliceDsc: null, message: l.message }),
    );
    const text = [SCORE_HEADER, ...scores.map(scoreToCsvRow)].join('\r\n') + '\r\n';
    return { root: snap.root, text, scores };
  }

  it('imports every row into the history and the labels, once', async () => {
    const { root, text, scores } = await sampleCsv();
    const res = await importScoresCsvText(db, root, text, { file: 'sample-scores.csv', time: '2025-02-01T00:00:00.000Z' });
    expect(res).toEqual({ rows: scores.length, recorded: scores.length, unchanged: 0, newLabels: 0 });
    for (const s of scores.slice(0, 12)) {
      const [row] = await scoreHistory(db, root, s.labelPath);
      expect(labelScoreOf(row)).toEqual({ ...s, seconds: Number(s.seconds.toFixed(3)) });
      expect((await db.labels.get([root, s.labelPath]))?.dsc).toBe(s.status === 'ok' ? s.predictedDsc : undefined);
    }
    const again = await importScoresCsvText(db, root, text);
    expect(again).toEqual({ rows: scores.length, recorded: 0, unchanged: scores.length, newLabels: 0 });
    expect(await db.scores.count()).toBe(scores.length);
  });

  it('creates labels a scan did not know', async () => {
    db = freshDb();
    await upsertProjectFromSnapshot(db, smallSnapshot(ROOT));
    const extra = scoreFor(path('c9', 'pancreas'), { caseId: 'c9', organ: 'pancreas', predictedDsc: 0.3 });
    const res = await importScoresCsvText(db, ROOT, `${SCORE_HEADER}\n${scoreToCsvRow(extra)}\n`);
    expect(res.newLabels).toBe(1);
    expect(await db.labels.get([ROOT, extra.labelPath])).toMatchObject({ caseId: 'c9', organ: 'pancreas', status: 'ok', dsc: 0.3 });
  });

  it('refuses a malformed file whole, naming the file and line', async () => {
    db = freshDb();
    await upsertProjectFromSnapshot(db, smallSnapshot(ROOT));
    const good = scoreToCsvRow(scoreFor(path('c1', 'liver')));
    const bad = scoreToCsvRow(scoreFor(path('c1', 'spleen'))).replace(',ok,', ',great,');
    const err = await importScoresCsvText(db, ROOT, `${SCORE_HEADER}\n${good}\n${bad}\n`, { file: 'run.csv' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProjectDbError);
    expect(err).toMatchObject({ code: 'invalid_format', file: 'run.csv' });
    expect((err as Error).message).toBe('run.csv: row 3: unknown status "great"');
    expect(await db.scores.count()).toBe(0);
    await expect(importScoresCsvText(db, ROOT, 'case,organ\nx,y\n', { file: 'short.csv' })).rejects.toThrow(/short\.csv: missing column "label_path"/);
  });
});
