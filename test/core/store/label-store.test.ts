/**
 * The label store on small files written here: saves written back in the file's own voxel order and header,
 * history and revert, the conflict check, per-file serialisation, failing writes, multi-label maps, and the
 * workspace of a read-only dataset. Expected voxels are computed by hand in the tests, not by the store's code.
 */
import { createHash } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SentinelError } from '../../../src/core/errors';
import { labelTableExtension } from '../../../src/core/nifti';
import { checkRelativePath, contentVersion, LabelStore, nodeStoreFs, type LabelFileRef, type StoreFs } from '../../../src/core/store';
import { scratchDir, treeListing, type Scratch } from '../engine/fixtures';
import { DIMS, LAS, lasToCanonical, NVOX, pattern, RAS, rawBytes, voxOffset, writeVolume } from './helpers';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const fileRef = (file: string, caseId = 'c1'): LabelFileRef => ({ caseId, file, labelPath: file, label: { kind: 'file' } });

/** An fs layer that records when each temporary file is written, optionally slowly or failing. */
function instrumentedFs(opts: { delayMs?: number; failWrite?: (path: string) => boolean } = {}) {
  const intervals: { target: string; start: number; end: number }[] = [];
  const fs: StoreFs = {
    ...nodeStoreFs,
    async writeNew(path, bytes) {
      const start = performance.now();
      if (opts.failWrite?.(path)) {
        // A disk that fills up halfway: part of the bytes land, then ENOSPC.
        await nodeStoreFs.writeNew(path, bytes.subarray(0, bytes.length >> 1));
        throw Object.assign(new Error(`ENOSPC: no space left on device, write '${path}'`), { code: 'ENOSPC' });
      }
      if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
      await nodeStoreFs.writeNew(path, bytes);
      const m = /[\\/]\.([^\\/]+)\.[0-9a-f]{12}\.sentinel-tmp$/.exec(path);
      if (m) intervals.push({ target: m[1], start, end: performance.now() });
    },
  };
  return { fs, intervals };
}

describe('LabelStore', () => {
  let tmp: Scratch;
  let n = 0;
  /** A fresh dataset folder with one case. */
  const dataset = async (): Promise<{ root: string; ws: string }> => {
    const root = join(tmp.dir, `ds${++n}`);
    await mkdir(join(root, 'c1', 'segmentations'), { recursive: true });
    return { root, ws: join(tmp.dir, `ws${n}`) };
  };

  beforeAll(async () => {
    tmp = await scratchDir('store');
  });
  afterAll(async () => {
    await tmp?.cleanup();
  });

  it('writes a LAS mask back in the file\'s own voxel order with the header byte-identical', async () => {
    const { root, ws } = await dataset();
    const rel = 'c1/segmentations/liver.nii.gz';
    await writeVolume(join(root, rel), LAS, pattern(1));
    const before = await rawBytes(join(root, rel));
    const store = await LabelStore.open({ root, workspaceDir: ws });
    const cur = await store.readCurrent(rel);
    expect(cur.version).toBe(contentVersion(await readFile(join(root, rel))));

    const wanted = pattern(2); // file order
    const r = await store.saveMask(fileRef(rel), lasToCanonical(wanted), { annotator: 'alice', baseVersion: cur.version });
    expect(r).toMatchObject({ changed: true, inWorkspace: false, savedTo: rel });
    expect(r.version).toBe(contentVersion(await readFile(join(root, rel))));
    const after = await rawBytes(join(root, rel));
    const off = voxOffset(before);
    expect(after.length).toBe(before.length);
    expect(Buffer.from(after.subarray(0, off)).equals(Buffer.from(before.subarray(0, off)))).toBe(true);
    expect(Array.from(after.subarray(off))).toEqual(Array.from(wanted));
    // Nothing else beside the file: no temporary files left.
    expect((await readdir(join(root, 'c1', 'segmentations'))).sort()).toEqual(['liver.nii.gz']);
  });

  it('keeps the datatype, byte order and foreground value of the file (big-endian int16, value 7)', async () => {
    const { root, ws } = await dataset();
    const rel = 'c1/segmentations/spleen.nii';
    const data = new Int16Array(NVOX);
    pattern(3).forEach((v, i) => (data[i] = v * 7));
    await writeVolume(join(root, rel), RAS, data, { datatype: 'int16', littleEndian: false });
    const before = await rawBytes(join(root, rel));
    const store = await LabelStore.open({ root, workspaceDir: ws });
    const wanted = pattern(4);
    await store.saveMask(fileRef(rel), wanted, { annotator: 'a', baseVersion: (await store.readCurrent(rel)).version });
    const after = await rawBytes(join(root, rel));
    const off = voxOffset(before);
    expect(Buffer.from(after.subarray(0, off)).equals(Buffer.from(before.subarray(0, off)))).toBe(true);
    const dv = new DataView(after.buffer, after.byteOffset + off);
    for (let i = 0; i < NVOX; i++) expect(dv.getInt16(i * 2, false)).toBe(wanted[i] * 7);
  });

  it('keeps every version: the original on the first save, each save after, revert as a new save', async () => {
    const { root, ws } = await dataset();
    const rel = 'c1/segmentations/kidney_left.nii.gz';
    await writeVolume(join(root, rel), RAS, pattern(5));
    const original = await readFile(join(root, rel));
    const store = await LabelStore.open({ root, workspaceDir: ws });
    const ref = fileRef(rel);
    const v0 = (await store.readCurrent(rel)).version;

    const s1 = await store.saveMask(ref, pattern(6), { annotator: 'alice', baseVersion: v0 });
    const s2 = await store.saveMask(ref, pattern(7), { annotator: 'bob', baseVersion: s1.version });
    const h = await store.history(ref);
    expect(h.map((e) => [e.kind, e.annotator, e.current])).toEqual([
      ['save', 'bob', true],
      ['save', 'alice', false],
      ['original', null, false],
    ]);
    expect(h[0].version).toBe(s2.version);
    // History ids sort in time: newest first is descending string order.
    const ids = h.slice(1).map((e) => e.version);
    expect(ids).toEqual([...ids].sort().reverse());
    expect(ids.every((id) => /^\d{8}T\d{9}Z$/.test(id))).toBe(true);

    // The files: <root>/.sentinel/history/<case>/<file in case>/<id>.nii.gz + <id>.json.
    const dir = join(root, '.sentinel', 'history', 'c1', 'segmentations', 'kidney_left.nii.gz');
    const originalId = h[2].version;
    expect(sha(await readFile(join(dir, `${originalId}.nii.gz`)))).toBe(sha(original));
    const sidecar = JSON.parse(await readFile(join(dir, `${originalId}.json`), 'utf8')) as Record<string, unknown>;
    expect(sidecar).toMatchObject({ id: originalId, kind: 'original', annotator: null, content: v0 });

    // Conflict: a save from a version that is no longer current is refused and changes nothing.
    const now = await readFile(join(root, rel));
    const stale = store.saveMask(ref, pattern(8), { annotator: 'carol', baseVersion: s1.version });
    await expect(stale).rejects.toBeInstanceOf(SentinelError);
    await expect(stale).rejects.toThrow(/conflict/);
    expect(sha(await readFile(join(root, rel)))).toBe(sha(now));

    // Revert to the original: its bytes come back exactly, as a new version; nothing is deleted.
    const r = await store.revert(ref, originalId, 'dave');
    expect(r.changed).toBe(true);
    expect(r.version).toBe(v0);
    expect(sha(await readFile(join(root, rel)))).toBe(sha(original));
    const h2 = await store.history(ref);
    expect(h2.map((e) => [e.kind, e.annotator])).toEqual([
      ['revert', 'dave'],
      ['save', 'bob'],
      ['save', 'alice'],
      ['original', null],
    ]);
    const files = (await readdir(dir)).filter((f) => f.endsWith('.nii.gz'));
    expect(files).toHaveLength(3);
    // Reverting to what is current is no change; an unknown version is an error.
    expect((await store.revert(ref, v0, 'dave')).changed).toBe(false);
    await expect(store.revert(ref, '20000101T000000000Z', 'dave')).rejects.toThrow(/no version/);
    await expect(store.revert(ref, '../../etc/passwd', 'dave')).rejects.toThrow(/no version/);
  });

  it('serialises saves of one file and runs saves of different files in parallel', async () => {
    const { root, ws } = await dataset();
    const a = 'c1/segmentations/a.nii.gz';
    const b = 'c1/segmentations/b.nii.gz';
    await writeVolume(join(root, a), RAS, pattern(1));
    await writeVolume(join(root, b), RAS, pattern(1));
    const { fs, intervals } = instrumentedFs({ delayMs: 40 });
    const store = await LabelStore.open({ root, workspaceDir: ws, fs });
    const va = (await store.readCurrent(a)).version;
    const vb = (await store.readCurrent(b)).version;

    // Two saves of `a` from the same version: one wins, the other finds the file changed.
    const results = await Promise.allSettled([
      store.saveMask(fileRef(a), pattern(2), { annotator: 'x', baseVersion: va }),
      store.saveMask(fileRef(a), pattern(3), { annotator: 'y', baseVersion: va }),
      store.saveMask(fileRef(b), pattern(4), { annotator: 'z', baseVersion: vb }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/conflict/);
    expect(Array.from((await rawBytes(join(root, a))).subarray(352))).toEqual(Array.from(pattern(2)));

    // Two more saves of `a` in a row, each from the previous: both land, one after the other.
    const s1 = await store.saveMask(fileRef(a), pattern(5), { annotator: 'x', baseVersion: (await store.readCurrent(a)).version });
    await store.saveMask(fileRef(a), pattern(6), { annotator: 'x', baseVersion: s1.version });
    expect((await store.history(fileRef(a))).map((e) => e.annotator)).toEqual(['x', 'x', 'x', null]);

    const writesOf = (name: string) => intervals.filter((w) => w.target === name).sort((p, q) => p.start - q.start);
    const aw = writesOf('a.nii.gz');
    for (let i = 1; i < aw.length; i++) expect(aw[i].start).toBeGreaterThanOrEqual(aw[i - 1].end);
    const bw = writesOf('b.nii.gz');
    expect(bw).toHaveLength(1);
    expect(aw.some((w) => w.start < bw[0].end && bw[0].start < w.end)).toBe(true);
  });

  it('a write that fails (ENOSPC) leaves the file and its history as they were and names the file', async () => {
    const { root, ws } = await dataset();
    const rel = 'c1/segmentations/pancreas.nii.gz';
    await writeVolume(join(root, rel), RAS, pattern(1));
    const before = await readFile(join(root, rel));
    for (const where of ['segmentations', 'history'] as const) {
      const { fs } = instrumentedFs({
        failWrite: (p) =>
          where === 'segmentations' ? /c1[\\/]segmentations[\\/]\.pancreas/.test(p) : /[\\/]\.sentinel[\\/]history[\\/].*\.sentinel-tmp$/.test(p),
      });
      const store = await LabelStore.open({ root, workspaceDir: ws, fs });
      const err = await store
        .saveMask(fileRef(rel), pattern(2), { annotator: 'a', baseVersion: contentVersion(before) })
        .then(() => null, (e: unknown) => e);
      expect(err, where).toBeInstanceOf(SentinelError);
      expect((err as SentinelError).code).toBe('io');
      expect((err as SentinelError).message).toMatch(/ENOSPC/);
      expect((err as SentinelError).file).toBe(join(root, rel));
      if (where === 'history') expect((err as SentinelError).message).toMatch(/history/);
      expect(sha(await readFile(join(root, rel)))).toBe(sha(before));
      expect(await readdir(join(root, 'c1', 'segmentations'))).toEqual(['pancreas.nii.gz']);
      const h = await store.history(fileRef(rel));
      expect(h.map((e) => e.kind)).toEqual(['original']);
      // No copy (complete or partial) stayed behind in the history either.
      expect(await readdir(join(root, '.sentinel', 'history', 'c1', 'segmentations', 'pancreas.nii.gz')).catch(() => [])).toEqual([]);
    }
    // The disk has room again: the save works.
    const store = await LabelStore.open({ root, workspaceDir: ws });
    await store.saveMask(fileRef(rel), pattern(2), { annotator: 'a', baseVersion: contentVersion(before) });
    expect((await store.history(fileRef(rel))).map((e) => e.kind)).toEqual(['save', 'original']);
  });

  it('rewrites one label of a multi-label map: takes voxels from others, reports them, leaves the rest byte-identical', async () => {
    const { root, ws } = await dataset();
    const rel = 'c1/label.nii.gz';
    const old = new Uint8Array(NVOX);
    for (let i = 0; i < NVOX; i++) old[i] = (i * 5 + 3) % 4; // values 0..3 everywhere
    const table = new Map([1, 2, 3].map((v) => [v, { name: `organ${v}`, rgb: [v, 2 * v, 3 * v] as [number, number, number] }]));
    await writeVolume(join(root, rel), LAS, old, { extensions: [labelTableExtension(table)] });
    const before = await rawBytes(join(root, rel));
    const off = voxOffset(before);
    expect(off).toBeGreaterThan(352); // the label table extension lies before the data

    // New mask of label 2 (file order): some voxels of every value.
    const mask = new Uint8Array(NVOX);
    for (let i = 0; i < NVOX; i++) mask[i] = i % 3 === 0 ? 1 : 0;
    const taken = new Map<number, number>();
    const expected = old.slice();
    for (let i = 0; i < NVOX; i++) {
      if (mask[i]) {
        if (old[i] !== 0 && old[i] !== 2) taken.set(old[i], (taken.get(old[i]) ?? 0) + 1);
        expected[i] = 2;
      } else if (old[i] === 2) expected[i] = 0;
    }
    expect(taken.get(1)).toBeGreaterThan(0);
    expect(taken.get(3)).toBeGreaterThan(0);

    const store = await LabelStore.open({ root, workspaceDir: ws });
    const ref: LabelFileRef = { caseId: 'c1', file: rel, labelPath: `${rel}#2`, label: { kind: 'multilabel', value: 2 } };
    const r = await store.saveMask(ref, lasToCanonical(mask), { annotator: 'a', baseVersion: (await store.readCurrent(rel)).version });
    expect(r.change.takenFrom).toEqual(taken);
    const after = await rawBytes(join(root, rel));
    expect(Buffer.from(after.subarray(0, off)).equals(Buffer.from(before.subarray(0, off)))).toBe(true);
    expect(Array.from(after.subarray(off))).toEqual(Array.from(expected));
    const h = await store.history(ref);
    expect(h[0]).toMatchObject({ kind: 'save', labelPath: `${rel}#2` });

    // Revert label 2 only: its voxels come back; labels 1 and 3 keep what they have now.
    const revertExpected = expected.slice();
    for (let i = 0; i < NVOX; i++) {
      if (old[i] === 2) revertExpected[i] = 2;
      else if (expected[i] === 2) revertExpected[i] = 0;
    }
    await store.revert(ref, h[1].version, 'b');
    const reverted = await rawBytes(join(root, rel));
    expect(Array.from(reverted.subarray(off))).toEqual(Array.from(revertExpected));
  });

  it('refuses a mask whose length is not the label\'s voxel count', async () => {
    const { root, ws } = await dataset();
    const rel = 'c1/segmentations/x.nii.gz';
    await writeVolume(join(root, rel), RAS, pattern(1));
    const store = await LabelStore.open({ root, workspaceDir: ws });
    const v = (await store.readCurrent(rel)).version;
    await expect(store.saveMask(fileRef(rel), new Uint8Array(NVOX - 1), { annotator: 'a', baseVersion: v })).rejects.toThrow(
      new RegExp(`${DIMS.join('x')} has ${NVOX}`),
    );
  });

  it('a read-only dataset is never written: corrections and history go to the workspace, reads prefer it', async () => {
    const { root, ws } = await dataset();
    const rel = 'c1/segmentations/liver.nii.gz';
    await writeVolume(join(root, rel), LAS, pattern(1));
    await writeVolume(join(root, 'c1', 'ct.nii.gz'), LAS, new Int16Array(NVOX));
    const listing = await treeListing(root);
    const hashes = await Promise.all([...listing.keys()].filter((p) => p.endsWith('.gz')).map(async (p) => sha(await readFile(join(root, p)))));

    const store = await LabelStore.open({ root, workspaceDir: ws, readOnly: true });
    expect(await store.savesToWorkspace(rel)).toBe(true);
    expect(store.resolvePath(rel)).toBe(join(root, rel));
    const wanted = pattern(9);
    const r = await store.saveMask(fileRef(rel), lasToCanonical(wanted), { annotator: 'a', baseVersion: (await store.readCurrent(rel)).version });
    expect(r).toMatchObject({ inWorkspace: true, savedTo: rel, changed: true });
    expect(store.resolvePath(rel)).toBe(join(ws, rel));
    expect(store.resolvePath('c1/ct.nii.gz')).toBe(join(root, 'c1', 'ct.nii.gz'));
    const raw = await rawBytes(join(ws, rel));
    expect(Array.from(raw.subarray(voxOffset(raw)))).toEqual(Array.from(wanted));
    expect(await readdir(join(ws, '.sentinel', 'history', 'c1', 'segmentations', 'liver.nii.gz'))).toHaveLength(3); // original + sidecar + current.json

    // The dataset is exactly as it was.
    expect(await treeListing(root)).toEqual(listing);
    const after = await Promise.all([...listing.keys()].filter((p) => p.endsWith('.gz')).map(async (p) => sha(await readFile(join(root, p)))));
    expect(after).toEqual(hashes);

    // A store opened later (another run) finds the correction and keeps saving there, even when writable.
    const again = await LabelStore.open({ root, workspaceDir: ws });
    expect(again.resolvePath(rel)).toBe(join(ws, rel));
    expect(await again.savesToWorkspace(rel)).toBe(true);
    expect((await again.history(fileRef(rel))).map((e) => e.kind)).toEqual(['save', 'original']);
  });

  it('detects a dataset it may not write (access W_OK) and links that lead outside it', async () => {
    const { root, ws } = await dataset();
    const rel = 'c1/segmentations/liver.nii.gz';
    await writeVolume(join(root, rel), RAS, pattern(1));
    // The fs layer's answer decides (root may write anywhere, so the real chmod check is below).
    const denied: StoreFs = { ...nodeStoreFs, canWrite: async () => false };
    expect(await (await LabelStore.open({ root, workspaceDir: ws, fs: denied })).savesToWorkspace(rel)).toBe(true);
    expect(await (await LabelStore.open({ root, workspaceDir: ws })).savesToWorkspace(rel)).toBe(false);

    // A case folder that is a link to somewhere else: saves go to the workspace, the link's target is untouched.
    const outside = join(tmp.dir, `outside${n}`);
    await writeVolume(join(outside, 'segmentations', 'spleen.nii.gz'), RAS, pattern(2));
    await symlink(outside, join(root, 'c2'), 'dir');
    const store = await LabelStore.open({ root, workspaceDir: ws });
    const linked = 'c2/segmentations/spleen.nii.gz';
    expect(await store.savesToWorkspace(linked)).toBe(true);
    const before = sha(await readFile(join(outside, 'segmentations', 'spleen.nii.gz')));
    const r = await store.saveMask(fileRef(linked, 'c2'), pattern(3), { annotator: 'a', baseVersion: (await store.readCurrent(linked)).version });
    expect(r.inWorkspace).toBe(true);
    expect(sha(await readFile(join(outside, 'segmentations', 'spleen.nii.gz')))).toBe(before);

    if (process.getuid?.() === 0) {
      console.log('skipping the chmod check of W_OK detection: running as root, which may write anywhere');
      return;
    }
    await chmod(join(root, 'c1', 'segmentations'), 0o555);
    try {
      expect(await (await LabelStore.open({ root, workspaceDir: ws })).savesToWorkspace(rel)).toBe(true);
    } finally {
      await chmod(join(root, 'c1', 'segmentations'), 0o755);
    }
  });

  it('refuses paths that leave the dataset', () => {
    for (const bad of ['../x.nii.gz', 'c1/../../x', '/etc/passwd', 'C:/x', 'c1\\x', 'c1//x', './x', '']) {
      expect(() => checkRelativePath(bad), bad).toThrow(SentinelError);
    }
    expect(checkRelativePath('c1/segmentations/liver.nii.gz')).toBe('c1/segmentations/liver.nii.gz');
  });
});
