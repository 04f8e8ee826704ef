import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ProjectDbError,
  folderName,
  forgetProject,
  getProject,
  recentProjects,
  recordDecision,
  recordScore,
  setAnnotator,
  upsertProjectFromSnapshot,
  type ProjectDb,
} from '../../../src/renderer/src/db';
import { SAMPLE_ROOT, freshDb, path, sampleSnapshot, scoreFor, smallSnapshot } from './fixtures';

describe('projects from scans', () => {
  let db: ProjectDb;
  afterEach(async () => {
    await db?.delete();
  });

  it('records the engine’s scan of the bundled sample: every case and label', async () => {
    db = freshDb();
    const snap = await sampleSnapshot();
    expect(snap.labels.length).toBeGreaterThan(40);
    const res = await upsertProjectFromSnapshot(db, snap, { now: '2025-03-01T10:00:00.000Z' });
    expect(res).toMatchObject({ cases: snap.cases.length, labels: snap.labels.length, removedLabels: 0 });
    expect(res.project).toEqual({
      root: SAMPLE_ROOT,
      name: 'sample',
      layout: snap.layout,
      openedAt: '2025-03-01T10:00:00.000Z',
      updatedAt: '2025-03-01T10:00:00.000Z',
      annotator: null,
    });
    expect(await db.cases.where('project').equals(SAMPLE_ROOT).count()).toBe(snap.cases.length);
    const stored = await db.labels.where('project').equals(SAMPLE_ROOT).toArray();
    expect(stored.map((l) => l.labelPath).sort()).toEqual(snap.labels.map((l) => l.labelPath).sort());
    const one = snap.labels[0];
    const row = await db.labels.get([SAMPLE_ROOT, one.labelPath]);
    expect(row).toMatchObject({ caseId: one.caseId, organ: one.organ, organId: one.organId, status: one.status, decision: null, latest: null });
  });

  it('a rescan keeps scores and decisions of labels still there and drops labels gone', async () => {
    db = freshDb();
    const snap = smallSnapshot();
    await upsertProjectFromSnapshot(db, snap, { now: '2025-03-01T10:00:00.000Z', annotator: 'ana', name: 'Tiny set' });
    await recordScore(db, snap.root, scoreFor(path('c1', 'liver'), { predictedDsc: 0.42 }), '2025-03-01T11:00:00.000Z');
    await recordDecision(db, { project: snap.root, labelPath: path('c1', 'liver'), decision: 'flag', time: '2025-03-01T12:00:00.000Z' });
    await recordScore(db, snap.root, scoreFor(path('c2', 'liver')), '2025-03-01T11:00:00.000Z');

    const rescan = { ...snap, labels: snap.labels.filter((l) => l.labelPath !== path('c2', 'liver')) };
    const res = await upsertProjectFromSnapshot(db, rescan, { now: '2025-03-02T09:00:00.000Z' });
    expect(res.removedLabels).toBe(1);
    expect(res.project.name).toBe('Tiny set');
    expect(res.project.annotator).toBe('ana');
    const liver = await db.labels.get([snap.root, path('c1', 'liver')]);
    expect(liver?.dsc).toBe(0.42);
    expect(liver?.decision).toBe('flag');
    expect(await db.labels.get([snap.root, path('c2', 'liver')])).toBeUndefined();
    // The history of the vanished label stays.
    expect(await db.scores.where('[project+labelPath]').equals([snap.root, path('c2', 'liver')]).count()).toBe(1);
    const cases = await db.cases.where('project').equals(snap.root).toArray();
    expect(cases.find((c) => c.id === 'c1')?.meta).toEqual({ age: '63', gender: 'f' });
    expect(cases.find((c) => c.id === 'c2')?.meta).toBeNull();
  });

  it('lists recent projects by last opening, sets the annotator, forgets a project', async () => {
    db = freshDb();
    await upsertProjectFromSnapshot(db, smallSnapshot('/data/a'), { now: '2025-03-01T10:00:00.000Z' });
    await upsertProjectFromSnapshot(db, smallSnapshot('C:\\data\\b\\'), { now: '2025-03-03T10:00:00.000Z' });
    await upsertProjectFromSnapshot(db, smallSnapshot('/data/c'), { now: '2025-03-02T10:00:00.000Z' });
    expect((await recentProjects(db)).map((p) => p.root)).toEqual(['C:\\data\\b\\', '/data/c', '/data/a']);
    expect((await recentProjects(db, 1)).map((p) => p.name)).toEqual(['b']);
    await upsertProjectFromSnapshot(db, smallSnapshot('/data/a'), { now: '2025-03-04T10:00:00.000Z' });
    expect((await recentProjects(db, 2)).map((p) => p.root)).toEqual(['/data/a', 'C:\\data\\b\\']);

    await setAnnotator(db, '/data/a', 'bo', '2025-03-05T00:00:00.000Z');
    expect((await getProject(db, '/data/a')).annotator).toBe('bo');
    await expect(setAnnotator(db, '/nope', 'x')).rejects.toThrow(ProjectDbError);

    await recordScore(db, '/data/c', scoreFor(path('c1', 'liver')));
    await forgetProject(db, '/data/c');
    await expect(getProject(db, '/data/c')).rejects.toMatchObject({ code: 'not_found', file: '/data/c' });
    expect(await db.labels.where('project').equals('/data/c').count()).toBe(0);
    expect(await db.scores.where('project').equals('/data/c').count()).toBe(0);
    expect(await db.labels.where('project').equals('/data/a').count()).toBe(6);
  });

  it('names a project after its folder', () => {
    expect(folderName('/home/u/datasets/Totalseg/')).toBe('Totalseg');
    expect(folderName('D:\\ct\\atlas')).toBe('atlas');
    expect(folderName('/')).toBe('/');
  });
});
