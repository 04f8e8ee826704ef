/**
 * Shared set-up of the database tests: a fresh database per test (fake-indexeddb, in memory), a real project
 * snapshot from scanning the bundled sample with the engine, and hand-made scores.
 */
import 'fake-indexeddb/auto';
import { fileURLToPath } from 'node:url';
import { scanDataset } from '../../../src/core/dataset';
import { toProjectSnapshot } from '../../../src/core/engine/project-snapshot';
import { ProjectDb } from '../../../src/renderer/src/db';
import type { ProjectSnapshot } from '../../../src/shared/api';
import type { LabelScore } from '../../../src/shared/scores';

export const SAMPLE_ROOT = fileURLToPath(new URL('../../../resources/sample', import.meta.url));

let counter = 0;
/** A database of its own for one test. */
export function freshDb(): ProjectDb {
  counter++;
  return new ProjectDb(`test-${process.pid}-${counter}-${Math.random().toString(36).slice(2)}`);
}

let cached: Promise<ProjectSnapshot> | null = null;
/** The engine's snapshot of resources/sample (scanned once per test file). */
export function sampleSnapshot(): Promise<ProjectSnapshot> {
  cached ??= scanDataset(SAMPLE_ROOT).then(toProjectSnapshot);
  return cached;
}

/** A small hand-written snapshot for tests that need exact control. */
export function smallSnapshot(root = '/data/tiny'): ProjectSnapshot {
  const label = (caseId: string, organ: string, status: LabelScore['status'] = 'ok') => ({
    caseId,
    organ,
    labelPath: `${caseId}/segmentations/${organ}.nii.gz`,
    organId: status === 'unmapped' ? null : organ.length,
    organName: status === 'unmapped' ? null : organ,
    approximate: false,
    status,
    message: status === 'ok' ? '' : `scan says ${status}`,
  });
  return {
    root,
    layout: 'totalsegmentator',
    cases: [
      { id: 'c1', ctPath: 'c1/ct.nii.gz', meta: { age: '63', gender: 'f' } },
      { id: 'c2', ctPath: 'c2/ct.nii.gz' },
    ],
    labels: [label('c1', 'liver'), label('c1', 'spleen'), label('c1', 'mystery', 'unmapped'), label('c2', 'liver'), label('c2', 'kidney_left'), label('c2', 'aorta', 'grid_mismatch')],
    issues: [],
  };
}

export function scoreFor(labelPath: string, over: Partial<LabelScore> = {}): LabelScore {
  const [caseId] = labelPath.split('/');
  const organ = labelPath.split('/').pop()?.replace(/\.nii\.gz$/, '') ?? '';
  return {
    caseId,
    organ,
    labelPath,
    organId: 5,
    predictedDsc: 0.8,
    slices: [10, 20, 30],
    sliceDsc: [0.9, 0.7, 0.8],
    worstSlice: 20,
    worstSliceDsc: 0.7,
    status: 'ok',
    message: '',
    seconds: 0.25,
    model: 'tiny-random@0.1.0',
    ep: 'cpu',
    ...over,
  };
}

export const path = (caseId: string, organ: string): string => `${caseId}/segmentations/${organ}.nii.gz`;
