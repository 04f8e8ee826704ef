/**
 * Review assignments in the project database (schema v3): the v2 → v3 migration, storing and listing assignments,
 * the queue filtered to one assignment or to the annotator's, and the planner fed from the database choosing what
 * it chooses from the same scores as CLI rows.
 */
import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  assignedLabelPaths,
  deleteAssignment,
  forgetProject,
  listAssignments,
  ProjectDb,
  recordDecision,
  recordScore,
  reviewQueue,
  saveAssignment,
  SCHEMA_V1,
  SCHEMA_V2,
  SCHEMA_VERSION,
  upgradeToV2,
  upsertProjectFromSnapshot,
} from '../../../src/renderer/src/db';
import { planLabelsOf } from '../../../src/renderer/src/plan/plan-input';
import { assignmentFromPlan, planCorrections, type Assignment } from '../../../src/shared/plan';
import type { LabelScore } from '../../../src/shared/scores';
import { freshDb, path, scoreFor, smallSnapshot } from './fixtures';

const ROOT = '/data/tiny';

function assignment(labelPaths: string[], assignee?: string): Assignment {
  const a: Assignment = {
    format: 'sentinel-assignment',
    version: 1,
    created: '2025-05-01T10:00:00.000Z',
    createdBy: 'test',
    model: 'tiny-random@0.1.0',
    budget: { labels: labelPaths.length },
    items: labelPaths.map((lp, i) => ({ rank: i + 1, caseId: lp.split('/')[0], labelPath: lp, organ: 'x', predictedDsc: 0.5, worstSlice: 1 })),
    estimate: { fixedDsc: 0.95, population: 3, candidates: 3, budgetLabels: labelPaths.length, chosen: labelPaths.length, minutes: null, meanDscBefore: 0.6, meanDscAfter: 0.7, gain: 0.1, randomGain: 0.05 },
  };
  if (assignee) a.assignee = assignee;
  return a;
}

describe('schema v3: assignments', () => {
  it('upgrades a v2 database: every table keeps its rows and the assignments table is there, empty', async () => {
    const name = `migration-v3-${Math.random()}`;
    const v2 = new Dexie(name);
    v2.version(1).stores({ ...SCHEMA_V1 });
    v2.version(2).stores({ ...SCHEMA_V2 }).upgrade(upgradeToV2);
    await v2.table('projects').add({ root: ROOT, name: 'tiny', layout: 'totalsegmentator', openedAt: '2025-01-01T00:00:00.000Z', updatedAt: '2025-01-01T00:00:00.000Z', annotator: 'ana' });
    const label = (organ: string, dsc?: number) => ({
      project: ROOT, caseId: 'c1', labelPath: path('c1', organ), organ, organId: 1, organName: organ, approximate: false, status: 'ok', message: '',
      latest: dsc === undefined ? null : { model: 'm@1', predictedDsc: dsc, worstSlice: 2, worstSliceDsc: dsc, status: 'ok', message: '', time: '2025-01-02T00:00:00.000Z' },
      decision: null, decidedAt: null, ...(dsc === undefined ? {} : { dsc }),
    });
    await v2.table('labels').bulkAdd([label('liver', 0.4), label('spleen', 0.8), label('aorta')]);
    await v2.table('scores').add({ ...scoreFor(path('c1', 'liver'), { predictedDsc: 0.4, model: 'm@1' }), project: ROOT, time: '2025-01-02T00:00:00.000Z' });
    await v2.table('reviews').add({ project: ROOT, labelPath: path('c1', 'spleen'), decision: 'accept', note: '', annotator: 'ana', time: '2025-01-03T00:00:00.000Z' });
    expect(v2.verno).toBe(2);
    v2.close();

    const db = new ProjectDb(name);
    await db.open();
    expect(db.verno).toBe(SCHEMA_VERSION);
    expect(SCHEMA_VERSION).toBe(3);
    expect(await db.assignments.count()).toBe(0);
    expect(await db.labels.count()).toBe(3);
    expect(await db.scores.count()).toBe(1);
    expect(await db.reviews.count()).toBe(1);
    // The v2 indexes still answer, and the queue is as before.
    expect((await reviewQueue(db, ROOT)).map((l) => l.organ)).toEqual(['liver', 'spleen', 'aorta']);
    // The new table with its indexes works on the upgraded database.
    const { id } = await saveAssignment(db, ROOT, assignment([path('c1', 'aorta'), path('c1', 'liver')], 'ana'), { name: 'old db', source: 'import' });
    expect((await reviewQueue(db, ROOT, { assignmentId: id })).map((l) => l.organ)).toEqual(['liver', 'aorta']);
    expect((await reviewQueue(db, ROOT, { assignee: 'ana' })).map((l) => l.organ)).toEqual(['liver', 'aorta']);
    db.close();
    await Dexie.delete(name);
  });
});

describe('assignments', () => {
  let db: ProjectDb;
  beforeEach(async () => {
    db = freshDb();
    await upsertProjectFromSnapshot(db, smallSnapshot(ROOT));
    await recordScore(db, ROOT, scoreFor(path('c1', 'liver'), { predictedDsc: 0.62 }));
    await recordScore(db, ROOT, scoreFor(path('c1', 'spleen'), { predictedDsc: 0.35 }));
    await recordScore(db, ROOT, scoreFor(path('c2', 'liver'), { predictedDsc: 0.91 }));
  });
  afterEach(async () => {
    await db.delete();
  });

  const names = (items: { caseId: string; organ: string }[]): string[] => items.map((i) => `${i.caseId}/${i.organ}`);

  it('stores an assignment whole, lists them newest first, deletes one', async () => {
    const a = assignment([path('c2', 'liver'), path('c1', 'liver')], 'ana');
    const first = await saveAssignment(db, ROOT, a, { name: 'plan.json', source: 'import', time: '2025-05-01T10:00:00.000Z' });
    const second = await saveAssignment(db, ROOT, assignment([path('c1', 'spleen')]), { name: '1 labels', source: 'planner', time: '2025-05-02T10:00:00.000Z' });
    expect(first.missing).toEqual([]);
    const rows = await listAssignments(db, ROOT);
    expect(rows.map((r) => r.name)).toEqual(['1 labels', 'plan.json']);
    expect(rows[1].doc).toEqual(a);
    expect(rows[1].assignee).toBe('ana');
    expect(rows[0].assignee).toBeNull();
    expect(await listAssignments(db, '/other')).toEqual([]);
    await deleteAssignment(db, second.id);
    expect((await listAssignments(db, ROOT)).map((r) => r.name)).toEqual(['plan.json']);
  });

  it('filters the queue to one assignment or to the labels assigned to a person, keeping the queue order', async () => {
    const mine = await saveAssignment(db, ROOT, assignment([path('c2', 'liver'), path('c1', 'liver')], 'ana'), { name: 'a', source: 'planner' });
    await saveAssignment(db, ROOT, assignment([path('c2', 'kidney_left')], 'ana'), { name: 'b', source: 'planner' });
    await saveAssignment(db, ROOT, assignment([path('c1', 'spleen')], 'bo'), { name: 'c', source: 'planner' });
    expect(names(await reviewQueue(db, ROOT, { assignmentId: mine.id }))).toEqual(['c1/liver', 'c2/liver']);
    expect(names(await reviewQueue(db, ROOT, { assignee: 'ana' }))).toEqual(['c1/liver', 'c2/liver', 'c2/kidney_left']);
    expect(names(await reviewQueue(db, ROOT, { assignee: 'bo' }))).toEqual(['c1/spleen']);
    expect(await reviewQueue(db, ROOT, { assignee: 'nobody' })).toEqual([]);
    // Both: the assignment, only if it is that person's.
    expect(names(await reviewQueue(db, ROOT, { assignmentId: mine.id, assignee: 'bo' }))).toEqual([]);
    // Combined with the other filters.
    expect(names(await reviewQueue(db, ROOT, { assignee: 'ana', organ: 'liver', maxDsc: 0.7 }))).toEqual(['c1/liver']);
    expect(await assignedLabelPaths(db, ROOT, {})).toBeNull();
    expect(await reviewQueue(db, '/other', { assignmentId: mine.id })).toEqual([]);
  });

  it('reports labels the project lacks, refuses an assignment with none of its labels and a malformed one', async () => {
    const some = await saveAssignment(db, ROOT, assignment([path('c1', 'liver'), path('c9', 'liver')]), { name: 'mixed.csv', source: 'import' });
    expect(some.missing).toEqual([path('c9', 'liver')]);
    await expect(saveAssignment(db, ROOT, assignment([path('c9', 'liver')]), { name: 'other.json', source: 'import' })).rejects.toThrow(
      `other.json: none of its 1 labels is in the project ${ROOT}`,
    );
    const bad = { ...assignment([path('c1', 'liver')]), version: 7 } as unknown as Assignment;
    await expect(saveAssignment(db, ROOT, bad, { name: 'new.json', source: 'import' })).rejects.toThrow(/new\.json: assignment format version 7/);
    await expect(saveAssignment(db, '/unknown', assignment([path('c1', 'liver')]), { name: 'x', source: 'import' })).rejects.toThrow(/open it first/);
    expect((await listAssignments(db, ROOT)).length).toBe(1);
  });

  it('forgetting a project removes its assignments', async () => {
    await saveAssignment(db, ROOT, assignment([path('c1', 'liver')]), { name: 'a', source: 'planner' });
    await forgetProject(db, ROOT);
    expect(await db.assignments.count()).toBe(0);
  });

  it('the planner fed from the database chooses what it chooses from the same scores as CSV rows', async () => {
    const scores: LabelScore[] = [
      scoreFor(path('c1', 'liver'), { predictedDsc: 0.62, worstSlice: 30 }),
      scoreFor(path('c1', 'spleen'), { predictedDsc: 0.35, worstSlice: 10 }),
      scoreFor(path('c2', 'liver'), { predictedDsc: 0.91, worstSlice: 20 }),
      scoreFor(path('c2', 'kidney_left'), { predictedDsc: 0.2, worstSlice: 5 }),
    ];
    for (const sc of scores) await recordScore(db, ROOT, sc);
    const options = { budget: { labels: 3 }, organWeights: { liver: 3 } };
    const labels = await db.labels.where('project').equals(ROOT).toArray();
    const fromDb = planCorrections(planLabelsOf(labels, { holdDecided: true }), options);
    const fromCsv = planCorrections(scores, options);
    expect(fromDb.items).toEqual(fromCsv.items);
    // The scan's other labels are listed as left out, with the scan's verdict.
    expect(fromDb.excluded.map((x) => [x.organ, x.reason])).toEqual([
      ['mystery', 'status unmapped'],
      ['aorta', 'status grid_mismatch'],
    ]);
    const doc = assignmentFromPlan(fromDb, { created: '2025-05-01T10:00:00.000Z', createdBy: 'ana', assignee: 'ana', organWeights: options.organWeights });
    const { id } = await saveAssignment(db, ROOT, doc, { name: 'plan', source: 'planner' });
    expect(new Set((await reviewQueue(db, ROOT, { assignmentId: id })).map((l) => l.labelPath))).toEqual(new Set(fromCsv.items.map((i) => i.labelPath)));

    // A decided label is held out of the next plan (but still counts in the mean); unscored labels are listed.
    await recordDecision(db, { project: ROOT, labelPath: path('c1', 'liver'), decision: 'fixed', note: '', annotator: 'ana' });
    await db.labels.update([ROOT, path('c2', 'kidney_left')], { latest: null });
    const after = planCorrections(planLabelsOf(await db.labels.where('project').equals(ROOT).toArray(), { holdDecided: true }), options);
    expect(after.items.map((i) => i.labelPath)).not.toContain(path('c1', 'liver'));
    expect(after.excluded.find((x) => x.labelPath === path('c1', 'liver'))?.reason).toBe('already decided (fixed)');
    expect(after.excluded.find((x) => x.labelPath === path('c2', 'kidney_left'))?.reason).toBe('not scored yet');
    expect(after.estimate.population).toBe(3);
  });
});
