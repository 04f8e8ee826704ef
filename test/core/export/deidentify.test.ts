/**
 * De-identification, links and label maps on a tiny dataset whose CT headers hold a patient's name and an MRN:
 * written CTs lose descrip, aux_file, intent_name, db_name and extensions unless identifiers are asked for, with
 * voxel bytes unchanged; a CT with identifiers is never linked unless asked; clean CTs are linked when asked.
 * Label maps follow the overlap rule (first organ in label order keeps a voxel) and masks in another voxel order.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanDataset } from '../../../src/core/dataset';
import { ExportFolder, exportNnunet, exportScores } from '../../../src/core/export';
import { encodeNifti, readNifti, readNiftiHeader } from '../../../src/core/nifti';
import { parseScoresCsv } from '../../../src/shared/scores-csv';
import { scratchDir, type Scratch } from '../engine/fixtures';
import { checkNnunetRaw } from './nnunet-spec';
import { ctBytes, GRID, maskVoxels, MRN, N, PATIENT, scoresFor, writeCase } from './tiny-dataset';

let scratch: Scratch;
let root: string;

beforeAll(async () => {
  scratch = await scratchDir('export-deid');
  root = join(scratch.dir, 'ds');
  await writeCase(root, 'withids', 1, { identifiers: true });
  await writeCase(root, 'clean', 2);
});

afterAll(async () => {
  await scratch?.cleanup();
});

const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
const raw = async (p: string): Promise<Uint8Array> => {
  const b = await readFile(p);
  return new Uint8Array(b[0] === 0x1f && b[1] === 0x8b ? gunzipSync(b) : b);
};

async function run(name: string, opts: { link?: boolean; includeIdentifiers?: boolean } = {}, cases = ['withids', 'clean']) {
  const manifest = await scanDataset(root);
  const folder = await ExportFolder.open(join(scratch.dir, name), { create: true });
  const r = await exportNnunet(folder, { manifest, resolvePath: (rel) => join(root, rel), scores: scoresFor(cases) }, { threshold: 0.9, datasetId: 600, datasetName: name, ...opts });
  expect((await checkNnunetRaw(r.folder)).problems).toEqual([]);
  return r;
}

describe('de-identification of exported CTs', () => {
  it('removes descrip, aux_file, intent_name, db_name and extensions; keeps voxels, datatype and geometry', async () => {
    const source = await raw(join(root, 'withids', 'ct.nii.gz'));
    expect(text(source)).toContain(PATIENT); // the fixture does hold identifiers
    expect(text(source)).toContain(MRN);
    const r = await run('deid');
    expect(r.images).toEqual({ copied: 1, 'hard-linked': 0, symlinked: 0, rewritten: 1 });
    for (const file of [join(r.folder, 'imagesTr', 'withids_0000.nii.gz'), join(r.folder, 'labelsTr', 'withids.nii.gz')]) {
      const bytes = await raw(file);
      expect(text(bytes)).not.toContain('Doe');
      expect(text(bytes)).not.toContain(MRN);
      const h = await readNiftiHeader(file);
      expect([h.header.descrip, h.header.auxFile, h.header.intentName, h.extensions.length]).toEqual(['', '', '', 0]);
      expect(bytes.subarray(4, 32).every((b) => b === 0)).toBe(true); // data_type, db_name
    }
    const out = await readNifti(join(r.folder, 'imagesTr', 'withids_0000.nii.gz'));
    const src = await readNifti(join(root, 'withids', 'ct.nii.gz'));
    expect(out.header.datatype).toBe(src.header.datatype);
    expect(Array.from(out.volume.data)).toEqual(Array.from(src.volume.data));
    expect(out.volume.grid).toEqual(src.volume.grid);
    // The clean CT was copied byte for byte.
    expect(Buffer.from(await readFile(join(r.folder, 'imagesTr', 'clean_0000.nii.gz'))).equals(await readFile(join(root, 'clean', 'ct.nii.gz')))).toBe(true);
  });

  it('keeps the file as it is when identifiers are asked for', async () => {
    const r = await run('keep', { includeIdentifiers: true });
    expect(r.images.copied).toBe(2);
    const h = await readNiftiHeader(join(r.folder, 'imagesTr', 'withids_0000.nii.gz'));
    expect(h.header.descrip).toContain(PATIENT);
    expect(Buffer.from(await readFile(join(r.folder, 'imagesTr', 'withids_0000.nii.gz'))).equals(await readFile(join(root, 'withids', 'ct.nii.gz')))).toBe(true);
  });

  it('links only CTs without identifiers, unless identifiers are asked for', async () => {
    const r = await run('link', { link: true });
    expect(r.images).toEqual({ copied: 0, 'hard-linked': 1, symlinked: 0, rewritten: 1 });
    expect(r.notes.join('\n')).toMatch(/withids: the CT was written anew instead of linked \(its header holds descrip, aux_file, intent_name, db_name, extensions\)/);
    const clean = await stat(join(root, 'clean', 'ct.nii.gz'));
    expect((await stat(join(r.folder, 'imagesTr', 'clean_0000.nii.gz'))).ino).toBe(clean.ino);
    expect((await stat(join(r.folder, 'imagesTr', 'withids_0000.nii.gz'))).ino).not.toBe((await stat(join(root, 'withids', 'ct.nii.gz'))).ino);
    expect(text(await raw(join(r.folder, 'imagesTr', 'withids_0000.nii.gz')))).not.toContain('Doe');

    const kept = await run('link-keep', { link: true, includeIdentifiers: true });
    expect(kept.images['hard-linked']).toBe(2);
  });

  it('rewrites NIfTI-2 and uncompressed CTs as .nii.gz without identifiers', async () => {
    const other = join(scratch.dir, 'ds2');
    await writeCase(other, 'v2', 3, { identifiers: true, version: 2 });
    await writeCase(other, 'plain', 4, { gzip: false });
    const manifest = await scanDataset(other);
    const folder = await ExportFolder.open(join(scratch.dir, 'v2out'), { create: true });
    const r = await exportNnunet(folder, { manifest, resolvePath: (rel) => join(other, rel), scores: scoresFor(['v2', 'plain']) }, { datasetId: 601, datasetName: 'Other', link: true });
    expect(r.images.rewritten).toBe(2);
    expect((await checkNnunetRaw(r.folder)).problems).toEqual([]);
    const v2 = await readNifti(join(r.folder, 'imagesTr', 'v2_0000.nii.gz'));
    expect([v2.header.version, v2.header.descrip, v2.extensions.length]).toEqual([2, '', 0]);
    expect(text(await raw(join(r.folder, 'imagesTr', 'v2_0000.nii.gz')))).not.toContain('Doe');
    const plain = await readFile(join(r.folder, 'imagesTr', 'plain_0000.nii.gz'));
    expect([plain[0], plain[1]]).toEqual([0x1f, 0x8b]);
  });

  it('takes the dataset path out of score messages unless identifiers are asked for', async () => {
    const scores = scoresFor(['clean']).map((s, i) => (i === 0 ? { ...s, status: 'error' as const, predictedDsc: null, message: `${join(root, 'clean', 'ct.nii.gz')}: truncated` } : s));
    const folder = await ExportFolder.open(join(scratch.dir, 'scores'), { create: true });
    const [csv] = await exportScores(folder, scores, 'csv', { root });
    const back = parseScoresCsv(await readFile(csv, 'utf8'));
    expect(back[0].message).toBe('<dataset>/clean/ct.nii.gz: truncated');
    expect(back).toHaveLength(2);
    const kept = await ExportFolder.open(join(scratch.dir, 'scores-kept'), { create: true });
    const [csv2] = await exportScores(kept, scores, 'csv', { root, includeIdentifiers: true });
    expect(parseScoresCsv(await readFile(csv2, 'utf8'))[0].message).toContain(root);
  });
});

describe('label maps', () => {
  it('gives a voxel claimed by two organs to the first in label order and counts the rest', async () => {
    const r = await run('overlap', {}, ['clean']);
    const map = (await readNifti(join(r.folder, 'labelsTr', 'clean.nii.gz'))).volume.data;
    const liver = maskVoxels(2);
    const spleen = maskVoxels(4);
    let both = 0;
    for (let i = 0; i < N; i++) {
      const want = liver[i] ? 1 : spleen[i] ? 2 : 0;
      expect(map[i]).toBe(want);
      if (liver[i] && spleen[i]) both++;
    }
    expect(both).toBeGreaterThan(0);
    const rows = (await readFile(join(r.folder, 'included.csv'), 'utf8')).trim().split('\n');
    expect(rows[2].split(',').slice(-1)[0]).toBe(String(both)); // spleen's overlapped voxels
    expect(r.organs).toEqual(['liver', 'spleen']);
    // excluded.csv names the case left out: it has no scores here.
    expect(await readFile(join(r.folder, 'excluded.csv'), 'utf8')).toContain('withids,liver: not scored; spleen: not scored');
  });

  it('puts a mask stored in another voxel order on the CT file order', async () => {
    const other = join(scratch.dir, 'ds3');
    await writeCase(other, 'ras', 5);
    // The liver again, stored RAS (voxel i reversed, the affine's x axis flipped): the same voxels in the world.
    const las = maskVoxels(5);
    const ras = new Uint8Array(N);
    const [nx, ny, nz] = GRID.dims;
    for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) ras[i + nx * (j + ny * k)] = las[nx - 1 - i + nx * (j + ny * k)];
    const rasGrid = { ...GRID, affine: [2, 0, 0, 10 - 2 * (nx - 1), 0, 1.5, 0, -3, 0, 0, 2.5, 7, 0, 0, 0, 1] };
    await writeFile(join(other, 'ras', 'segmentations', 'liver.nii.gz'), await encodeNifti({ volume: { grid: rasGrid, data: ras } }, { gzip: true }));
    const manifest = await scanDataset(other);
    const folder = await ExportFolder.open(join(scratch.dir, 'rasout'), { create: true });
    const r = await exportNnunet(folder, { manifest, resolvePath: (rel) => join(other, rel), scores: scoresFor(['ras']) }, { datasetId: 602, datasetName: 'Ras', organs: ['liver'] });
    const map = (await readNifti(join(r.folder, 'labelsTr', 'ras.nii.gz'))).volume.data;
    expect(Array.from(map)).toEqual(Array.from(las));
    expect(r.notes).toEqual([]);
  });
});

describe('checks before anything is written', () => {
  it('sees identifiers the fixture put in raw header bytes', async () => {
    const b = await ctBytes(9, { identifiers: true, gzip: false });
    expect(text(b.subarray(14, 32))).toContain(MRN);
  });
});
