/**
 * The editing loop through the Engine on a scratch copy of the bundled sample: loadLabel's volumes against the
 * files, saveMask with history and a rescore that reflects the edit, revert, conflicts, and a read-only project
 * whose corrections go to the workspace (and are what scoring then reads).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../src/core/engine/engine';
import { SentinelError } from '../../../src/core/errors';
import { readNifti } from '../../../src/core/nifti';
import type { EngineEvent, LabelVolumes } from '../../../src/shared/api';
import type { LabelScore } from '../../../src/shared/scores';
import { copySample, listMasks, scratchDir, TINY, treeListing, waitFor, type Scratch } from './fixtures';

const CASE = 's0001';
const LIVER = `${CASE}/segmentations/liver.nii.gz`;
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** The k (slowest axis) of every slice that has a voxel. */
function slicesWithVoxels(mask: Uint8Array, dims: number[]): number[] {
  const per = dims[0] * dims[1];
  const out: number[] = [];
  for (let k = 0; k < dims[2]; k++) if (mask.subarray(k * per, (k + 1) * per).some((v) => v !== 0)) out.push(k);
  return out;
}

/** The mask kept only on slices k <= lastK. */
function keepSlicesUpTo(mask: Uint8Array, dims: number[], lastK: number): Uint8Array {
  const out = mask.slice();
  out.fill(0, (lastK + 1) * dims[0] * dims[1]);
  return out;
}

describe('Engine: editing labels', () => {
  let tmp: Scratch;
  let root: string;
  let engine: Engine;
  const events: EngineEvent[] = [];
  let stop: () => void = () => undefined;

  const scoresOf = (r: string, labelPath: string): LabelScore[] =>
    events.flatMap((e) => (e.type === 'score' && e.root === r && e.score.labelPath === labelPath ? [e.score] : []));

  beforeAll(async () => {
    tmp = await scratchDir('editing');
    root = await copySample(join(tmp.dir, 'sample'));
    engine = new Engine({ modelPath: TINY, executionProviders: ['cpu'], threads: 1, workspacesDir: join(tmp.dir, 'workspaces') });
    stop = engine.subscribe((e) => events.push(e));
    await engine.openProject(root);
  });

  afterAll(async () => {
    stop();
    await engine?.close();
    await tmp?.cleanup();
  });

  let loaded: LabelVolumes;

  it('loadLabel gives the CT, the mask and the other labels as context, as the files hold them', async () => {
    loaded = await engine.loadLabel({ root, caseId: CASE, labelPath: LIVER });
    // The sample is stored RAS, so its closest-canonical order is the file's order.
    const ct = await readNifti(join(root, CASE, 'ct.nii.gz'));
    const liver = await readNifti(join(root, LIVER));
    expect(loaded.geometry.dims).toEqual(ct.volume.grid.dims);
    expect(loaded.geometry.affine).toEqual(ct.volume.grid.affine);
    expect(loaded.ct).toBeInstanceOf(Int16Array);
    expect(Buffer.from(loaded.ct.buffer, loaded.ct.byteOffset, loaded.ct.byteLength).equals(Buffer.from((ct.volume.data as Int16Array).buffer))).toBe(true);
    expect(loaded.mask).toBeInstanceOf(Uint8Array);
    expect(Array.from(loaded.mask)).toEqual(Array.from(liver.volume.data, (v) => (v > 0 ? 1 : 0)));
    expect(loaded.version).toBe(`sha256-${sha(await readFile(join(root, LIVER))).slice(0, 16)}`);
    expect(loaded.readOnlyDataset).toBe(false);

    // Context: every other label of the case, each voxel marked with the first label (in the list) that has it.
    const others = (await listMasks(root)).filter((m) => m.caseId === CASE && m.labelPath !== LIVER);
    expect([...(loaded.contextNames ?? [])].sort()).toEqual(others.map((m) => m.organ).sort());
    const names = loaded.contextNames as string[];
    const context = loaded.context as Uint8Array;
    const first = new Uint8Array(context.length);
    for (let v = 1; v <= names.length; v++) {
      const data = (await readNifti(join(root, CASE, 'segmentations', `${names[v - 1]}.nii.gz`))).volume.data;
      for (let i = 0; i < data.length; i++) if (data[i] > 0 && first[i] === 0) first[i] = v;
    }
    expect(Buffer.from(context).equals(Buffer.from(first))).toBe(true);
    expect(context.some((v) => v > 0)).toBe(true);
  });

  it('saveMask writes the edit, records the original, and the rescore reflects the edited mask', async () => {
    const dims = loaded.geometry.dims;
    const slices = slicesWithVoxels(loaded.mask, dims);
    expect(slices.length).toBeGreaterThan(3);
    const lastK = slices[Math.floor(slices.length / 2)];
    const edited = keepSlicesUpTo(loaded.mask, dims, lastK);
    const before = events.length;

    const r = await engine.saveMask({ root, caseId: CASE, labelPath: LIVER, mask: edited, annotator: 'alice', baseVersion: loaded.version });
    expect(r).toMatchObject({ savedTo: LIVER, inWorkspace: false, changed: true, takenFrom: [], rescoreQueued: true });
    expect(r.version).not.toBe(loaded.version);
    const onDisk = (await readNifti(join(root, LIVER))).volume.data;
    expect(Array.from(onDisk, (v) => (v > 0 ? 1 : 0))).toEqual(Array.from(edited));

    await waitFor(() => events.slice(before).some((e) => e.type === 'score' && e.score.labelPath === LIVER), 'the rescore of the liver');
    const score = scoresOf(root, LIVER).at(-1) as LabelScore;
    expect(score.status).toBe('ok');
    expect(score.slices.length).toBeGreaterThan(0);
    expect(score.slices.every((k) => k <= lastK && slices.includes(k))).toBe(true);

    const h = await engine.listHistory({ root, caseId: CASE, labelPath: LIVER });
    expect(h.map((e) => [e.kind, e.annotator, e.current])).toEqual([
      ['save', 'alice', true],
      ['original', null, false],
    ]);
    expect(h[0].version).toBe(r.version);
    expect(h[0].labelPath).toBe(LIVER);

    // A save from the version before is a conflict; a mask of the wrong size is refused.
    await expect(engine.saveMask({ root, caseId: CASE, labelPath: LIVER, mask: edited, annotator: 'bob', baseVersion: loaded.version })).rejects.toThrow(/conflict/);
    await expect(engine.saveMask({ root, caseId: CASE, labelPath: LIVER, mask: new Uint8Array(10), annotator: 'bob', baseVersion: r.version })).rejects.toThrow(SentinelError);
    await expect(engine.loadLabel({ root, caseId: CASE, labelPath: `${CASE}/segmentations/../ct.nii.gz` })).rejects.toThrow(/no label/);
  });

  it('revert restores the original bytes as a new version and rescores', async () => {
    const h = await engine.listHistory({ root, caseId: CASE, labelPath: LIVER });
    const before = events.length;
    const r = await engine.revert({ root, caseId: CASE, labelPath: LIVER, version: h[1].version, annotator: 'bob' });
    expect(r).toMatchObject({ changed: true, rescoreQueued: true });
    expect(r.version).toBe(loaded.version);
    const again = await engine.loadLabel({ root, caseId: CASE, labelPath: LIVER });
    expect(Buffer.from(again.mask).equals(Buffer.from(loaded.mask))).toBe(true);
    expect((await engine.listHistory({ root, caseId: CASE, labelPath: LIVER })).map((e) => e.kind)).toEqual(['revert', 'save', 'original']);
    await waitFor(() => events.slice(before).some((e) => e.type === 'score' && e.score.labelPath === LIVER), 'the rescore after revert');
  });

  it('a read-only project saves into its workspace, leaves the dataset as it was, and scores the corrected copy', async () => {
    const ro = await copySample(join(tmp.dir, 'readonly'));
    const listing = await treeListing(ro);
    const liverBytes = sha(await readFile(join(ro, LIVER)));
    await engine.openProject(ro, { readOnly: true });
    const v = await engine.loadLabel({ root: ro, caseId: CASE, labelPath: LIVER });
    expect(v.readOnlyDataset).toBe(true);
    const dims = v.geometry.dims;
    const slices = slicesWithVoxels(v.mask, dims);
    const lastK = slices[1];
    const edited = keepSlicesUpTo(v.mask, dims, lastK);
    const before = events.length;
    const r = await engine.saveMask({ root: ro, caseId: CASE, labelPath: LIVER, mask: edited, annotator: 'carol', baseVersion: v.version });
    expect(r).toMatchObject({ inWorkspace: true, savedTo: LIVER, rescoreQueued: true });

    // Scoring reads the workspace copy: only the kept slices can be scored.
    await waitFor(() => events.slice(before).some((e) => e.type === 'score' && e.root === ro && e.score.labelPath === LIVER), 'the rescore from the workspace');
    const score = scoresOf(ro, LIVER).at(-1) as LabelScore;
    expect(score.status).toBe('ok');
    expect(score.slices.every((k) => k <= lastK)).toBe(true);

    // loadLabel prefers the workspace copy too; the dataset is unchanged.
    const reread = await engine.loadLabel({ root: ro, caseId: CASE, labelPath: LIVER });
    expect(Buffer.from(reread.mask).equals(Buffer.from(edited))).toBe(true);
    expect(reread.version).toBe(r.version);
    expect(await treeListing(ro)).toEqual(listing);
    expect(sha(await readFile(join(ro, LIVER)))).toBe(liverBytes);
  });
});
