/** Shared fixtures for the inference tests: the tiny random model, its parity data, and scratch copies. */
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MODELS = fileURLToPath(new URL('../../fixtures/models/', import.meta.url));
export const TINY = join(MODELS, 'tiny-random.onnx');
export const TINY_CARD = join(MODELS, 'tiny-random.card.json');

export interface Parity {
  n: number;
  size: number;
  images: Float32Array;
  embeddings: Float32Array;
  dsc: number[];
  tolerance: number;
}

export async function loadParity(): Promise<Parity> {
  const meta = JSON.parse(await readFile(join(MODELS, 'tiny-random.parity.json'), 'utf8')) as {
    n: number;
    size: number;
    bin: string;
    dsc: number[];
    tolerance: number;
  };
  const bin = await readFile(join(MODELS, meta.bin));
  // Copy into a fresh, aligned buffer (a Buffer may start at any byte offset of a pool).
  const all = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
  const imageLen = meta.n * 2 * meta.size * meta.size;
  if (all.length !== imageLen + meta.n * 512) throw new Error(`${meta.bin}: ${all.length} floats, expected ${imageLen + meta.n * 512}`);
  return {
    n: meta.n,
    size: meta.size,
    images: all.slice(0, imageLen),
    embeddings: all.slice(imageLen),
    dsc: meta.dsc,
    tolerance: meta.tolerance,
  };
}

export async function readTinyCard(): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(TINY_CARD, 'utf8')) as Record<string, unknown>;
}

/** A scratch folder with a copy of the tiny model and its card; `cleanup` removes it. */
export async function scratchCopy(): Promise<{ dir: string; model: string; card: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'sentinel-inference-'));
  const model = join(dir, 'tiny-random.onnx');
  const card = join(dir, 'tiny-random.card.json');
  await copyFile(TINY, model);
  await copyFile(TINY_CARD, card);
  return { dir, model, card, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFile(path, JSON.stringify(value, null, 2));
}

/** Deterministic inputs in the model's input ranges (normalised CT noise, a +/-1 square mask, CLIP-sized embeddings). */
export function syntheticInputs(n: number, size: number, seed: number): { images: Float32Array; embeddings: Float32Array } {
  let state = seed >>> 0 || 1;
  const next = (): number => {
    // xorshift32: enough to make every slice different
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2 ** 32;
  };
  const plane = size * size;
  const images = new Float32Array(n * 2 * plane);
  for (let s = 0; s < n; s++) {
    const ct = s * 2 * plane;
    for (let i = 0; i < plane; i++) images[ct + i] = (next() - 0.5) * 4;
    const half = 8 + ((s * 7) % (size / 2 - 8));
    const c = size / 2;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        images[ct + plane + y * size + x] = Math.abs(x - c) < half && Math.abs(y - c) < half ? 1 : -1;
      }
    }
  }
  const embeddings = new Float32Array(n * 512);
  for (let i = 0; i < embeddings.length; i++) embeddings[i] = (next() - 0.5) * 1.6;
  return { images, embeddings };
}
