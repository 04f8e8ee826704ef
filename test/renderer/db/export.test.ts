import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  EXPORT_FORMAT_VERSION,
  ProjectDbError,
  exportProject,
  importProject,
  listAssignments,
  recordDecision,
  recordEdit,
  recordScore,
  reviewQueue,
  saveAssignment,
  upsertProjectFromSnapshot,
  type ProjectDb,
} from '../../../src/renderer/src/db';
import { assignmentFromPlan, planCorrections } from '../../../src/shared/plan';
import { planLabelsOf } from '../../../src/renderer/src/plan/plan-input';
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

  /** The sample project with scores from two models, decisions, edits and two review assignments. */
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
    // Assignments made as the Plan screen makes them: the planner over the project's labels.
    const plan = (labels: number, assignee?: string) =>
      assignmentFromPlan(planCorrections(planLabelsOf(labelsNow, { holdDecided: true }), { budget: { labels }, organWeights: { liver: 2 } }), { created: '2025-05-04T00:00:00.000Z', createdBy: 'ana', assignee, organWeights: { liver: 2 } });
    const labelsNow = await db.labels.where('project').equals(snap.root).toArray();
    await saveAssignment(db, snap.root, plan(3, 'bo'), { name: '3 labels for bo', source: 'planner', time: '2025-05-04T00:00:00.000Z' });
    await saveAssignment(db, snap.root, plan(2), { name: 'plan.json', source: 'import', time: '2025-05-04T00:00:00.000Z' });
    return { db, root: snap.root };
  }

  it('round-trips through JSON text into another database', async () => {
    const { db, root } = await filled();
    const doc = await exportProject(db, root, '2025-06-01T00:00:00.000Z');
    expect(doc.formatVersion).toBe(EXPORT_FORMAT_VERSION);
    expect(doc.scores).toHaveLength(12);
    expect(doc.reviews).toHaveLength(3);
    expect(doc.assignments?.map((a) => [a.name, a.doc.items.length, a.doc.assignee])).toEqual([
      ['3 labels for bo', 3, 'bo'],
      ['plan.json', 2, undefined],
    ]);
    const other = open();
    const res = await importProject(other, JSON.stringify(doc));
    expect(res).toEqual({ root, cases: doc.cases.length, labels: doc.labels.length, scores: 12, reviews: 3, edits: 1, assignments: 2 });
    expect(await exportProject(other, root, '2025-06-01T00:00:00.000Z')).toEqual(doc);
    // What is derived from the history (queue order, current decision) comes back too.
    const strip = (items: Awaited<ReturnType<typeof reviewQueue>>) => items.map(({ labelPath, dsc, decision, decidedAt, latest, queueStatus }) => ({ labelPath, dsc, decision, decidedAt, latest, queueStatus }));
    expect(strip(await reviewQueue(other, root))).toEqual(strip(await reviewQueue(db, root)));
    const first = (await reviewQueue(other, root, { decision: ['fixed'] }))[0];
    expect(first.decidedAt).toBe('2025-05-02T00:00:00.000Z');
    // Assignments come back whole, with their assignee index, so "assigned to bo" filters the same labels.
    const rows = (r: Awaited<ReturnType<typeof listAssignments>>) => r.map(({ name, assignee, source, time, doc }) => ({ name, assignee, source, time, doc }));
    expect(rows(await listAssignments(other, root))).toEqual(rows(await listAssignments(db, root)));
    expect(strip(await reviewQueue(other, root, { assignee: 'bo' }))).toEqual(strip(await reviewQueue(db, root, { assignee: 'bo' })));
    expect(await reviewQueue(other, root, { assignee: 'bo' })).toHaveLength(3);
  });

  it('imports a format-1 export (written before assignments existed) with no assignments', async () => {
    const { db, root } = await filled();
    const doc = await exportProject(db, root, '2025-06-01T00:00:00.000Z');
    // A format-1 file as older builds wrote it: the same document without the assignments key.
    const v1: Record<string, unknown> = { ...doc, formatVersion: 1 };
    delete v1.assignments;
    const other = open();
    const res = await importProject(other, JSON.stringify(v1), {}, 'old-backup.json');
    expect(res).toMatchObject({ root, labels: doc.labels.length, scores: 12, reviews: 3, edits: 1, assignments: 0 });
    expect(await listAssignments(other, root)).toEqual([]);
    expect(await exportProject(other, root, doc.exportedAt)).toEqual({ ...doc, assignments: [] });
    // Importing it over a project that had assignments replaces them, like every other table.
    await importProject(db, v1);
    expect(await listAssignments(db, root)).toEqual([]);
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
    const badAssignment = { ...doc, assignments: [{ ...doc.assignments![0], doc: { ...doc.assignments![0].doc, items: [] } }] };
    expect(((await refuse(badAssignment)) as Error).message).toMatch(/^backup\.json: assignments\.0\.doc\.estimate\.chosen/);
    const damaged = { ...doc, scores: [...doc.scores, { ...doc.scores[0], status: 'great' }] };
    const err = await refuse(damaged);
    expect(err).toBeInstanceOf(ProjectDbError);
    expect((err as Error).message).toMatch(/^backup\.json: scores\.12\.status/);
    expect(await db.scores.count()).toBe(before);
    expect(await exportProject(db, root, doc.exportedAt)).toEqual(doc);
    await expect(exportProject(db, '/never/opened')).rejects.toMatchObject({ code: 'not_found' });
  });
});
