/**
 * Exports through the engine's API (as both transports call it: validateApiRequest + dispatchApiCall): progress
 * events with the caller's id, cancel mid-way with nothing left, the audit log, and the folder confinement.
 */
import { mkdir, readdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../src/core/engine/engine';
import { dispatchApiCall } from '../../../src/core/engine/dispatch';
import type { ApiMethod, EngineEvent, ExportResult } from '../../../src/shared/api';
import { validateApiRequest } from '../../../src/shared/api-schema';
import { checkNnunetRaw } from '../export/nnunet-spec';
import { scoresFor, writeCase } from '../export/tiny-dataset';
import { scratchDir, TINY, type Scratch } from './fixtures';

const CASES = ['c1', 'c2', 'c3', 'c4'];
let scratch: Scratch;
let root: string;
let allowed: string;
let engine: Engine;
const events: EngineEvent[] = [];

const call = async (method: ApiMethod, arg: unknown): Promise<unknown> => dispatchApiCall(engine, method, validateApiRequest(method, arg));
const scores = () => scoresFor(CASES).map((s) => ({ caseId: s.caseId, labelPath: s.labelPath, status: s.status, predictedDsc: s.predictedDsc, model: s.model }));

beforeAll(async () => {
  scratch = await scratchDir('engine-export');
  root = join(scratch.dir, 'ds');
  for (const [i, c] of CASES.entries()) await writeCase(root, c, i + 1);
  allowed = join(scratch.dir, 'exports');
  await mkdir(allowed);
  engine = new Engine({ modelPath: TINY, prepWorker: false, workspacesDir: join(scratch.dir, 'ws'), exportFolders: [allowed] });
  engine.subscribe((e) => events.push(e));
  await engine.openProject(root);
});

afterAll(async () => {
  await engine?.close();
  await scratch?.cleanup();
});

describe('exportToFolder', () => {
  it('writes an nnU-Net dataset with progress events named by the caller’s id', async () => {
    const to = join(allowed, 'one');
    await mkdir(to);
    const r = (await call('exportToFolder', { id: 'exp-1', root, to, what: 'nnunet', scores: scores(), datasetId: 520, datasetName: 'Api' })) as ExportResult;
    expect(r).toMatchObject({ id: 'exp-1', completed: true, included: 4, excluded: 0, organs: ['liver', 'spleen'] });
    expect((await checkNnunetRaw(r.paths[0])).problems).toEqual([]);
    const mine = events.filter((e): e is Extract<EngineEvent, { type: 'export' }> => e.type === 'export' && e.id === 'exp-1');
    expect(mine.map((e) => `${e.stage} ${e.done}/${e.total}`)).toEqual(['writing 0/4', 'writing 1/4', 'writing 2/4', 'writing 3/4', 'finishing 4/4']);
  });

  it('cancels mid-way: completed false, nothing written', async () => {
    const to = join(allowed, 'two');
    await mkdir(to);
    const off = engine.subscribe((e) => {
      if (e.type === 'export' && e.id === 'exp-2' && e.done === 2) void call('cancelExport', { id: 'exp-2' });
    });
    const r = (await call('exportToFolder', { id: 'exp-2', root, to, what: 'nnunet', scores: scores() })) as ExportResult;
    off();
    expect(r).toEqual({ id: 'exp-2', completed: false, paths: [], notes: [] });
    expect(await readdir(to)).toEqual([]);
    expect(await call('cancelExport', { id: 'exp-2' })).toEqual({ cancelled: false });
  });

  it('writes the audit log with the decisions it is given', async () => {
    const decisions = [{ caseId: 'c1', labelPath: 'c1/segmentations/liver.nii.gz', decision: 'accept', note: '', annotator: 'ann', time: '2025-02-02T00:00:00.000Z' }];
    const r = (await call('exportToFolder', { id: 'exp-3', root, to: allowed, what: 'audit', decisions })) as ExportResult;
    expect(r).toMatchObject({ completed: true, events: 1 });
    expect(r.paths.map((p) => p.slice(p.lastIndexOf('/') + 1))).toEqual(['audit-log.csv', 'audit-log.json']);
  });

  it('writes only into the folders the host allowed (real paths), and validates the request', async () => {
    const outside = join(scratch.dir, 'outside');
    await mkdir(outside);
    await symlink(outside, join(allowed, 'link-out'));
    for (const to of [outside, join(allowed, 'link-out'), join(allowed, '..', 'outside')]) {
      await expect(call('exportToFolder', { id: 'exp-4', root, to, what: 'audit' })).rejects.toThrow(/outside the folders exports may be written to/);
    }
    expect(await readdir(outside)).toEqual([]);
    await expect(call('exportToFolder', { id: '../x', root, to: allowed, what: 'audit' })).rejects.toThrow(/not an export id/);
    await expect(call('exportToFolder', { id: 'x', root, to: allowed, what: 'nnunet', datasetName: '../x' })).rejects.toThrow(/datasetName/);
    await expect(call('exportToFolder', { id: 'x', root, to: allowed, what: 'shell' })).rejects.toThrow(/what/);
    const closed = new Engine({ modelPath: TINY, prepWorker: false, workspacesDir: join(scratch.dir, 'ws') });
    await closed.openProject(root);
    await expect(closed.exportToFolder({ id: 'x', root, to: allowed, what: 'audit' })).rejects.toThrow(/allows no export folder/);
    await closed.allowExportFolder(allowed);
    await expect(closed.exportToFolder({ id: 'x', root, to: allowed, what: 'audit', force: true })).resolves.toMatchObject({ completed: true });
    await closed.close();
  });
});
