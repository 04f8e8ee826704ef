/**
 * Cancelling mid-way leaves nothing behind; a case that fails is left out whole; writes never leave the chosen
 * folder: unsafe case IDs and names are refused before anything is written, links inside the folder are replaced
 * (never followed), and the hosts' allowed export folders are checked on real paths.
 */
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanDataset, type DatasetManifest } from '../../../src/core/dataset';
import {
  confineExportDir,
  ExportCancelled,
  ExportFolder,
  exportNnunet,
  exportScores,
  nnunetFolderName,
  realFolders,
} from '../../../src/core/export';
import { scratchDir, type Scratch } from '../engine/fixtures';
import { listTree } from './helpers';
import { checkNnunetRaw } from './nnunet-spec';
import { scoresFor, writeCase } from './tiny-dataset';

const CASES = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'];
let scratch: Scratch;
let root: string;
let manifest: DatasetManifest;

beforeAll(async () => {
  scratch = await scratchDir('export-cancel');
  root = join(scratch.dir, 'ds');
  for (const [i, c] of CASES.entries()) await writeCase(root, c, i + 1);
  manifest = await scanDataset(root);
});

afterAll(async () => {
  await scratch?.cleanup();
});

const input = (m: DatasetManifest = manifest) => ({ manifest: m, resolvePath: (rel: string) => join(root, rel), scores: scoresFor(CASES) });

describe('cancel', () => {
  it('stops mid-way and leaves the chosen folder as it was', async () => {
    const folder = await ExportFolder.open(join(scratch.dir, 'out-cancel'), { create: true });
    await writeFile(join(folder.dir, 'keep.txt'), 'mine');
    const abort = new AbortController();
    const seen: number[] = [];
    const run = exportNnunet(folder, input(), { datasetId: 700, datasetName: 'Cancel' }, {
      signal: abort.signal,
      onProgress: (done) => {
        seen.push(done);
        if (done === 2) abort.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(ExportCancelled);
    expect(seen).toEqual([0, 1, 2]);
    expect(await listTree(folder.dir)).toEqual(['keep.txt']);
  });

  it('writes nothing when cancelled before it starts, for tables too', async () => {
    const folder = await ExportFolder.open(join(scratch.dir, 'out-cancel2'), { create: true });
    const abort = new AbortController();
    abort.abort();
    await expect(exportNnunet(folder, input(), { datasetId: 701, datasetName: 'Early' }, { signal: abort.signal })).rejects.toBeInstanceOf(ExportCancelled);
    await expect(exportScores(folder, scoresFor(CASES), 'json', {}, { signal: abort.signal })).rejects.toBeInstanceOf(ExportCancelled);
    expect(await readdir(folder.dir)).toEqual([]);
  });

  it('leaves out a case that cannot be written, whole, and says why', async () => {
    const bad = join(scratch.dir, 'ds-bad');
    await writeCase(bad, 'good', 1);
    await writeCase(bad, 'broken', 2);
    const m = await scanDataset(bad);
    // The CT breaks after the scan (a disk error, a file replaced while the export runs).
    await writeFile(join(bad, 'broken', 'ct.nii.gz'), (await readFile(join(bad, 'broken', 'ct.nii.gz'))).subarray(0, 40));
    const folder = await ExportFolder.open(join(scratch.dir, 'out-bad'), { create: true });
    const r = await exportNnunet(folder, { manifest: m, resolvePath: (rel) => join(bad, rel), scores: scoresFor(['good', 'broken']) }, { datasetId: 702, datasetName: 'Bad' });
    expect(r.included).toEqual(['good']);
    expect(r.excluded.map((e) => e.caseId)).toEqual(['broken']);
    expect(r.excluded[0].reasons[0]).toMatch(/^could not be written: <dataset>\/broken\/ct\.nii\.gz: /);
    expect((await checkNnunetRaw(r.folder)).problems).toEqual([]);
    expect(await listTree(join(r.folder, 'labelsTr'))).toEqual(['good.nii.gz']);
  });
});

describe('confinement', () => {
  it('refuses a case ID that could leave the folder before writing anything', async () => {
    const before = await listTree(scratch.dir);
    const evil: DatasetManifest = { ...manifest, cases: manifest.cases.map((c, i) => (i === 0 ? { ...c, id: '../evil' } : c)) };
    const scores = scoresFor(CASES).map((s) => (s.caseId === 'c1' ? { ...s, caseId: '../evil' } : s));
    const folder = await ExportFolder.open(join(scratch.dir, 'out-evil'), { create: true });
    await expect(exportNnunet(folder, { ...input(evil), scores }, { datasetId: 703, datasetName: 'Evil' })).rejects.toThrow(/case ID "..\/evil" contains a path separator/);
    expect(await listTree(scratch.dir)).toEqual([...before, 'out-evil'].sort());
    for (const id of ['..', '.hidden', 'a\\b', 'c:d', 'x\u0000y']) {
      const m: DatasetManifest = { ...manifest, cases: [{ ...manifest.cases[0], id }] };
      await expect(exportNnunet(folder, { ...input(m), scores: scoresFor(CASES).map((s) => ({ ...s, caseId: id })) }, { datasetId: 703, datasetName: 'Evil' })).rejects.toThrow(/case ID/);
    }
    expect(await readdir(folder.dir)).toEqual([]);
  });

  it('refuses dataset names and IDs nnU-Net does not take (and that could leave the folder)', () => {
    expect(nnunetFolderName(7, 'Liver_v2')).toBe('Dataset007_Liver_v2');
    for (const name of ['../x', 'a/b', '', 'x y']) expect(() => nnunetFolderName(501, name)).toThrow(/dataset name/);
    for (const id of [0, 1000, 1.5]) expect(() => nnunetFolderName(id, 'X')).toThrow(/dataset ID/);
  });

  it('keeps staged paths inside the staging folder', async () => {
    const folder = await ExportFolder.open(join(scratch.dir, 'out-stage'), { create: true });
    const staging = await folder.stage();
    for (const rel of ['../x', 'a/../../x', '/etc/x', 'a\\..\\x']) {
      await expect(staging.writeFile(rel, 'x')).rejects.toThrow(/path|segment|absolute|backslash/);
    }
    await staging.discard();
    expect(await readdir(folder.dir)).toEqual([]);
  });

  it('replaces a link where the export goes (only with force), never writing through it', async () => {
    const outside = join(scratch.dir, 'outside');
    await mkdir(outside, { recursive: true });
    await writeFile(join(outside, 'precious.txt'), 'do not touch');
    const folder = await ExportFolder.open(join(scratch.dir, 'out-link'), { create: true });
    await symlink(outside, join(folder.dir, 'Dataset704_Link'));
    await symlink(join(outside, 'precious.txt'), join(folder.dir, 'scores.json'));
    await expect(exportNnunet(folder, input(), { datasetId: 704, datasetName: 'Link' })).rejects.toThrow(/exists already/);
    await expect(exportScores(folder, scoresFor(CASES), 'json')).rejects.toThrow(/exists already/);
    await exportNnunet(folder, input(), { datasetId: 704, datasetName: 'Link', force: true });
    await exportScores(folder, scoresFor(CASES), 'json', { force: true });
    expect(await listTree(outside)).toEqual(['precious.txt']);
    expect(await readFile(join(outside, 'precious.txt'), 'utf8')).toBe('do not touch');
    expect((await checkNnunetRaw(join(folder.dir, 'Dataset704_Link'))).problems).toEqual([]);
    expect(JSON.parse(await readFile(join(folder.dir, 'scores.json'), 'utf8')).labels).toHaveLength(2 * CASES.length);
  });

  it('lets hosts confine exports to allowed folders by real path', async () => {
    const allowedDir = join(scratch.dir, 'allowed');
    const elsewhere = join(scratch.dir, 'elsewhere');
    await mkdir(join(allowedDir, 'sub'), { recursive: true });
    await mkdir(elsewhere, { recursive: true });
    await symlink(elsewhere, join(allowedDir, 'escape'));
    const allowed = await realFolders([allowedDir]);
    await expect(confineExportDir(join(allowedDir, 'sub'), allowed)).resolves.toBe(join(allowed[0], 'sub'));
    await expect(confineExportDir(allowedDir, allowed)).resolves.toBe(allowed[0]);
    await expect(confineExportDir(join(allowedDir, 'escape'), allowed)).rejects.toThrow(/outside the folders exports may be written to/);
    await expect(confineExportDir(join(allowedDir, '..', 'elsewhere'), allowed)).rejects.toThrow(/outside/);
    await expect(confineExportDir(join(allowedDir, 'missing'), allowed)).rejects.toThrow(/no such folder/);
    await expect(confineExportDir(allowedDir, [])).rejects.toThrow(/allows no export folder/);
  });
});
