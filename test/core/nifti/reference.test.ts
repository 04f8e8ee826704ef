/**
 * Every shared CT/mask file and every committed fixture, read and reoriented, against nibabel's numbers in
 * test/fixtures/nifti/reference.json (made by tools/golden/nifti_reference.py).
 */
import { describe, expect, it } from 'vitest';
import { closestCanonical, readNifti, readNiftiHeader, toCanonical } from '../../../src/core/nifti';
import { existsSync } from 'node:fs';
import { at, expectClose, HAVE_SHARED, REFERENCE, referencePath, sums, weightedChecksum, type ReferenceEntry } from './helpers';

const ARRAY_OF: Record<string, string> = {
  uint8: 'Uint8Array', int8: 'Int8Array', int16: 'Int16Array', uint16: 'Uint16Array',
  int32: 'Int32Array', uint32: 'Uint32Array', float32: 'Float32Array', float64: 'Float64Array',
};

function expectAffine(actual: number[], expected: number[], tol = 1e-5): void {
  expect(actual).toHaveLength(16);
  for (let i = 0; i < 16; i++) expect(Math.abs(actual[i] - expected[i]), `affine[${i}] ${actual[i]} vs ${expected[i]}`).toBeLessThanOrEqual(tol);
}

function checkEntry(ref: ReferenceEntry): (() => Promise<void>) {
  return async () => {
    const path = referencePath(ref.file);
    const img = await readNifti(path);
    const { volume, header } = img;
    expect(volume.grid.dims).toEqual(ref.shape);
    expect(header.version).toBe(ref.version);
    expect(header.littleEndian).toBe(!ref.byteorder_big);
    expect(header.voxOffset).toBe(ref.vox_offset);
    expect(header.sformCode).toBe(ref.sform_code);
    expect(header.qformCode).toBe(ref.qform_code);
    // Scaled files become Float32Array; others keep the stored type.
    expect(volume.data.constructor.name).toBe(ref.scaled ? 'Float32Array' : ARRAY_OF[ref.stored_dtype]);
    expectAffine(volume.grid.affine, ref.affine);
    volume.grid.spacing.forEach((s, a) => expect(Math.abs(s - Math.abs(ref.zooms[a]))).toBeLessThan(1e-6));

    const s = sums(volume.data);
    expect(expectClose(s.sum, ref.sum, 1e-7), `sum ${s.sum} vs ${ref.sum}`).toBe(true);
    expect(expectClose(s.sumSq, ref.sum_sq, 1e-7), `sum of squares ${s.sumSq} vs ${ref.sum_sq}`).toBe(true);
    expect(s.min).toBeCloseTo(ref.min, 4);
    expect(s.max).toBeCloseTo(ref.max, 4);
    expect(img.extensions.map((e) => e.ecode)).toEqual(ref.extensions.map((e) => e[0]));
    if (ref.values_present) {
      const present = new Set<number>();
      for (const v of volume.data) present.add(v);
      expect([...present].sort((a, b) => a - b)).toEqual(ref.values_present);
    }

    const canon = toCanonical(volume);
    expect(canon.volume.grid.dims).toEqual(ref.canonical_shape);
    expectAffine(canon.volume.grid.affine, ref.canonical_affine, 1e-4);
    const w = weightedChecksum(canon.volume.data);
    expect(expectClose(w, ref.canonical_weighted, 1e-7), `canonical checksum ${w} vs ${ref.canonical_weighted}`).toBe(true);
    for (const [[i, j, k], value] of ref.canonical_probes) {
      expect(at(canon.volume, i, j, k), `canonical value at ${i},${j},${k}`).toBeCloseTo(value, 3);
    }
    // nibabel's io_orientation row per voxel axis: [world axis, ±1].
    const o = closestCanonical(volume.grid.affine);
    ref.io_orientation.forEach(([world, sign], inAx) => {
      expect(o.perm[world]).toBe(inAx);
      expect(o.flip[world]).toBe(sign < 0);
    });

    if (ref.label_table) {
      expect(img.labelTable).toBeDefined();
      const table = img.labelTable!;
      const labels = ref.label_table.labels;
      expect(table.size).toBe(Object.keys(labels).length);
      for (const [key, info] of Object.entries(labels)) {
        expect(table.get(Number(key))).toEqual({ name: info.name, rgb: info.rgb });
      }
    } else {
      expect(img.labelTable).toBeUndefined();
    }

    const scan = await readNiftiHeader(path);
    expect(scan.grid).toEqual(volume.grid);
    expect(scan.header).toEqual(header);
    expect(scan.extensions).toEqual(img.extensions);
  };
}

const shared = REFERENCE.files.filter((f) => f.file.startsWith('shared:'));
const fixtures = REFERENCE.files.filter((f) => f.file.startsWith('fixture:'));

describe('NIfTI reading against nibabel: shared data', () => {
  if (!HAVE_SHARED) it.skip('shared data folder ../shared/data is absent', () => undefined);
  for (const ref of shared) {
    const run = existsSync(referencePath(ref.file)) ? it : it.skip;
    run(ref.file, checkEntry(ref));
  }
});

describe('NIfTI reading against nibabel: small fixtures (datatypes, big-endian, NIfTI-2, scaling, qform, 4D)', () => {
  for (const ref of fixtures) it(ref.file, checkEntry(ref));
});

describe('TotalSegmentator label map specifics', () => {
  const seg = shared.find((f) => f.file.endsWith('example_seg.nii.gz'));
  const run = seg && existsSync(referencePath(seg.file)) ? it : it.skip;
  run('example_seg: vox_offset 13168, 41 labels in the data, names for keys 1..117', async () => {
    const img = await readNifti(referencePath(seg!.file));
    expect(img.header.voxOffset).toBe(13168);
    expect(img.volume.data).toBeInstanceOf(Uint8Array);
    const present = new Set<number>(img.volume.data);
    present.delete(0);
    expect(present.size).toBe(41);
    const table = img.labelTable!;
    expect([...table.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 117 }, (_, i) => i + 1));
    expect(table.get(1)?.name).toBe('spleen');
    expect(table.get(5)?.name).toBe('liver');
    expect(table.get(117)?.name).toBe('costal_cartilages');
    for (const v of present) expect(table.has(v)).toBe(true);
  });
});

describe('closestCanonical on random oblique affines', () => {
  it('matches nibabel io_orientation for 40 random rotations with zooms', () => {
    for (const c of REFERENCE.orientation_cases) {
      const o = closestCanonical(c.affine);
      c.io_orientation.forEach(([world, sign], inAx) => {
        expect(o.perm[world]).toBe(inAx);
        expect(o.flip[world]).toBe(sign < 0);
      });
    }
  });
});
