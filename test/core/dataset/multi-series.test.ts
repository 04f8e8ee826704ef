/**
 * A case whose ct/ folder holds two DICOM image series (the ct-multi fixture: series a, 3 slices; series b, 2 slices
 * "second series"): the scan's error lists them and says how to pick one; a `ct/.series` file naming a Series
 * Instance UID picks it for the scan and every later read (voxels checked against pydicom's, reference.json).
 */
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanDataset, type DatasetManifest } from '../../../src/core/dataset';
import { readVolumeFile, readVolumeInfo } from '../../../src/core/formats';
import { fixture, REF, weightedChecksum } from '../formats/helpers';

let tmp = '';
let root = '';
let ctDir = '';

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'sentinel-multi-series-'));
  root = join(tmp, 'dataset');
  ctDir = join(root, 'multi', 'ct');
  await cp(fixture('dicom/ct-multi'), ctDir, { recursive: true });
  await mkdir(join(root, 'multi', 'segmentations'), { recursive: true });
});

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const ctIssue = (m: DatasetManifest): string | undefined => m.issues.find((i) => i.path === 'multi/ct' && i.severity === 'error')?.message;

describe('a ct/ folder with several DICOM series', () => {
  it('is an error that lists the series and says how to choose one', async () => {
    const m = await scanDataset(root);
    const message = ctIssue(m) ?? '';
    expect(message).toMatch(/^multi\/ct: the folder holds 2 image series/);
    expect(message).toContain(`${REF.multi_series.a} (3 slices)`);
    expect(message).toContain(`${REF.multi_series.b} (2 slices, "second series")`);
    expect(message).toMatch(/write its Series Instance UID into a file named \.series in this folder, or move the other series' files out of it/);
    expect(m.cases[0].ct.grid).toBeUndefined();
  });

  it('reads the series a ct/.series file names, in the scan and in every read of the folder', async () => {
    await writeFile(join(ctDir, '.series'), `# the 3-slice series\n${REF.multi_series.a}\n`);
    const m = await scanDataset(root);
    expect(ctIssue(m)).toBeUndefined();
    expect(m.cases[0].ct.grid?.dims).toEqual(REF.series.multi_a.dims);
    m.cases[0].ct.grid?.affine.forEach((v, i) => expect(v).toBeCloseTo(REF.series.multi_a.affine[i], 4));
    expect(m.issues.some((i) => i.path === 'multi/ct' && /2 image series \(\.series picks /.test(i.message))).toBe(true);
    const file = await readVolumeFile(ctDir);
    expect(file.seriesUid).toBe(REF.multi_series.a);
    expect(weightedChecksum(file.volume.data)).toBe(REF.series.multi_a.checksum);

    await writeFile(join(ctDir, '.series'), `${REF.multi_series.b}\n`);
    const info = await readVolumeInfo(ctDir);
    expect(info.seriesUid).toBe(REF.multi_series.b);
    expect(info.grid.dims).toEqual([...REF.series.multi_a.dims.slice(0, 2), 2]);
  });

  it('names the .series file when it holds no UID or one the folder does not have', async () => {
    await writeFile(join(ctDir, '.series'), '1.2.3.4\n');
    expect(ctIssue(await scanDataset(root))).toMatch(/\.series names 1\.2\.3\.4, but there is no such image series in this folder/);
    await writeFile(join(ctDir, '.series'), 'the first one\n');
    expect(ctIssue(await scanDataset(root))).toMatch(/^multi\/ct: \.series should hold one Series Instance UID \(digits and dots, at most 64 characters\), not "the first one"/);
    await rm(join(ctDir, '.series'));
  });
});
