/**
 * The TypeScript preprocessing against the Python reference (tools/golden/preprocess_reference.py: numpy, nibabel,
 * Pillow). Everything is recomputed here from the same NIfTI files; slices and crop boxes must be equal, tensors
 * within 1e-4 (max abs diff). Regenerate the fixtures with:
 *   /usr/bin/python3 tools/golden/preprocess_reference.py
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readNifti, toCanonical } from '../../../src/core/nifti';
import {
  chooseSlices,
  dice,
  maskSliceIndices,
  preprocessLabel,
  preprocessSlice,
  resizeBilinearPillow,
  sliceIndicesByLabel,
} from '../../../src/core/sentinel/preprocess';
import type { Volume } from '../../../src/core/volume';

interface Span {
  offset: number;
  length: number;
}
interface Resize2dCase {
  name: string;
  width: number;
  height: number;
  outWidth: number;
  outHeight: number;
  box: [number, number, number, number] | null;
  input: Span;
  output: Span;
}
interface VolumeCase {
  name: string;
  ct: string;
  mask: string;
  label: number | null;
  dims: [number, number, number];
  maskSlices: number[];
  chosenSlices: number[];
  chosenByMaxSlices: Record<string, number[]>;
  boxes: [number, number, number, number][];
  tensors: (Span & { size: number; position: number; k: number })[];
}
interface DiceCase {
  name: string;
  a: string;
  b: string;
  values: { label: number; dice: number }[];
}
interface GoldenIndex {
  options: { maxSlices: number; margin: number; window: [number, number] };
  resize2d: Resize2dCase[];
  volumes: VolumeCase[];
  dice: DiceCase[];
}

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = resolve(here, '../../fixtures/golden/preprocess');
const dataDir = resolve(here, '../../../../shared/data');
const hasData = existsSync(dataDir);
if (!hasData) console.warn(`preprocess golden: ${dataDir} is absent, skipping the tests on real volumes`);

const index = JSON.parse(readFileSync(join(fixtures, 'index.json'), 'utf8')) as GoldenIndex;
const raw = gunzipSync(readFileSync(join(fixtures, 'data.f32.bin.gz')));
// Copy into an aligned buffer, reading little-endian explicitly.
const blob = new Float32Array(raw.length / 4);
{
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  for (let p = 0; p < blob.length; p++) blob[p] = view.getFloat32(p * 4, true);
}
const span = (s: Span): Float32Array => blob.subarray(s.offset, s.offset + s.length);

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let p = 0; p < a.length; p++) {
    const d = Math.abs(a[p] - b[p]);
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}

const TOLERANCE = 1e-4;

describe('Pillow bilinear resize, 2D golden cases', () => {
  for (const c of index.resize2d) {
    it(c.name, () => {
      const out = resizeBilinearPillow(span(c.input), c.width, c.height, c.outWidth, c.outHeight, c.box ?? undefined);
      expect(maxAbsDiff(out, span(c.output))).toBeLessThanOrEqual(TOLERANCE);
    });
  }
});

const volumes = new Map<string, Promise<Volume>>();
function loadCanonical(rel: string): Promise<Volume> {
  let v = volumes.get(rel);
  if (!v) {
    v = readNifti(join(dataDir, rel)).then((img) => toCanonical(img.volume).volume);
    volumes.set(rel, v);
  }
  return v;
}

describe.skipIf(!hasData)('preprocessing of real volumes against the reference', () => {
  for (const c of index.volumes) {
    it(c.name, async () => {
      const [ct, mask] = await Promise.all([loadCanonical(c.ct), loadCanonical(c.mask)]);
      const label = c.label ?? undefined;
      expect(ct.grid.dims).toEqual(c.dims);
      expect(maskSliceIndices(mask, label)).toEqual(c.maskSlices);
      expect(chooseSlices(mask, index.options.maxSlices, label)).toEqual(c.chosenSlices);
      for (const [m, expected] of Object.entries(c.chosenByMaxSlices)) {
        expect(chooseSlices(mask, Number(m), label), `maxSlices ${m}`).toEqual(expected);
      }
      const boxes = c.boxes.map(([rowStart, rowEnd, colStart, colEnd]) => ({ rowStart, rowEnd, colStart, colEnd }));
      const sizes = [...new Set(c.tensors.map((t) => t.size))];
      for (const size of sizes) {
        const prep = preprocessLabel(ct, mask, { size, label, window: index.options.window, margin: index.options.margin });
        expect(prep.slices).toEqual(c.chosenSlices);
        expect(prep.boxes).toEqual(boxes);
        expect(prep.tensors.length).toBe(c.chosenSlices.length * 2 * size * size);
        const per = 2 * size * size;
        for (const t of c.tensors.filter((x) => x.size === size)) {
          const got = prep.tensors.subarray(t.position * per, (t.position + 1) * per);
          expect(maxAbsDiff(got, span(t)), `S=${size} k=${t.k}`).toBeLessThanOrEqual(TOLERANCE);
        }
      }
      // One slice alone gives the same tensor as within the label's batch.
      const first = c.tensors[0];
      const one = preprocessSlice(ct, mask, first.k, { size: first.size, label });
      expect(one.box).toEqual(boxes[first.position]);
      expect(maxAbsDiff(one.tensor, span(first))).toBeLessThanOrEqual(TOLERANCE);
    });
  }

  it('slice lists of every label of a label map, in one pass, equal the per-label scans', async () => {
    const cases = index.volumes.filter((c) => c.mask.endsWith('example_seg.nii.gz') && c.label !== null);
    const map = await loadCanonical(cases[0].mask);
    const all = sliceIndicesByLabel(map);
    for (const c of cases) expect(all.get(c.label as number), c.name).toEqual(c.maskSlices);
    for (const [value, ks] of all) expect(maskSliceIndices(map, value)).toEqual(ks);
  });

  for (const d of index.dice) {
    it(`true Dice: ${d.name}`, async () => {
      const [a, b] = await Promise.all([loadCanonical(d.a), loadCanonical(d.b)]);
      for (const { label, dice: expected } of d.values) {
        expect(dice(a.data, b.data, { labelA: label, labelB: label }), `label ${label}`).toBeCloseTo(expected, 12);
      }
    });
  }
});
