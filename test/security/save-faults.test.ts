/**
 * Saves that fail: a full disk at each step of a save in turn (simulated through the store's fs layer), a real
 * full tmpfs (when this process may mount one), and two stores of one dataset saving the same label at once.
 * After every failure the label keeps its old bytes, its history is what it was (every entry complete), no
 * temporary file is left, and the error names the file; once there is room again, the save works.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SentinelError } from '../../src/core/errors';
import { contentVersion, LabelStore, nodeStoreFs, TEMP_SUFFIX, type LabelFileRef, type StoreFs } from '../../src/core/store';
import { scratchDir, type Scratch } from '../core/engine/fixtures';
import { pattern, RAS, writeVolume } from '../core/store/helpers';
import { checkHistory, listTree } from './store-checks';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const REL = 'c1/segmentations/liver.nii.gz';
const ref: LabelFileRef = { caseId: 'c1', file: REL, labelPath: REL, label: { kind: 'file' } };

type Op = keyof StoreFs;
const MUTATING: Op[] = ['writeNew', 'rename', 'syncDir', 'mkdirp'];
const enospc = (path: string): Error => Object.assign(new Error(`ENOSPC: no space left on device, write '${path}'`), { code: 'ENOSPC' });

/** The real fs layer, recording mutating calls, failing the `failAt`-th (0-based) like a full disk. */
function faultyFs(failAt: number): { fs: StoreFs; ops: string[] } {
  const ops: string[] = [];
  const fs: StoreFs = { ...nodeStoreFs };
  for (const op of MUTATING) {
    const real = nodeStoreFs[op] as (path: string, ...rest: unknown[]) => Promise<void>;
    (fs as unknown as Record<string, unknown>)[op] = async (path: string, ...rest: unknown[]) => {
      const n = ops.push(`${op} ${path}`) - 1;
      if (n === failAt) {
        // A disk that fills up during a write keeps part of the bytes.
        if (op === 'writeNew') await nodeStoreFs.writeNew(path, (rest[0] as Uint8Array).subarray(0, (rest[0] as Uint8Array).length >> 1));
        throw enospc(path);
      }
      return real(path, ...rest);
    };
  }
  return { fs, ops };
}

describe('saves that fail', () => {
  let tmp: Scratch;
  beforeAll(async () => {
    tmp = await scratchDir('save-faults');
  });
  afterAll(async () => {
    await tmp?.cleanup();
  });

  it('a full disk at each step of a save: old mask kept, history intact, no temporary file, the file named', async () => {
    // A first save with a recording fs gives the steps of a save (its history already has the original).
    const root = join(tmp.dir, 'steps');
    await writeVolume(join(root, REL), RAS, pattern(1));
    const probe = faultyFs(-1);
    const s0 = await LabelStore.open({ root, workspaceDir: join(tmp.dir, 'ws-steps'), fs: probe.fs });
    await s0.saveMask(ref, pattern(2), { annotator: 'a', baseVersion: (await s0.readCurrent(REL)).version });
    probe.ops.length = 0;
    const v = (await s0.readCurrent(REL)).version;
    await s0.saveMask(ref, pattern(3), { annotator: 'a', baseVersion: v });
    const steps = probe.ops.length;
    expect(steps).toBeGreaterThanOrEqual(9);
    const stepNames = [...probe.ops];
    let failed = 0;
    // pattern(k) for k = 0..4 are five different masks; the file holds pattern(3) now.
    let current = 3;
    for (let i = 0; i < steps; i++) {
      const before = await readFile(join(root, REL));
      const historyBefore = await checkHistory(root, REL);
      const { fs } = faultyFs(i);
      const store = await LabelStore.open({ root, workspaceDir: join(tmp.dir, 'ws-steps'), fs });
      const next = (current + 1) % 5;
      const outcome = await store.saveMask(ref, pattern(next), { annotator: `step${i}`, baseVersion: contentVersion(before) }).then(
        (r) => r,
        (e: unknown) => e,
      );
      const after = await readFile(join(root, REL));
      const history = await checkHistory(root, REL);
      expect(await listTree(root, (p) => p.endsWith(TEMP_SUFFIX)), `step ${i} (${stepNames[i]}) left a temporary file`).toEqual([]);
      if (outcome instanceof Error) {
        failed++;
        expect(outcome, stepNames[i]).toBeInstanceOf(SentinelError);
        expect((outcome as SentinelError).code).toBe('io');
        expect((outcome as SentinelError).file).toBe(join(root, REL));
        expect(outcome.message).toMatch(/ENOSPC/);
        expect(outcome.message).toMatch(/unchanged/);
        expect(sha(after), `step ${i} (${stepNames[i]}) changed the file`).toBe(sha(before));
        expect(history.map((h) => h.id), `step ${i} changed the history`).toEqual(historyBefore.map((h) => h.id));
      } else {
        // A step after the file is in place (syncing its folder, the note of who saved) may fail without harm.
        expect(contentVersion(after), stepNames[i]).toBe((outcome as { version: string }).version);
        expect((outcome as { changed: boolean }).changed).toBe(true);
        expect(history.length).toBe(historyBefore.length + 1);
        expect(history[0].content).toBe(contentVersion(before));
        current = next;
      }
    }
    // Everything up to putting the file in place fails the save.
    expect(failed).toBeGreaterThanOrEqual(6);
    // Room again: the save works.
    const store = await LabelStore.open({ root, workspaceDir: join(tmp.dir, 'ws-steps') });
    const r = await store.saveMask(ref, pattern((current + 1) % 5), { annotator: 'after', baseVersion: (await store.readCurrent(REL)).version });
    expect(r.changed).toBe(true);
  });

  it('an uncompressed .nii: the history keeps the bytes as they were, and revert brings them back exactly', async () => {
    // Found by the tmpfs test: the edit was made in the very buffer that was then archived as the old version.
    const root = join(tmp.dir, 'plain-nii');
    const rel = 'c1/segmentations/spleen.nii';
    const nii: LabelFileRef = { caseId: 'c1', file: rel, labelPath: rel, label: { kind: 'file' } };
    await writeVolume(join(root, rel), RAS, pattern(1));
    const original = await readFile(join(root, rel));
    const store = await LabelStore.open({ root, workspaceDir: join(tmp.dir, 'ws-plain') });
    await store.saveMask(nii, pattern(2), { annotator: 'a', baseVersion: contentVersion(original) });
    const history = await checkHistory(root, rel);
    expect(history.map((h) => [h.kind, h.content])).toEqual([['original', contentVersion(original)]]);
    await store.revert(nii, history[0].id, 'a');
    expect(sha(await readFile(join(root, rel)))).toBe(sha(original));
  });

  it('two stores of one dataset (a project opened twice) serialise saves of the same label', async () => {
    const root = join(tmp.dir, 'twice');
    await writeVolume(join(root, REL), RAS, pattern(1));
    const a = await LabelStore.open({ root, workspaceDir: join(tmp.dir, 'ws-twice') });
    const b = await LabelStore.open({ root, workspaceDir: join(tmp.dir, 'ws-twice') });
    const v = (await a.readCurrent(REL)).version;
    const results = await Promise.allSettled([
      a.saveMask(ref, pattern(2), { annotator: 'a', baseVersion: v }),
      b.saveMask(ref, pattern(3), { annotator: 'b', baseVersion: v }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(String(lost.reason)).toMatch(/conflict/);
    const history = await checkHistory(root, REL);
    expect(history.map((h) => h.kind)).toEqual(['original']);
  });
});

/** Whether this process may mount a tmpfs (root on Linux with mount(8) allowed), and why not. */
function tmpfsSupport(): string | null {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not running as root';
  return null;
}

describe('a real full disk (tmpfs)', () => {
  const why = tmpfsSupport();
  let mnt = '';
  let mounted = false;
  let tmp: Scratch;

  beforeAll(async () => {
    tmp = await scratchDir('tmpfs');
    if (why) return;
    mnt = join(tmp.dir, 'mnt');
    await mkdir(mnt);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt], { stdio: 'pipe' });
      mounted = true;
    } catch (err) {
      console.log(`real full-disk test skipped: mount -t tmpfs failed (${String((err as Error).message).split('\n')[0]})`);
    }
  });
  afterAll(async () => {
    if (mounted) execFileSync('umount', [mnt]);
    await tmp?.cleanup();
  });

  if (why) console.log(`real full-disk test skipped: ${why} (the simulated ENOSPC test above covers every step)`);

  it.runIf(!why)('fails cleanly when the disk is full (no room for the history copy, then none for the new file), then saves once there is room', async () => {
    if (!mounted) return;
    const root = join(mnt, 'ds');
    // An uncompressed mask of ~64 KB, so the sizes below are predictable.
    const grid = { dims: [40, 40, 40] as [number, number, number], spacing: [1, 1, 1] as [number, number, number], affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] };
    const rel = 'c1/segmentations/liver.nii';
    const mask = new Uint8Array(64000).map((_, i) => (i % 7 < 3 ? 1 : 0));
    await writeVolume(join(root, rel), grid, mask, { datatype: 'uint8' });
    const fileRef: LabelFileRef = { caseId: 'c1', file: rel, labelPath: rel, label: { kind: 'file' } };
    const size = (await readFile(join(root, rel))).length;
    const original = await readFile(join(root, rel));
    // The workspace is outside the tmpfs: only the dataset's disk is full.
    const open = () => LabelStore.open({ root, workspaceDir: join(tmp.dir, 'ws') });
    const fill = async (leave: number): Promise<void> => {
      await rm(join(mnt, 'filler'), { force: true });
      const st = await statfs(mnt);
      const free = st.bavail * st.bsize;
      await writeFile(join(mnt, 'filler'), Buffer.alloc(Math.max(0, free - leave)));
    };
    const edited = mask.map((v) => 1 - v);
    for (const [what, leave] of [
      ['no room for the history copy', 8 << 10],
      ['room for the history copy but not for the new file', size + (24 << 10)],
    ] as [string, number][]) {
      await fill(leave);
      const store = await open();
      const err = await store.saveMask(fileRef, edited, { annotator: 'a', baseVersion: contentVersion(original) }).then(() => null, (e: unknown) => e);
      expect(err, what).toBeInstanceOf(SentinelError);
      expect((err as SentinelError).code, what).toBe('io');
      expect((err as Error).message, what).toMatch(/ENOSPC/);
      expect((err as SentinelError).file).toBe(join(root, rel));
      expect(sha(await readFile(join(root, rel))), what).toBe(sha(original));
      expect(await listTree(root, (p) => p.endsWith(TEMP_SUFFIX)), what).toEqual([]);
      expect((await checkHistory(root, rel)).map((h) => h.kind), what).toEqual([]);
      expect(await readdir(join(root, 'c1', 'segmentations'))).toEqual(['liver.nii']);
    }
    await rm(join(mnt, 'filler'));
    const store = await open();
    const r = await store.saveMask(fileRef, edited, { annotator: 'a', baseVersion: contentVersion(original) });
    expect(r).toMatchObject({ changed: true, inWorkspace: false });
    expect((await checkHistory(root, rel)).map((h) => h.kind)).toEqual(['original']);
  });
});
