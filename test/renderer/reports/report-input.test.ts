/**
 * The Reports view's input from the project database (fake-indexeddb): each label's newest score, 'pending' for
 * scorable labels not scored yet, the scan's verdict for the others; and the scores CSV it saves, which must give
 * `sentinel report` the view's figures.
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordScore, upsertProjectFromSnapshot, type ProjectDb } from '../../../src/renderer/src/db';
import { projectReportLabels, projectScoresCsv, snapshotMeta } from '../../../src/renderer/src/reports/report-input';
import { buildReport, reportLabelsFromScores } from '../../../src/shared/report';
import { parseScoresCsv } from '../../../src/shared/scores-csv';
import { freshDb, path, scoreFor, smallSnapshot } from '../db/fixtures';

const ROOT = '/data/tiny';

describe('report input from the project database', () => {
  let db: ProjectDb;
  beforeEach(async () => {
    db = freshDb();
    await upsertProjectFromSnapshot(db, smallSnapshot(ROOT));
    await recordScore(db, ROOT, scoreFor(path('c1', 'liver'), { predictedDsc: 0.9, model: 'm@1' }), '2025-01-01T00:00:00.000Z');
    await recordScore(db, ROOT, scoreFor(path('c1', 'liver'), { predictedDsc: 0.4, model: 'm@2' }), '2025-01-02T00:00:00.000Z');
    await recordScore(db, ROOT, scoreFor(path('c1', 'spleen'), { predictedDsc: 0.7123456789 }), '2025-01-02T00:00:00.000Z');
    await recordScore(db, ROOT, scoreFor(path('c2', 'liver'), { predictedDsc: 0.55 }), '2025-01-02T00:00:00.000Z');
  });
  afterEach(async () => {
    await db.delete();
  });

  it('takes the newest score of each label and the scan verdict of the rest', async () => {
    const labels = await projectReportLabels(db, ROOT);
    const by = new Map(labels.map((l) => [l.labelPath, l]));
    expect(by.get(path('c1', 'liver'))).toMatchObject({ status: 'ok', predictedDsc: 0.4, model: 'm@2' });
    expect(by.get(path('c2', 'kidney_left'))).toMatchObject({ status: 'pending', predictedDsc: null });
    expect(by.get(path('c1', 'mystery'))?.status).toBe('unmapped');
    expect(by.get(path('c2', 'aorta'))?.status).toBe('grid_mismatch');
    const report = buildReport(labels, snapshotMeta(smallSnapshot(ROOT)));
    expect(report.coverage).toMatchObject({ cases: 2, labels: 6, scored: 3, pending: 1, unmapped: 1, grid_mismatch: 1, cases_with_meta: 1 });
    expect(report.models).toEqual(['m@2', 'tiny-random@0.1.0']);
  });

  it('saves a scores CSV from which the CLI computes the same figures', async () => {
    const csv = parseScoresCsv(await projectScoresCsv(db, ROOT));
    // Scored labels and the labels the scan could not score; the one still waiting has no row.
    expect(csv.map((s) => `${s.labelPath}:${s.status}`).sort()).toEqual(
      [`${path('c1', 'liver')}:ok`, `${path('c1', 'mystery')}:unmapped`, `${path('c1', 'spleen')}:ok`, `${path('c2', 'aorta')}:grid_mismatch`, `${path('c2', 'liver')}:ok`].sort(),
    );
    const meta = snapshotMeta(smallSnapshot(ROOT));
    const fromDb = buildReport(await projectReportLabels(db, ROOT), meta, { minGroupSize: 1 });
    const fromCsv = buildReport(reportLabelsFromScores(csv), meta, { minGroupSize: 1 });
    expect(fromCsv.coverage).toEqual({ ...fromDb.coverage, labels: 5, pending: 0 });
    expect(fromCsv.organs.map((o) => [o.organ, o.n])).toEqual(fromDb.organs.map((o) => [o.organ, o.n]));
    fromCsv.organs.forEach((o, i) => expect(o.mean).toBeCloseTo(fromDb.organs[i].mean as number, 6));
    expect(fromCsv.worst.map((w) => w.label_path)).toEqual(fromDb.worst.map((w) => w.label_path));
  });

  it('reads case metadata from the snapshot', () => {
    const meta = snapshotMeta(smallSnapshot(ROOT));
    expect([...meta.keys()]).toEqual(['c1']);
    expect(meta.get('c1')).toEqual({ age: '63', gender: 'f' });
    expect(snapshotMeta(null).size).toBe(0);
  });
});
