import { createHash } from 'node:crypto';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SentinelError } from '../../../src/core/errors';
import { loadModelCard, modelCardPath, parseModelCard } from '../../../src/core/inference/model-card';
import { readVerifiedModel } from '../../../src/core/inference/model-file';
import { readTinyCard, scratchCopy, TINY, TINY_CARD, writeJson } from './helpers';

type Json = Record<string, unknown>;

/** Sets `value` at a dotted path ("input.size", "onnx.inputs.0.shape") in a deep copy of `card`. */
function withField(card: Json, path: string, value: unknown): Json {
  const copy = structuredClone(card);
  const keys = path.split('.');
  let at: Record<string, unknown> = copy;
  for (const k of keys.slice(0, -1)) at = at[k] as Record<string, unknown>;
  const last = keys[keys.length - 1];
  if (value === undefined) delete at[last];
  else at[last] = value;
  return copy;
}

function failure(fn: () => unknown): SentinelError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SentinelError) return err;
    throw err;
  }
  throw new Error('expected a SentinelError');
}

describe('model card', () => {
  it('loads the tiny test model card and marks it test-only', async () => {
    const card = await loadModelCard(TINY_CARD);
    expect(card.purpose).toBe('test-only');
    expect(card.description).toBe('test-only: random weights, not a quality model');
    expect(card.input).toEqual({
      size: 128,
      channels: 2,
      ct_window: [-200, 200],
      ct_normalise: { mean: 0.5, std: 0.25 },
      mask_normalise: { mean: 0.5, std: 0.5 },
      crop_margin: 20,
      max_slices: 10,
    });
    expect(card.embedding).toEqual({ set: 'dap-atlas-clip-145', dim: 512 });
    expect(card.onnx.file).toBe('tiny-random.onnx');
    // The card's hash is the file's, computed here independently.
    const sha = createHash('sha256').update(await readFile(TINY)).digest('hex');
    expect(card.onnx.sha256).toBe(sha);
  });

  it('keeps the tiny model under 1 MB', async () => {
    expect((await readFile(TINY)).byteLength).toBeLessThan(1 << 20);
  });

  it('finds the card beside the model', () => {
    expect(modelCardPath('/m/qs-resnet50.onnx')).toBe('/m/qs-resnet50.card.json');
  });

  const bad: Array<[string, unknown, string]> = [
    ['name', '', 'name'],
    ['version', 5, 'version'],
    ['purpose', 'production', 'purpose'],
    ['input', undefined, 'input'],
    ['input.size', 'big', 'input.size'],
    ['input.size', 0, 'input.size'],
    ['input.channels', 3, 'input.channels'],
    ['input.ct_window', [200, -200], 'input.ct_window'],
    ['input.ct_normalise.std', 0, 'input.ct_normalise.std'],
    ['input.mask_normalise.mean', 'x', 'input.mask_normalise.mean'],
    ['input.crop_margin', -1, 'input.crop_margin'],
    ['input.max_slices', 0, 'input.max_slices'],
    ['embedding.set', 'openai-clip', 'embedding.set'],
    ['embedding.dim', 768, 'embedding.dim'],
    ['output.range', [0, 100], 'output.range.1'],
    ['output.name', 'score', 'onnx.outputs'],
    ['training.licences', 'MIT', 'training.licences'],
    ['metrics', [], 'metrics'],
    ['onnx.file', '../other.onnx', 'onnx.file'],
    ['onnx.sha256', 'abc', 'onnx.sha256'],
    ['onnx.opset', 3, 'onnx.opset'],
    ['onnx.inputs.0.shape', ['N', 2, 64, 64], 'onnx.inputs.0.shape'],
    ['onnx.inputs.0.shape', [1, 2, 128, 128], 'onnx.inputs.0.shape'],
    ['onnx.inputs.1.dtype', 'float16', 'onnx.inputs.1.dtype'],
    ['onnx.outputs.0.shape', ['N'], 'onnx.outputs.0.shape'],
    ['calibration', { x: [0, 0.5, 0.4], y: [0, 0.5, 1] }, 'calibration.x.2'],
    ['calibration', { x: [0, 0.5, 1], y: [0, 0.6, 0.5] }, 'calibration.y.2'],
    ['calibration', { x: [0, 0.5, 1], y: [0, 1] }, 'calibration.y'],
    ['calibration', { x: [0, 1], y: [0, 1.5] }, 'calibration.y.1'],
  ];
  it.each(bad)('rejects %s = %j, naming field "%s" and the file', async (path, value, field) => {
    const card = withField(await readTinyCard(), path, value);
    const err = failure(() => parseModelCard(card, '/models/x.card.json'));
    expect(err.code).toBe('model');
    expect(err.file).toBe('/models/x.card.json');
    expect(err.message).toContain(`field "${field}"`);
  });

  it('accepts a valid calibration table', async () => {
    const card = withField(await readTinyCard(), 'calibration', { x: [0, 0.5, 1], y: [0.1, 0.1, 0.9] });
    expect(parseModelCard(card, 'c.json').calibration).toEqual({ x: [0, 0.5, 1], y: [0.1, 0.1, 0.9] });
  });

  it('reports a missing card and a card that is not JSON, naming the card', async () => {
    const s = await scratchCopy();
    try {
      const missing = join(s.dir, 'none.card.json');
      await expect(loadModelCard(missing)).rejects.toMatchObject({ code: 'model', file: missing, message: expect.stringContaining('not found') });
      await writeFile(s.card, '{"name": ');
      await expect(loadModelCard(s.card)).rejects.toMatchObject({ code: 'model', file: s.card, message: expect.stringContaining('not valid JSON') });
    } finally {
      await s.cleanup();
    }
  });

  it('rejects a model whose bytes do not match the card sha256', async () => {
    const s = await scratchCopy();
    try {
      await expect(readVerifiedModel(s.model)).resolves.toMatchObject({ modelPath: s.model });
      await appendFile(s.model, Buffer.from([0]));
      const err = await readVerifiedModel(s.model).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SentinelError);
      expect(err).toMatchObject({ code: 'model', file: s.model });
      expect((err as SentinelError).message).toMatch(/sha256 [0-9a-f]{64} differs from/);
    } finally {
      await s.cleanup();
    }
  });

  it('rejects a card that describes another model file', async () => {
    const s = await scratchCopy();
    try {
      await writeJson(s.card, withField(await readTinyCard(), 'onnx.file', 'other.onnx'));
      await expect(readVerifiedModel(s.model)).rejects.toMatchObject({ code: 'model', file: s.card, message: expect.stringContaining('onnx.file') });
    } finally {
      await s.cleanup();
    }
  });
});
