import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  EXPORT_FORMAT_VERSION,
  ProjectDbError,
  exportProject,
  importProject,
  recordDecision,
  recordEdit,
  recordScore,
  reviewQueue,
  upsertProjectFromSnapshot,
  type ProjectDb,
} from '../../../src/renderer/src/db';
import { freshDb, sampleSnapshot, scoreFor } from './fixtures';

describe('project export and import', () => {
  const dbs: ProjectDb[] = [];
  afterEach(async () => {
    for (const db of dbs.splice(0)) await db.delete();
  });
  const open = (): ProjectDb => {
    const db = freshDb();
    dbs.push(db);
    return db;
  };

  /** The sample project with scores from two models, decisions and edits. */
  async function filled(): Promise<{ db: ProjectDb; root: string }> {
    const db = open();
    const snap = await sampleSnapshot();
    await upsertProjectFromSnapshot(db, snap, { now: '2025-05-01T00:00:00.000Z', annotator: 'ana' });
    const scorable = snap.labels.filter((l) => l.status === 'ok').slice(0, 8);
    for (const [n, l] of scorable.entries()) {
      const s = (dsc: number, model: string) => scoreFor(l.labelPath, { caseId: l.caseId, organ: l.organ, organId: l.organId, predictedDsc: dsc, model });
      await recordScore(db, snap.root, s(n / 10, 'm@1'), '2025-05-01T01:00:00.000Z');
      if (n % 2 === 0) await recordScore(db, snap.root, s(1 - n / 10, 'm@2'), '2025-05-01T02:00:00.000Z');
    }
    await recordDecision(db, { project: snap.root, labelPath: scorable[0].labelPath, decision: 'flag', note: 'check', annotator: 'ana', time: '2025-05-02T00:00:00.000Z' });
    await recordDecision(db, { project: snap.root, labelPath: scorable[0].labelPath, decision: 'fixed', annotator: 'ana', time: '2025-05-02T00:00:00.000Z' });
    await recordDecision(db, { project: snap.root, labelPath: scorable[3].labelPath, decision: 'reject', annotator: 'bo', time: '2025-05-03T00:00:00.000Z' });
    await recordEdit(db, { project: snap.root, labelPath: scorable[0].labelPath, version: 'v-1', annotator: 'ana', voxelsChanged: 321, time: '2025-05-02T00:00:01.000Z' });
    return { db, root: snap.root };
  }

  it('round-trips through JSON text into another database', async () => {
    const { db, root } = await filled();
    const doc = await exportProject(db, root, '2025-06-01T00:00:00.000Z');
    expect(doc.formatVersion).toBe(EXPORT_FORMAT_VERSION);
    expect(doc.scores).toHaveLength(12);
    expect(doc.reviews).toHaveLength(3);
    const other = open();
    const res = await importProject(other, JSON.stringify(doc));
    expect(res).toEqual({ root, cases: doc.cases.length, labels: doc.labels.length, scores: 12, reviews: 3, edits: 1 });
    expect(await exportProject(other, root, '2025-06-01T00:00:00.000Z')).toEqual(doc);
    // What is derived from the history (queue order, current decision) comes back too.
    const strip = (items: Awaited<ReturnType<typeof reviewQueue>>) => items.map(({ labelPath, dsc, decision, decidedAt, latest, queueStatus }) => ({ labelPath, dsc, decision, decidedAt, latest, queueStatus }));
    expect(strip(await reviewQueue(other, root))).toEqual(strip(await reviewQueue(db, root)));
    const first = (await reviewQueue(other, root, { decision: ['fixed'] }))[0];
    expect(first.decidedAt).toBe('2025-05-02T00:00:00.000Z');
  });

  it('imports under another root and replaces what was there', async () => {
    const { db, root } = await filled();
    const doc = await exportProject(db, root);
    await importProject(db, doc, { root: '/mnt/moved/sample' });
    expect(await db.labels.where('project').equals('/mnt/moved/sample').count()).toBe(doc.labels.length);
    // Importing again over itself leaves one copy, not two.
    await importProject(db, doc);
    expect(await db.scores.where('project').equals(root).count()).toBe(doc.scores.length);
    const again = await exportProject(db, root, doc.exportedAt);
    expect(again).toEqual(doc);
  });

  it('refuses what is not an export, a newer format, or a damaged one, leaving the database as it was', async () => {
    const { db, root } = await filled();
    const doc = await exportProject(db, root);
    const before = await db.scores.count();
    const refuse = (data: unknown) => importProject(db, data, {}, 'backup.json').catch((e: unknown) => e);
    expect(await refuse('{nope')).toMatchObject({ code: 'invalid_format', file: 'backup.json' });
    expect(await refuse({ hello: 1 })).toMatchObject({ code: 'invalid_format' });
    expect(await refuse({ ...doc, formatVersion: EXPORT_FORMAT_VERSION + 1 })).toMatchObject({ code: 'unsupported' });
    const damaged = { ...doc, scores: [...doc.scores, { ...doc.scores[0], status: 'great' }] };
    const err = await refuse(damaged);
    expect(err).toBeInstanceOf(ProjectDbError);
    expect((err as Error).message).toMatch(/^backup\.json: scores\.12\.status/);
    expect(await db.scores.count()).toBe(before);
    expect(await exportProject(db, root, doc.exportedAt)).toEqual(doc);
    await expect(exportProject(db, '/never/opened')).rejects.toMatchObject({ code: 'not_found' });
  });
});
