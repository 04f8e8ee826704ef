/**
 * The nnU-Net export of the bundled sample (real masks, scores of the real default model through the scoring
 * pipeline), checked against nnU-Net v2's dataset format by an independent validator (nnunet-spec.ts), against
 * nibabel's voxel counts of the source masks (tools/golden/export_reference.py), and voxel for voxel against the
 * masks as the project's reader reads them. Which cases go in is checked against the rule computed here from the
 * scores, with a threshold chosen between the two cases so that one goes in and one stays out.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetManifest } from '../../../src/core/dataset';
import { ExportFolder, exportNnunet, type NnunetExportResult } from '../../../src/core/export';
import { readNifti } from '../../../src/core/nifti';
import { LabelStore } from '../../../src/core/store';
import { parseCsv } from '../../../src/shared/csv-text';
import type { LabelScore } from '../../../src/shared/scores';
import { scratchDir, treeListing, type Scratch } from '../engine/fixtures';
import { listTree, SAMPLE, scoreSample } from './helpers';
import { checkNnunetRaw } from './nnunet-spec';

interface Reference {
  [caseId: string]: { shape: number[]; affine: number[][]; organs: Record<string, number> };
}

let scratch: Scratch;
let manifest: DatasetManifest;
let scores: LabelScore[];
let store: LabelStore;
let before: Map<string, string>;
const reference = JSON.parse(await readFile(new URL('../../fixtures/export/sample-masks.json', import.meta.url), 'utf8')) as Reference;

beforeAll(async () => {
  scratch = await scratchDir('export-nnunet');
  before = await treeListing(SAMPLE);
  ({ manifest, scores } = await scoreSample());
  store = await LabelStore.open({ root: SAMPLE, workspaceDir: join(scratch.dir, 'workspace'), readOnly: true });
}, 180_000);

afterAll(async () => {
  await scratch?.cleanup();
});

const input = () => ({ manifest, resolvePath: (rel: string) => store.resolvePath(rel), scores });

describe('nnU-Net export of the sample', () => {
  let result: NnunetExportResult;
  const progress: [number, number, string][] = [];

  it('writes a valid nnU-Net v2 raw dataset of every organ present in both cases (threshold 0)', async () => {
    const folder = await ExportFolder.open(join(scratch.dir, 'all'), { create: true });
    result = await exportNnunet(folder, input(), { threshold: 0, datasetId: 501, datasetName: 'Sample' }, { onProgress: (d, t, s) => progress.push([d, t, s]) });
    expect(result.folder).toBe(join(folder.dir, 'Dataset501_Sample'));
    const check = await checkNnunetRaw(result.folder);
    expect(check.problems).toEqual([]);
    // Organs present in both cases, by name: from the reference (nibabel), not from the exporter.
    const common = Object.keys(reference.s0001.organs).filter((o) => o in reference.s0001_fast.organs).sort();
    expect(result.organs).toEqual(common);
    expect(check.labels).toEqual(Object.fromEntries([['background', 0], ...common.map((o, i) => [o, i + 1])]));
    expect(check.cases).toEqual(['s0001', 's0001_fast']);
    for (const c of check.cases) expect([...(check.found.get(c) ?? [])].sort((a, b) => a - b)).toEqual([0, ...common.map((_, i) => i + 1)]);
    // Only the export folder was written: nothing else in the chosen folder, nothing in the dataset.
    expect(await readdir(folder.dir)).toEqual(['Dataset501_Sample']);
    expect(await treeListing(SAMPLE)).toEqual(before);
    expect(progress.at(0)).toEqual([0, 2, 'writing']);
    expect(progress.at(-1)).toEqual([2, 2, 'finishing']);
  });

  it('gives each organ exactly its mask voxels (nibabel counts; voxel for voxel with the project reader)', async () => {
    for (const c of ['s0001', 's0001_fast']) {
      const map = await readNifti(join(result.folder, 'labelsTr', `${c}.nii.gz`));
      expect(map.header.datatype).toBe(2); // uint8
      expect(Array.from(map.volume.grid.dims)).toEqual(reference[c].shape);
      const ct = await readNifti(join(result.folder, 'imagesTr', `${c}_0000.nii.gz`));
      const source = await readNifti(join(SAMPLE, c, 'ct.nii.gz'));
      expect(Buffer.from(ct.volume.data.buffer).equals(Buffer.from(source.volume.data.buffer))).toBe(true);
      for (const [i, organ] of result.organs.entries()) {
        const mask = (await readNifti(join(SAMPLE, c, 'segmentations', `${organ}.nii.gz`))).volume.data;
        let count = 0;
        let differ = 0;
        for (let j = 0; j < mask.length; j++) {
          const inMap = map.volume.data[j] === i + 1;
          if (inMap) count++;
          if (inMap !== mask[j] > 0) differ++;
        }
        expect(count, `${c} ${organ}`).toBe(reference[c].organs[organ]);
        expect(differ, `${c} ${organ}`).toBe(0);
      }
    }
  });

  it('lists every exported label in included.csv and writes no identifier into the copied CTs', async () => {
    const rows = parseCsv(await readFile(join(result.folder, 'included.csv'), 'utf8'));
    expect(rows[0]).toEqual(['case', 'organ', 'value', 'label_path', 'predicted_dsc', 'voxels', 'overlapped_voxels']);
    expect(rows.length - 1).toBe(2 * result.organs.length);
    expect(rows.slice(1).every((r) => r[6] === '0')).toBe(true); // TotalSegmentator's masks do not overlap
    expect(result.images).toEqual({ copied: 2, 'hard-linked': 0, symlinked: 0, rewritten: 0 });
    const ds = JSON.parse(await readFile(join(result.folder, 'dataset.json'), 'utf8')) as { provenance: { models: string[] } };
    expect(ds.provenance.models).toEqual([...new Set(scores.map((s) => s.model))]);
  });

  it('includes a case only when every chosen organ is scored ok at or above the threshold; excluded.csv says why', async () => {
    const organs = ['liver', 'stomach', 'colon', 'kidney_left', 'vertebrae_L1', 'spleen'];
    const dsc = (c: string, o: string): number => {
      const s = scores.find((x) => x.caseId === c && x.organ === o);
      if (!s || s.status !== 'ok' || s.predictedDsc === null) throw new Error(`${c} ${o} not scored ok`);
      return s.predictedDsc;
    };
    const lowest = (c: string): number => Math.min(...organs.map((o) => dsc(c, o)));
    const [a, b] = [lowest('s0001'), lowest('s0001_fast')];
    expect(a).not.toBe(b);
    const threshold = (a + b) / 2;
    const inCase = a > b ? 's0001' : 's0001_fast';
    const outCase = a > b ? 's0001_fast' : 's0001';
    const folder = await ExportFolder.open(join(scratch.dir, 'some'), { create: true });
    const r = await exportNnunet(folder, input(), { threshold, organs, datasetId: 502, datasetName: 'Some' });
    expect(r.included).toEqual([inCase]);
    expect(r.organs).toEqual(organs);
    expect((await checkNnunetRaw(r.folder)).problems).toEqual([]);
    const excluded = parseCsv(await readFile(join(r.folder, 'excluded.csv'), 'utf8'));
    expect(excluded[0]).toEqual(['case', 'reasons']);
    expect(excluded.slice(1).map((row) => row[0])).toEqual([outCase]);
    const below = organs.filter((o) => dsc(outCase, o) < threshold);
    expect(below.length).toBeGreaterThan(0);
    for (const o of below) expect(excluded[1][1]).toContain(`${o}: predicted DSC`);
    expect(await listTree(join(r.folder, 'imagesTr'))).toEqual([`${inCase}_0000.nii.gz`]);
  });

  it('refuses to replace an existing dataset folder unless forced, and then replaces it whole', async () => {
    const folder = await ExportFolder.open(join(scratch.dir, 'all'));
    await expect(exportNnunet(folder, input(), { threshold: 0, datasetId: 501, datasetName: 'Sample' })).rejects.toThrow(/exists already/);
    const r = await exportNnunet(folder, input(), { threshold: 0, organs: ['liver'], datasetId: 501, datasetName: 'Sample', force: true });
    expect((await checkNnunetRaw(r.folder)).labels).toEqual({ background: 0, liver: 1 });
    expect(await readdir(folder.dir)).toEqual(['Dataset501_Sample']);
  });

  it('refuses a threshold no case passes, writing nothing', async () => {
    const folder = await ExportFolder.open(join(scratch.dir, 'none'), { create: true });
    await expect(exportNnunet(folder, input(), { threshold: 1, datasetId: 503, datasetName: 'None' })).rejects.toThrow(/no case can be exported/);
    await expect(exportNnunet(folder, input(), { threshold: 0, organs: ['no_such_organ'], datasetId: 503, datasetName: 'None' })).rejects.toThrow(/no case has a label named "no_such_organ"/);
    expect(await readdir(folder.dir)).toEqual([]);
  });
});
