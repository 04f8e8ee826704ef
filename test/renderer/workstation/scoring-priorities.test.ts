/**
 * What "Score all" and opening a case queue, and at which priority: never-scored labels as unscored, labels scored
 * only by another model as stale, labels already scored by this model not at all; the case in the editor first.
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineInfo, ScoreRequest } from '../../../src/shared/api';
import type { AppApi } from '../../../src/renderer/src/api/connect';
import { recordScore } from '../../../src/renderer/src/db';
import { createWorkstation } from '../../../src/renderer/src/workstation/store';
import { freshDb, path, scoreFor, smallSnapshot } from '../db/fixtures';

// The store remembers the annotator in localStorage; Node has none.
const memory = new Map<string, string>();
(globalThis as { localStorage?: unknown }).localStorage ??= {
  getItem: (k: string) => memory.get(k) ?? null,
  setItem: (k: string, v: string) => void memory.set(k, v),
  removeItem: (k: string) => void memory.delete(k),
};

const MODEL = 'sentinel-default-small128@0.1.0';
const dbs: ReturnType<typeof freshDb>[] = [];
afterEach(async () => {
  for (const db of dbs.splice(0)) await db.delete();
});

function fakeApi(calls: ScoreRequest[]): AppApi {
  const info: EngineInfo = { version: 't', model: MODEL, modelPurpose: 'default', ep: 'cpu', epNotes: [], modelError: null };
  return {
    engineInfo: async () => info,
    openProject: async () => smallSnapshot(),
    score: async (req) => {
      calls.push(req);
      return { queued: req.labelPaths?.length ?? 0 };
    },
    controlScoring: async () => ({ root: '/data/tiny', state: 'idle', queued: 0, done: 0, failed: 0, labelsPerSecond: 0, etaSeconds: null }),
    loadLabel: async () => {
      throw new Error('not used');
    },
    saveMask: async () => {
      throw new Error('not used');
    },
    listHistory: async () => [],
    revert: async () => {
      throw new Error('not used');
    },
    exportToFolder: async () => {
      throw new Error('not used');
    },
    cancelExport: async () => ({ cancelled: false }),
    subscribe: () => () => undefined,
  };
}

describe('scoring priorities in the workstation', () => {
  it('queues unscored and stale labels, skips labels this model scored, and puts the open case first', async () => {
    const db = freshDb();
    dbs.push(db);
    const calls: ScoreRequest[] = [];
    const ws = createWorkstation(fakeApi(calls), db);
    await ws.start();
    expect(await ws.open('/data/tiny')).toBe(true);
    await recordScore(db, '/data/tiny', scoreFor(path('c1', 'liver'), { model: MODEL }));
    await recordScore(db, '/data/tiny', scoreFor(path('c1', 'spleen'), { model: 'older@0.0.1' }));

    await ws.scoreAll();
    const byPriority = Object.fromEntries(calls.map((c) => [c.priority, [...(c.labelPaths ?? [])].sort()]));
    // Scorable labels only (the scan's unmapped and grid_mismatch labels are never queued).
    expect(byPriority).toEqual({
      unscored: [path('c2', 'kidney_left'), path('c2', 'liver')],
      stale: [path('c1', 'spleen')],
    });

    calls.length = 0;
    await ws.scoreCase('c1');
    expect(calls).toEqual([{ root: '/data/tiny', labelPaths: [path('c1', 'spleen')], priority: 'open_case' }]);
    ws.stop();
  });
});
