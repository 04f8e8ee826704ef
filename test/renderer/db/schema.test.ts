import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { ProjectDb, SCHEMA_V1, SCHEMA_VERSION, reviewQueue } from '../../../src/renderer/src/db';
import * as fixtures from './fixtures';

const { path } = fixtures;

describe('database schema versions', () => {
  const names: string[] = [];
  afterEach(async () => {
    for (const n of names.splice(0)) await Dexie.delete(n);
  });

  it('upgrades a v1 database: labels gain their newest score and decision from the history', async () => {
    const name = `migration-${Math.random()}`;
    names.push(name);
    // A database as the first release wrote it: schema v1 only.
    const v1 = new Dexie(name);
    v1.version(1).stores({ ...SCHEMA_V1 });
    const root = '/data/old';
    await v1.table('projects').add({ root, name: 'old', layout: 'totalsegmentator', openedAt: '2025-01-01T00:00:00.000Z', updatedAt: '2025-01-01T00:00:00.000Z', annotator: 'ana' });
    const label = (organ: string) => ({ project: root, caseId: 'c1', labelPath: path('c1', organ), organ, organId: 1, organName: organ, approximate: false, status: 'ok', message: '' });
    await v1.table('labels').bulkAdd([label('liver'), label('spleen'), label('aorta')]);
    const score = (organ: string, dsc: number | null, time: string, model = 'm@1', status = 'ok') => ({
      ...fixtures.scoreFor(path('c1', organ), { predictedDsc: dsc, model, status: status as 'ok' }),
      project: root,
      time,
    });
    await v1.table('scores').bulkAdd([
      score('liver', 0.9, '2025-01-02T00:00:00.000Z'),
      score('liver', 0.4, '2025-01-03T00:00:00.000Z', 'm@2'),
      score('spleen', 0.7, '2025-01-02T00:00:00.000Z'),
      score('spleen', null, '2025-01-04T00:00:00.000Z', 'm@1', 'error'),
    ]);
    await v1.table('reviews').bulkAdd([
      { project: root, labelPath: path('c1', 'liver'), decision: 'flag', note: '', annotator: 'ana', time: '2025-01-05T00:00:00.000Z' },
      { project: root, labelPath: path('c1', 'liver'), decision: 'fixed', note: 'redrew', annotator: 'ana', time: '2025-01-06T00:00:00.000Z' },
    ]);
    expect(v1.verno).toBe(1);
    v1.close();

    const db = new ProjectDb(name);
    await db.open();
    expect(db.verno).toBe(SCHEMA_VERSION);
    const liver = await db.labels.get([root, path('c1', 'liver')]);
    expect(liver?.dsc).toBe(0.4);
    expect(liver?.latest?.model).toBe('m@2');
    expect(liver?.decision).toBe('fixed');
    expect(liver?.decidedAt).toBe('2025-01-06T00:00:00.000Z');
    const spleen = await db.labels.get([root, path('c1', 'spleen')]);
    expect(spleen?.latest?.status).toBe('error');
    expect(spleen && 'dsc' in spleen).toBe(false);
    const aorta = await db.labels.get([root, path('c1', 'aorta')]);
    expect(aorta?.latest).toBeNull();
    expect(aorta?.decision).toBeNull();
    // The v2 index answers a score-range query: only the liver has an ok score in range.
    expect((await db.labels.where('[project+dsc]').between([root, 0], [root, 1]).toArray()).map((l) => l.organ)).toEqual(['liver']);
    expect((await reviewQueue(db, root)).map((l) => l.organ)).toEqual(['liver', 'aorta', 'spleen']);
    // History is kept as it was.
    expect(await db.scores.count()).toBe(4);
    db.close();
  });

  it('opens a new database at the current version', async () => {
    const db = fixtures.freshDb();
    names.push(db.name);
    await db.open();
    expect(db.verno).toBe(SCHEMA_VERSION);
    expect(db.tables.map((t) => t.name).sort()).toEqual(['assignments', 'cases', 'edits', 'labels', 'projects', 'reviews', 'scores']);
    db.close();
  });
});
