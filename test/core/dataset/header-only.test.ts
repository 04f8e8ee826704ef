/**
 * The scan must stay header-only (a thousand-case dataset scans in seconds): the real core/nifti functions run,
 * wrapped only to count which ones the scan calls.
 */
import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as nifti from '../../../src/core/nifti';
import { scanDataset } from '../../../src/core/dataset';
import { buildFixtures, HAVE_DATA, type Fixtures } from './fixtures';

vi.mock('../../../src/core/nifti', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src/core/nifti')>();
  return { ...real, readNifti: vi.fn(real.readNifti), readNiftiHeader: vi.fn(real.readNiftiHeader) };
});

describe.skipIf(!HAVE_DATA)('scan reads headers only', () => {
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

  it('decodes no voxels by default, and each multi-label map once with readLabelValues', async () => {
    const readNifti = vi.mocked(nifti.readNifti);
    const readHeader = vi.mocked(nifti.readNiftiHeader);
    // One header read per CT and per mask or map file, however many labels a map holds (counts by construction:
    // ts 3 CTs + 11 masks, ml 5 CTs + 5 maps, nn 2 CTs + 1 map (channel 0001 not read), mixed 2 CTs + 1 mask + 1 map).
    const expected: [string, number][] = [[fx.ts, 14], [fx.ml, 10], [fx.nn, 3], [fx.mixed, 4]];
    for (const [root, files] of expected) {
      readNifti.mockClear();
      readHeader.mockClear();
      await scanDataset(root);
      expect(readNifti).not.toHaveBeenCalled();
      expect(readHeader.mock.calls.length).toBe(files);
      expect(new Set(readHeader.mock.calls.map((c) => c[0])).size).toBe(files);
    }
    readNifti.mockClear();
    const m = await scanDataset(fx.ml, { readLabelValues: true });
    const maps = new Set(m.cases.flatMap((c) => c.labels.map((l) => l.source.path)));
    // caseE's map has no table, so it has no labels but is still read.
    expect(readNifti.mock.calls.length).toBe(maps.size + 1);
  });
});
