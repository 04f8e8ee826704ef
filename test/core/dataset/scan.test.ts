import { execFileSync } from 'node:child_process';
import { mkdir, rm, stat, readdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allLabels, labelPath, scanDataset, type DatasetManifest, type LabelEntry } from '../../../src/core/dataset';
import { readNiftiHeader } from '../../../src/core/nifti';
import { SentinelError } from '../../../src/core/errors';
import { buildFixtures, HAVE_DATA, DATA_DIR, ORGANS, type Fixtures } from './fixtures';

if (!HAVE_DATA) console.warn(`skipping dataset scan tests: ${DATA_DIR} is absent`);

/** The 41 label values present in example_seg (shared/data/README.md). */
const PRESENT_IN_EXAMPLE_SEG = [
  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 18, 19, 20, 30, 31, 32, 33, 52, 63, 64, 79, 86, 87, 88, 89, 98, 99, 100,
  101, 102, 103, 110, 111, 112, 113, 114, 115, 117,
];

const byOrgan = (labels: LabelEntry[], organ: string): LabelEntry => {
  const l = labels.find((x) => x.organ === organ);
  if (!l) throw new Error(`no label ${organ} in ${labels.map((x) => x.organ).join(', ')}`);
  return l;
};
const caseOf = (m: DatasetManifest, id: string) => {
  const c = m.cases.find((x) => x.id === id);
  if (!c) throw new Error(`no case ${id}`);
  return c;
};

describe.skipIf(!HAVE_DATA)('scanDataset', () => {
  let fx: Fixtures;
  beforeAll(async () => {
    fx = await buildFixtures();
  });
  afterAll(async () => {
    if (fx) {
      execFileSync('chmod', ['-R', 'u+w', fx.tmp]);
      await rm(fx.tmp, { recursive: true, force: true });
    }
  });

  it('reads the TotalSegmentator layout with per-organ masks, metadata and JSON-safe output', async () => {
    const m = await scanDataset(fx.ts);
    expect(m.layout).toBe('totalsegmentator');
    expect(m.singleCase).toBe(false);
    expect(m.root).toBe(path.resolve(fx.ts));
    expect(m.cases.map((c) => c.id)).toEqual(['s0001', 's0002', 's0003']);
    expect(JSON.parse(JSON.stringify(m))).toEqual(m);

    const c1 = caseOf(m, 's0001');
    expect(c1.ct.path).toBe('s0001/ct.nii.gz');
    const ctHeader = await readNiftiHeader(path.join(fx.ts, 's0001', 'ct.nii.gz'));
    expect(c1.ct.grid).toEqual(ctHeader.grid);
    expect(c1.ct.grid?.dims).toEqual([122, 101, 30]);
    expect(c1.labels.map((l) => l.organ).sort()).toEqual([...ORGANS, 'mystery_blob'].sort());
    for (const o of ORGANS) {
      const l = byOrgan(c1.labels, o);
      expect(l.caseId).toBe('s0001');
      expect(l.source).toEqual({ kind: 'file', path: `s0001/segmentations/${o}.nii.gz` });
      expect(labelPath(l.source)).toBe(`s0001/segmentations/${o}.nii.gz`);
      expect(l.organMatch.status).toBe('mapped');
      expect(l.status).toBe('ok');
    }
    const blob = byOrgan(c1.labels, 'mystery_blob');
    expect(blob.organMatch.status).toBe('unmapped');
    expect(blob.status).toBe('unmapped');
    expect(blob.message).toMatch(/unmapped/);

    expect(c1.meta).toEqual({ age: '64', gender: 'm', institute: 'A', study_type: 'ct; abdomen', split: 'train' });
    expect(caseOf(m, 's0002').meta?.split).toBe('test');
    expect(caseOf(m, 's0003').meta).toBeUndefined();
    expect(m.issues.some((i) => i.path === 'meta.csv' && /1 row/.test(i.message))).toBe(true);
    expect(m.issues.some((i) => i.path === 'orphan' && /no ct/.test(i.message))).toBe(true);
    expect(m.issues.some((i) => i.path.startsWith('docs'))).toBe(false);
  });

  it('tells a LAS-stored copy from a shifted grid, and reports truncated and broken files by name', async () => {
    const m = await scanDataset(fx.ts);
    const c2 = caseOf(m, 's0002');

    // The LAS mask really is stored differently (else this test would prove nothing) and still is the same grid.
    const lasHeader = await readNiftiHeader(path.join(fx.ts, 's0002/segmentations/liver.nii.gz'));
    expect(lasHeader.grid.affine[0]).toBeLessThan(0);
    expect(c2.ct.grid?.affine[0]).toBeGreaterThan(0);
    expect(byOrgan(c2.labels, 'liver').status).toBe('ok');

    const spleen = byOrgan(c2.labels, 'spleen');
    expect(spleen.status).toBe('grid_mismatch');
    expect(spleen.message).toMatch(/origin differs by 10 mm/);

    const kidney = byOrgan(c2.labels, 'kidney_right');
    expect(kidney.status).toBe('error');
    expect(kidney.message).toMatch(/^s0002\/segmentations\/kidney_right\.nii\.gz: .*truncated/);
    expect(kidney.message).not.toContain(fx.tmp);

    const stomach = byOrgan(c2.labels, 'stomach');
    expect(stomach.status).toBe('error');
    expect(stomach.message).toMatch(/^s0002\/segmentations\/stomach\.nii\.gz: /);

    // An uncompressed mask is read as well.
    const aorta = byOrgan(c2.labels, 'aorta');
    expect(aorta.source).toEqual({ kind: 'file', path: 's0002/segmentations/aorta.nii' });
    expect(aorta.status).toBe('ok');

    // A truncated CT: the case stays, its labels are errors, and the issue names the CT.
    const c3 = caseOf(m, 's0003');
    expect(c3.ct.grid).toBeUndefined();
    expect(byOrgan(c3.labels, 'liver').status).toBe('error');
    expect(byOrgan(c3.labels, 'liver').message).toMatch(/^CT unreadable: s0003\/ct\.nii\.gz: .*truncated/);
    expect(m.issues.some((i) => i.path === 's0003/ct.nii.gz' && i.severity === 'error')).toBe(true);
  });

  it('scans a single case folder given as the root', async () => {
    const m = await scanDataset(path.join(fx.ts, 's0001'));
    expect(m.singleCase).toBe(true);
    expect(m.layout).toBe('totalsegmentator');
    expect(m.cases.map((c) => c.id)).toEqual(['s0001']);
    expect(m.cases[0].ct.path).toBe('ct.nii.gz');
    expect(byOrgan(m.cases[0].labels, 'liver').source).toEqual({ kind: 'file', path: 'segmentations/liver.nii.gz' });
  });

  it('lists multi-label maps by their label table: NIfTI extension, labels.json in any shape, or an issue', async () => {
    const m = await scanDataset(fx.ml);
    expect(m.layout).toBe('multilabel');
    expect(m.cases.map((c) => c.id)).toEqual(['caseA', 'caseB', 'caseC', 'caseD', 'caseE']);

    // caseA: the 117 names of TotalSegmentator's table, as in total_classes.json.
    const a = caseOf(m, 'caseA');
    expect(a.labels.map((l) => [l.source.kind === 'multilabel' ? l.source.value : -1, l.organ])).toEqual([...fx.classes]);
    for (const l of a.labels) {
      expect(l.source).toMatchObject({ kind: 'multilabel', path: 'caseA/label.nii.gz' });
      expect(['ok', 'unmapped']).toContain(l.status);
    }
    expect(byOrgan(a.labels, 'liver').status).toBe('ok');
    expect(labelPath(byOrgan(a.labels, 'liver').source)).toBe('caseA/label.nii.gz#5');

    // labels.json overrides the extension (caseB) and names maps that have none (caseC, caseD).
    for (const [id, file] of [['caseB', 'seg.nii.gz'], ['caseC', 'segmentation.nii.gz'], ['caseD', 'label.nii.gz']]) {
      const c = caseOf(m, id);
      expect(c.labels.map((l) => [l.organ, l.source, l.status])).toEqual([
        ['spleen', { kind: 'multilabel', path: `${id}/${file}`, value: 1 }, 'ok'],
        ['liver', { kind: 'multilabel', path: `${id}/${file}`, value: 5 }, 'ok'],
      ]);
    }
    expect(caseOf(m, 'caseE').labels).toEqual([]);
    expect(m.issues.some((i) => i.caseId === 'caseE' && /no label names/.test(i.message))).toBe(true);
  });

  it('marks table entries without voxels empty when asked to read multi-label values', async () => {
    const m = await scanDataset(fx.ml, { readLabelValues: true });
    const a = caseOf(m, 'caseA');
    const nonEmpty = a.labels.filter((l) => l.status !== 'empty').map((l) => (l.source.kind === 'multilabel' ? l.source.value : -1));
    expect(nonEmpty).toEqual(PRESENT_IN_EXAMPLE_SEG);
    expect(a.labels.filter((l) => l.status === 'empty')).toHaveLength(117 - 41);
  });

  it('reads nnU-Net raw datasets: channel 0000 only, names from dataset.json, missing labels reported', async () => {
    const m = await scanDataset(fx.nn);
    expect(m.layout).toBe('nnunet');
    expect(m.cases.map((c) => [c.id, c.ct.path])).toEqual([
      ['abd_001', 'imagesTr/abd_001_0000.nii.gz'],
      ['abd_002', 'imagesTr/abd_002_0000.nii.gz'],
    ]);
    expect(caseOf(m, 'abd_001').labels.map((l) => [l.organ, l.source, l.status])).toEqual([
      ['spleen', { kind: 'multilabel', path: 'labelsTr/abd_001.nii.gz', value: 1 }, 'ok'],
      ['liver', { kind: 'multilabel', path: 'labelsTr/abd_001.nii.gz', value: 5 }, 'ok'],
    ]);
    expect(caseOf(m, 'abd_002').labels).toEqual([]);
    expect(m.issues.some((i) => i.path === 'labelsTr/abd_002.nii.gz')).toBe(true);
    expect(m.issues.some((i) => i.path === 'dataset.json' && /kidneys/.test(i.message))).toBe(true);
  });

  it('reports a folder with both case kinds as mixed', async () => {
    const m = await scanDataset(fx.mixed);
    expect(m.layout).toBe('mixed');
    expect(caseOf(m, 'p1').labels.map((l) => l.organ)).toEqual(['liver']);
    expect(caseOf(m, 'p2').labels).toHaveLength(117);
  });

  it('filters by organ (name as found or DAP name) without opening the other masks, and reports progress', async () => {
    const events: { done: number; total: number; path: string }[] = [];
    const m = await scanDataset(path.join(fx.ts, 's0001'), { organs: ['Liver', 'spleen'], onProgress: (p) => events.push(p) });
    expect(allLabels(m).map((l) => l.organ).sort()).toEqual(['liver', 'spleen']);
    expect(events.map((e) => e.done)).toEqual([1, 2, 3]);
    expect(events.every((e) => e.total === 3)).toBe(true);
    expect(events.map((e) => e.path).sort()).toEqual(['ct.nii.gz', 'segmentations/liver.nii.gz', 'segmentations/spleen.nii.gz']);
  });

  it('uses an injected organ matcher', async () => {
    const m = await scanDataset(path.join(fx.ts, 's0001'), {
      matchOrgan: (name) => (name === 'liver' ? { status: 'mapped', dapId: 99, dapName: 'x', approximate: true, note: 'test' } : { status: 'unmapped', reason: 'nope' }),
    });
    expect(byOrgan(m.cases[0].labels, 'liver')).toMatchObject({ status: 'ok', message: 'test', organMatch: { dapId: 99 } });
    expect(byOrgan(m.cases[0].labels, 'spleen')).toMatchObject({ status: 'unmapped', message: 'unmapped: nope' });
  });

  it('stops when aborted', async () => {
    const before = new AbortController();
    before.abort();
    await expect(scanDataset(fx.ts, { signal: before.signal })).rejects.toThrow();
    const during = new AbortController();
    await expect(scanDataset(fx.ts, { signal: during.signal, concurrency: 1, onProgress: () => during.abort() })).rejects.toThrow();
  });

  it('throws only for a root that is missing or not a dataset', async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), 'sentinel-empty-'));
    try {
      await mkdir(path.join(empty, 'somefolder'));
      await writeFile(path.join(empty, 'notes.txt'), 'x');
      await expect(scanDataset(empty)).rejects.toMatchObject({ code: 'unsupported', file: empty });
      await expect(scanDataset(path.join(empty, 'nope'))).rejects.toMatchObject({ code: 'not_found' });
      await expect(scanDataset(path.join(empty, 'notes.txt'))).rejects.toBeInstanceOf(SentinelError);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('never writes into the dataset, read-only or not', async () => {
    const snapshot = async (): Promise<string[]> => {
      const out: string[] = [];
      const walk = async (dir: string): Promise<void> => {
        for (const e of await readdir(dir, { withFileTypes: true })) {
          const p = path.join(dir, e.name);
          const s = await stat(p);
          out.push(`${path.relative(fx.tmp, p)} ${s.size} ${s.mtimeMs} ${s.mode.toString(8)}`);
          if (e.isDirectory()) await walk(p);
        }
      };
      await walk(fx.tmp);
      return out.sort();
    };
    execFileSync('chmod', ['-R', 'a-w', fx.ts, fx.ml]);
    const before = await snapshot();
    await scanDataset(fx.ts);
    await scanDataset(fx.ml, { readLabelValues: true });
    await scanDataset(fx.nn);
    await scanDataset(fx.mixed);
    expect(await snapshot()).toEqual(before);
  });
});
