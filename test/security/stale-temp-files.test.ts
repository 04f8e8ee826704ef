/**
 * Temporary files that killed saves leave behind are cleaned up, and nothing else is: before a save of a label, its
 * stale temporary files (exactly the store's name pattern for that label, unchanged for an hour) go from beside it,
 * from its history folder and from its lock's folder; when a project is opened, those in its workspace go. A fresh
 * temporary file (another process's save under way) and user files with similar names stay.
 */
import { mkdir, readdir, utimes, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabelStore, lockPath, STALE_TEMP_AGE_MS, type LabelFileRef } from '../../src/core/store';
import { scratchDir, type Scratch } from '../core/engine/fixtures';
import { pattern, RAS, writeVolume } from '../core/store/helpers';

const REL = 'c1/segmentations/liver.nii.gz';
const ref: LabelFileRef = { caseId: 'c1', file: REL, labelPath: REL, label: { kind: 'file' } };
const HEX = '0123456789ab';
const OLD = STALE_TEMP_AGE_MS + 10 * 60_000;

async function put(path: string, ageMs: number, dir = false): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  if (dir) await mkdir(path);
  else await writeFile(path, 'partial bytes of a killed save');
  const t = (Date.now() - ageMs) / 1000;
  await utimes(path, t, t);
}

const names = async (dir: string): Promise<string[]> => (await readdir(dir)).sort();

describe('stale temporary files', () => {
  let tmp: Scratch;
  beforeAll(async () => {
    tmp = await scratchDir('stale-temps');
  });
  afterAll(async () => {
    await tmp?.cleanup();
  });

  it('a save removes its own stale temporary files, keeps fresh ones and every look-alike', async () => {
    const root = join(tmp.dir, 'ds');
    const segs = join(root, 'c1', 'segmentations');
    await writeVolume(join(root, REL), RAS, pattern(1));
    await writeVolume(join(segs, 'spleen.nii.gz'), RAS, pattern(2));
    const store = await LabelStore.open({ root, workspaceDir: join(tmp.dir, 'ws') });
    // A first save makes the history folder; its entries are what the look-alikes there must not be mistaken for.
    await store.saveMask(ref, pattern(3), { annotator: 'a', baseVersion: (await store.readCurrent(REL)).version });
    const hist = join(root, '.sentinel', 'history', 'c1', 'segmentations', 'liver.nii.gz');
    const locks = dirname(lockPath(root, REL));
    const lockName = basename(lockPath(root, REL));
    const stale = [
      join(segs, `.liver.nii.gz.${HEX}.sentinel-tmp`),
      join(segs, `.liver.nii.gz.fedcba987654.sentinel-tmp`),
      join(hist, `.current.json.${HEX}.sentinel-tmp`),
      join(hist, `.20250101T000000000Z.nii.gz.${HEX}.sentinel-tmp`),
      join(hist, `.20250101T000000000Z.json.${HEX}.sentinel-tmp`),
      join(locks, `.${lockName}.${HEX}.sentinel-tmp`),
    ];
    const keep: [string, number, boolean?][] = [
      // A save under way in another process.
      [join(segs, `.liver.nii.gz.aaaaaaaaaaaa.sentinel-tmp`), 0],
      [join(hist, `.current.json.aaaaaaaaaaaa.sentinel-tmp`), 0],
      // Look-alikes, all old.
      [join(segs, `.liver.nii.gz.0123456789AB.sentinel-tmp`), OLD],
      [join(segs, `.liver.nii.gz.0123456789a.sentinel-tmp`), OLD],
      [join(segs, `.liver.nii.gz.0123456789abc.sentinel-tmp`), OLD],
      [join(segs, `liver.nii.gz.${HEX}.sentinel-tmp`), OLD],
      [join(segs, `.liver.nii.gz.${HEX}.sentinel-tmp.bak`), OLD],
      [join(segs, `.liver.nii.gz.${HEX}.sentinel-TMP`), OLD],
      [join(segs, `.liver.nii.gz ${HEX}.sentinel-tmp`), OLD],
      [join(segs, `.liver.nii.${HEX}.sentinel-tmp`), OLD],
      [join(segs, `.xliver.nii.gz.${HEX}.sentinel-tmp`), OLD],
      [join(segs, `notes.sentinel-tmp`), OLD],
      // Another label's temporary file: its own save clears it.
      [join(segs, `.spleen.nii.gz.${HEX}.sentinel-tmp`), OLD],
      // A folder with the very name of a temporary file.
      [join(segs, `.liver.nii.gz.bbbbbbbbbbbb.sentinel-tmp`), OLD, true],
      // In the history folder, a name that is no history file.
      [join(hist, `.notes.txt.${HEX}.sentinel-tmp`), OLD],
      [join(hist, `.2025.json.${HEX}.sentinel-tmp`), OLD],
      // Another file's lock.
      [join(locks, `.0000000000000000.lock.${HEX}.sentinel-tmp`), OLD],
    ];
    for (const p of stale) await put(p, OLD);
    for (const [p, age, dir] of keep) await put(p, age, dir);
    const before = { segs: await names(segs), hist: await names(hist), locks: await names(locks) };

    const cur = await store.readCurrent(REL);
    const r = await store.saveMask(ref, pattern(4), { annotator: 'a', baseVersion: cur.version });
    expect(r.changed).toBe(true);

    const gone = new Set(stale.map((p) => basename(p)));
    // Beside the label: only the stale ones went (the label itself was replaced, same name).
    expect(await names(segs)).toEqual(before.segs.filter((n) => !gone.has(n)));
    // The history gained this save's entry (two files); nothing of the kept ones went.
    const histAfter = await names(hist);
    expect(histAfter.filter((n) => !before.hist.includes(n))).toHaveLength(2);
    expect(before.hist.filter((n) => !histAfter.includes(n))).toEqual(stale.filter((p) => dirname(p) === hist).map((p) => basename(p)).sort());
    expect(await names(locks)).toEqual(before.locks.filter((n) => !gone.has(n)));
    for (const [p] of keep) expect((await readdir(dirname(p))).includes(basename(p)), `${p} was removed`).toBe(true);
    for (const p of stale) expect((await readdir(dirname(p))).includes(basename(p)), `${p} was kept`).toBe(false);

    // The fresh file of the other save is left alone however often this label is saved.
    const again = await store.saveMask(ref, pattern(1), { annotator: 'a', baseVersion: r.version });
    expect(again.changed).toBe(true);
    expect(await names(segs)).toContain(`.liver.nii.gz.aaaaaaaaaaaa.sentinel-tmp`);
  });

  it('opening a project removes stale temporary files in its workspace, keeps fresh ones and look-alikes', async () => {
    const root = join(tmp.dir, 'ds-ws');
    const ws = join(tmp.dir, 'ws-open');
    await writeVolume(join(root, REL), RAS, pattern(1));
    // A corrected copy in the workspace, as a read-only dataset's save leaves it.
    const store = await LabelStore.open({ root, workspaceDir: ws, readOnly: true });
    await store.saveMask(ref, pattern(2), { annotator: 'a', baseVersion: (await store.readCurrent(REL)).version });
    const segs = join(ws, 'c1', 'segmentations');
    await put(join(segs, `.liver.nii.gz.${HEX}.sentinel-tmp`), OLD);
    await put(join(ws, `.workspace.json.${HEX}.sentinel-tmp`), OLD);
    await put(join(segs, `.liver.nii.gz.aaaaaaaaaaaa.sentinel-tmp`), 0);
    await put(join(segs, `.liver.nii.gz.ABCDEF012345.sentinel-tmp`), OLD);
    await put(join(segs, `liver-notes.txt`), OLD);
    await LabelStore.open({ root, workspaceDir: ws });
    expect(await names(segs)).toEqual(['.liver.nii.gz.ABCDEF012345.sentinel-tmp', '.liver.nii.gz.aaaaaaaaaaaa.sentinel-tmp', 'liver-notes.txt', 'liver.nii.gz']);
    expect((await names(ws)).filter((n) => n.endsWith('.sentinel-tmp'))).toEqual([]);
  });
});
