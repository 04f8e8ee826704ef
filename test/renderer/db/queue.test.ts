import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  editsOf,
  recordDecision,
  recordEdit,
  recordScore,
  reviewQueue,
  reviewsOf,
  upsertProjectFromSnapshot,
  type ProjectDb,
} from '../../../src/renderer/src/db';
import { freshDb, path, scoreFor, smallSnapshot } from './fixtures';

const ROOT = '/data/tiny';

describe('review queue', () => {
  let db: ProjectDb;
  beforeEach(async () => {
    db = freshDb();
    await upsertProjectFromSnapshot(db, smallSnapshot(ROOT));
    // c1/liver 0.62, c1/spleen 0.35, c2/liver 0.91, c2/kidney_left unscored (pending);
    // c1/mystery unmapped and c2/aorta grid_mismatch from the scan.
    await recordScore(db, ROOT, scoreFor(path('c1', 'liver'), { predictedDsc: 0.62 }));
    await recordScore(db, ROOT, scoreFor(path('c1', 'spleen'), { predictedDsc: 0.35 }));
    await recordScore(db, ROOT, scoreFor(path('c2', 'liver'), { predictedDsc: 0.91 }));
  });
  afterEach(async () => {
    await db.delete();
  });

  const names = (items: { caseId: string; organ: string }[]): string[] => items.map((i) => `${i.caseId}/${i.organ}`);

  it('puts the lowest predicted DSC first and labels without a score last', async () => {
    const q = await reviewQueue(db, ROOT);
    expect(names(q)).toEqual(['c1/spleen', 'c1/liver', 'c2/liver', 'c1/mystery', 'c2/aorta', 'c2/kidney_left']);
    expect(q.map((i) => i.queueStatus)).toEqual(['ok', 'ok', 'ok', 'unmapped', 'grid_mismatch', 'pending']);
    expect(names(await reviewQueue(db, ROOT, { limit: 2 }))).toEqual(['c1/spleen', 'c1/liver']);
  });

  it('filters by organ, case, status and score range', async () => {
    expect(names(await reviewQueue(db, ROOT, { organ: 'liver' }))).toEqual(['c1/liver', 'c2/liver']);
    expect(names(await reviewQueue(db, ROOT, { caseId: ['c2'] }))).toEqual(['c2/liver', 'c2/aorta', 'c2/kidney_left']);
    expect(names(await reviewQueue(db, ROOT, { status: ['pending'] }))).toEqual(['c2/kidney_left']);
    expect(names(await reviewQueue(db, ROOT, { minDsc: 0.35, maxDsc: 0.62 }))).toEqual(['c1/spleen', 'c1/liver']);
    expect(names(await reviewQueue(db, ROOT, { maxDsc: 0.5 }))).toEqual(['c1/spleen']);
    expect(names(await reviewQueue(db, ROOT, { minDsc: 0.6, organ: ['liver', 'spleen'] }))).toEqual(['c1/liver', 'c2/liver']);
    await expect(reviewQueue(db, ROOT, { minDsc: 0.9, maxDsc: 0.1 })).rejects.toThrow(/empty/);
    expect(await reviewQueue(db, '/other')).toEqual([]);
  });

  it('a rescore moves a label in the queue', async () => {
    await recordScore(db, ROOT, scoreFor(path('c2', 'liver'), { predictedDsc: 0.1 }));
    await recordScore(db, ROOT, scoreFor(path('c2', 'kidney_left'), { predictedDsc: 0.5 }));
    expect(names(await reviewQueue(db, ROOT)).slice(0, 4)).toEqual(['c2/liver', 'c1/spleen', 'c2/kidney_left', 'c1/liver']);
  });

  it('records decisions, keeps their history and filters by the current one', async () => {
    const lp = path('c1', 'spleen');
    await recordDecision(db, { project: ROOT, labelPath: lp, decision: 'flag', note: 'tail looks cut', annotator: 'ana', time: '2025-04-01T08:00:00.000Z' });
    await recordDecision(db, { project: ROOT, labelPath: lp, decision: 'fixed', annotator: 'bo', time: '2025-04-01T09:00:00.000Z' });
    // An older decision arriving late (another machine's import) does not replace the current one.
    await recordDecision(db, { project: ROOT, labelPath: lp, decision: 'reject', time: '2025-03-01T00:00:00.000Z' });
    await recordDecision(db, { project: ROOT, labelPath: path('c2', 'liver'), decision: 'accept', time: '2025-04-01T10:00:00.000Z' });
    expect((await reviewsOf(db, ROOT, lp)).map((r) => [r.decision, r.annotator, r.note])).toEqual([
      ['reject', null, ''],
      ['flag', 'ana', 'tail looks cut'],
      ['fixed', 'bo', ''],
    ]);
    expect((await db.labels.get([ROOT, lp]))?.decision).toBe('fixed');
    expect(names(await reviewQueue(db, ROOT, { decision: ['fixed', 'accept'] }))).toEqual(['c1/spleen', 'c2/liver']);
    expect(names(await reviewQueue(db, ROOT, { decision: ['none'], status: ['ok'] }))).toEqual(['c1/liver']);
    await expect(recordDecision(db, { project: ROOT, labelPath: 'nope.nii.gz', decision: 'accept' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(recordDecision(db, { project: ROOT, labelPath: lp, decision: 'maybe' as 'accept' })).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('logs edits per label', async () => {
    const lp = path('c1', 'liver');
    await recordEdit(db, { project: ROOT, labelPath: lp, version: 'v2', annotator: 'ana', voxelsChanged: 1234, time: '2025-04-02T00:00:00.000Z' });
    await recordEdit(db, { project: ROOT, labelPath: lp, version: 'v1', annotator: 'ana', voxelsChanged: 10, time: '2025-04-01T00:00:00.000Z' });
    expect((await editsOf(db, ROOT, lp)).map((e) => [e.version, e.voxelsChanged])).toEqual([['v1', 10], ['v2', 1234]]);
    await expect(recordEdit(db, { project: ROOT, labelPath: lp, version: 'v3', voxelsChanged: -1 })).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});
