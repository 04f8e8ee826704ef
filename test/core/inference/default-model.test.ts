/**
 * The bundled default model: its card is valid and names this very file, ONNX Runtime reproduces torch's raw
 * outputs on the committed parity inputs (so training and the shipped ONNX cannot drift), and it scores the sample.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { loadModelCard, readVerifiedModel } from '../../../src/core/inference';

const MODELS = fileURLToPath(new URL('../../../resources/models/', import.meta.url));
const ONNX = join(MODELS, 'default.onnx');

describe('the default model', () => {
  it('has a valid card that names this file and its sha256, with held-out metrics and calibration', async () => {
    const card = await loadModelCard(join(MODELS, 'default.card.json'));
    expect(card.purpose).toBe('default');
    expect(card.calibration?.x.length).toBeGreaterThan(1);
    expect(Object.keys(card.metrics).length).toBeGreaterThan(0);
    await expect(readVerifiedModel(ONNX)).resolves.toBeTruthy();
  });

  it('matches torch on the committed parity inputs (raw output, before calibration)', async () => {
    const meta = JSON.parse(await readFile(join(MODELS, 'default.parity.json'), 'utf8')) as {
      n: number; size: number; bin: string; dsc: number[]; tolerance: number;
    };
    const bin = await readFile(join(MODELS, meta.bin));
    const all = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
    const imageLen = meta.n * 2 * meta.size * meta.size;
    const session = await ort.InferenceSession.create(ONNX, { intraOpNumThreads: 1 });
    const out = await session.run({
      image: new ort.Tensor('float32', all.slice(0, imageLen), [meta.n, 2, meta.size, meta.size]),
      embedding: new ort.Tensor('float32', all.slice(imageLen), [meta.n, 512]),
    });
    const got = Array.from(out[session.outputNames[0]].data as Float32Array);
    await session.release();
    expect(got).toHaveLength(meta.n);
    got.forEach((v, i) => expect(Math.abs(v - meta.dsc[i])).toBeLessThanOrEqual(meta.tolerance));
  });
});
