/**
 * Path confinement through the engine (the API's loadLabel, saveMask, listHistory, revert): requests naming files
 * outside the opened project, by `..`, absolute paths, case ids or roots that were never opened, are refused; files
 * and folders that are symbolic links to outside the dataset (and a `.sentinel` folder that is one) are never
 * written through: saves go to the project's workspace and the link's target keeps its bytes.
 */
import { createHash } from 'node:crypto';
import { lstat, mkdir, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/core/engine/engine';
import { SentinelError } from '../../src/core/errors';
import { readNifti } from '../../src/core/nifti';
import type { LabelRef } from '../../src/shared/api';
import { scratchDir, TINY, type Scratch } from '../core/engine/fixtures';
import { NVOX, pattern, RAS, writeVolume } from '../core/store/helpers';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** sha256 of every file below `dir` (links followed), to show nothing there changed. */
async function hashes(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out.set(p, sha(await readFile(p)));
    }
  };
  await walk(dir);
  return out;
}

describe('confinement of file access to the opened project', () => {
  let tmp: Scratch;
  let engine: Engine;
  let root: string;
  let outside: string;
  let workspaces: string;

  beforeAll(async () => {
    tmp = await scratchDir('confine');
    root = join(tmp.dir, 'dataset');
    outside = join(tmp.dir, 'outside');
    workspaces = join(tmp.dir, 'workspaces');
    // The dataset: c1 with a CT, a liver mask and a spleen mask that is a link to a file outside;
    // c2 is a link to a case folder outside.
    await writeVolume(join(root, 'c1', 'ct.nii.gz'), RAS, new Int16Array(NVOX).map((_, i) => (i % 50) - 25), { datatype: 'int16' });
    await writeVolume(join(root, 'c1', 'segmentations', 'liver.nii.gz'), RAS, pattern(1));
    await writeVolume(join(outside, 'spleen.nii.gz'), RAS, pattern(2));
    await symlink(join(outside, 'spleen.nii.gz'), join(root, 'c1', 'segmentations', 'spleen.nii.gz'), 'file');
    await writeVolume(join(outside, 'case2', 'ct.nii.gz'), RAS, new Int16Array(NVOX), { datatype: 'int16' });
    await writeVolume(join(outside, 'case2', 'segmentations', 'kidney_left.nii.gz'), RAS, pattern(3));
    await symlink(join(outside, 'case2'), join(root, 'c2'), 'dir');
    await writeFile(join(outside, 'secret.txt'), 'not for the app\n');
    engine = new Engine({ modelPath: TINY, executionProviders: ['cpu'], threads: 1, workspacesDir: workspaces, prepWorker: false });
    const snap = await engine.openProject(root);
    expect(snap.labels.map((l) => l.labelPath).sort()).toEqual(['c1/segmentations/liver.nii.gz', 'c1/segmentations/spleen.nii.gz', 'c2/segmentations/kidney_left.nii.gz']);
  });

  afterAll(async () => {
    await engine?.close();
    await tmp?.cleanup();
  });

  const refused = async (what: string, call: () => Promise<unknown>, reason: RegExp): Promise<void> => {
    const err = await call().then(() => null, (e: unknown) => e);
    expect(err, `${what} was not refused`).toBeInstanceOf(SentinelError);
    expect((err as Error).message, what).toMatch(reason);
  };

  it('refuses label paths, case ids and roots that leave the project, and writes nothing', async () => {
    const before = await hashes(outside);
    const liver = (await engine.loadLabel({ root, caseId: 'c1', labelPath: 'c1/segmentations/liver.nii.gz' })).version;
    const badRefs: [string, LabelRef][] = [
      ['.. in the label path', { root, caseId: 'c1', labelPath: '../outside/spleen.nii.gz' }],
      ['.. inside the label path', { root, caseId: 'c1', labelPath: 'c1/segmentations/../../../outside/secret.txt' }],
      ['an absolute label path', { root, caseId: 'c1', labelPath: join(outside, 'spleen.nii.gz') }],
      ['/etc/passwd', { root, caseId: 'c1', labelPath: '/etc/passwd' }],
      ['a backslash path', { root, caseId: 'c1', labelPath: 'c1\\..\\..\\outside\\secret.txt' }],
      ['a case id with ..', { root, caseId: '../outside', labelPath: 'c1/segmentations/liver.nii.gz' }],
      ['a URL-encoded path', { root, caseId: 'c1', labelPath: 'c1/segmentations/%2e%2e/%2e%2e/x.nii.gz' }],
    ];
    for (const [what, ref] of badRefs) {
      await refused(`loadLabel: ${what}`, () => engine.loadLabel(ref), /no label/);
      await refused(`saveMask: ${what}`, () => engine.saveMask({ ...ref, mask: new Uint8Array(NVOX).fill(1), annotator: 'mallory', baseVersion: liver }), /no label/);
      await refused(`listHistory: ${what}`, () => engine.listHistory(ref), /no label/);
      await refused(`revert: ${what}`, () => engine.revert({ ...ref, version: '20250101T000000000Z', annotator: 'mallory' }), /no label/);
    }
    // A root that was never opened (or one reached from the open one by ..) is not a project.
    for (const other of [outside, join(root, '..', 'outside'), '/', '/etc']) {
      await refused(`loadLabel in ${other}`, () => engine.loadLabel({ root: other, caseId: 'c1', labelPath: 'c1/segmentations/liver.nii.gz' }), /not open/);
      await refused(`score in ${other}`, () => engine.score({ root: other }), /not open/);
    }
    expect(await hashes(outside)).toEqual(before);
  });

  it('a label file that links outside: it is read, but a save goes to the workspace and keeps the link and its target', async () => {
    const target = join(outside, 'spleen.nii.gz');
    const before = sha(await readFile(target));
    const ref = { root, caseId: 'c1', labelPath: 'c1/segmentations/spleen.nii.gz' };
    const loaded = await engine.loadLabel(ref);
    const wanted = pattern(4); // pattern(n) repeats with period 5: 4 differs from the file's 2
    const r = await engine.saveMask({ ...ref, mask: wanted, annotator: 'alice', baseVersion: loaded.version });
    expect(r).toMatchObject({ inWorkspace: true, changed: true, savedTo: 'c1/segmentations/spleen.nii.gz' });
    expect(sha(await readFile(target))).toBe(before);
    expect((await lstat(join(root, 'c1', 'segmentations', 'spleen.nii.gz'))).isSymbolicLink()).toBe(true);
    // The correction is in the workspace, and reads prefer it now.
    const again = await engine.loadLabel(ref);
    expect(Array.from(again.mask)).toEqual(Array.from(wanted));
    expect(again.readOnlyDataset).toBe(true);
    const ws = (await readdir(workspaces))[0];
    const saved = await readNifti(join(workspaces, ws, 'c1', 'segmentations', 'spleen.nii.gz'));
    expect(Array.from(saved.volume.data)).toEqual(Array.from(wanted));
    expect((await engine.listHistory(ref)).map((h) => h.kind)).toEqual(['save', 'original']);
  });

  it('a case folder that links outside: saves go to the workspace, the folder outside is untouched', async () => {
    const before = await hashes(join(outside, 'case2'));
    const ref = { root, caseId: 'c2', labelPath: 'c2/segmentations/kidney_left.nii.gz' };
    const loaded = await engine.loadLabel(ref);
    const r = await engine.saveMask({ ...ref, mask: pattern(0), annotator: 'alice', baseVersion: loaded.version });
    expect(r.inWorkspace).toBe(true);
    expect(await hashes(join(outside, 'case2'))).toEqual(before);
    expect(await readdir(join(outside, 'case2'))).toEqual(['ct.nii.gz', 'segmentations']);
  });

  it('a .sentinel history folder that links outside: the save and its history go to the workspace', async () => {
    const ds = join(tmp.dir, 'dataset-evil-history');
    const trap = join(tmp.dir, 'trap');
    await mkdir(trap, { recursive: true });
    await writeVolume(join(ds, 'c1', 'ct.nii.gz'), RAS, new Int16Array(NVOX), { datatype: 'int16' });
    await writeVolume(join(ds, 'c1', 'segmentations', 'liver.nii.gz'), RAS, pattern(1));
    await symlink(trap, join(ds, '.sentinel'), 'dir');
    await engine.openProject(ds);
    const ref = { root: ds, caseId: 'c1', labelPath: 'c1/segmentations/liver.nii.gz' };
    const before = sha(await readFile(join(ds, 'c1', 'segmentations', 'liver.nii.gz')));
    const r = await engine.saveMask({ ...ref, mask: pattern(4), annotator: 'a', baseVersion: (await engine.loadLabel(ref)).version });
    expect(r.inWorkspace).toBe(true);
    expect(await readdir(trap)).toEqual([]);
    expect(sha(await readFile(join(ds, 'c1', 'segmentations', 'liver.nii.gz')))).toBe(before);
  });

  it('a plain label inside the dataset is still saved in place (the checks do not send everything away)', async () => {
    const ref = { root, caseId: 'c1', labelPath: 'c1/segmentations/liver.nii.gz' };
    const r = await engine.saveMask({ ...ref, mask: pattern(5), annotator: 'a', baseVersion: (await engine.loadLabel(ref)).version });
    expect(r).toMatchObject({ inWorkspace: false, changed: true });
    const saved = await readNifti(join(root, 'c1', 'segmentations', 'liver.nii.gz'));
    expect(Array.from(saved.volume.data)).toEqual(Array.from(pattern(5)));
  });
});
