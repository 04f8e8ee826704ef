/**
 * The model card: the JSON beside each .onnx that says how to feed the model (input size, CT window, normalisation,
 * crop margin, slices per label, embedding set), what it was trained on, and the sha256 of the .onnx it describes.
 * A card is validated as a whole on load, so a wrong field is reported once, by name, before any inference runs.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { z } from 'zod';
import { SentinelError } from '../errors';

export const EMBEDDING_SET = 'dap-atlas-clip-145';
export const EMBEDDING_DIM = 512;
export const IMAGE_CHANNELS = 2;

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const normalisation = z.object({ mean: finite, std: finite.refine((v) => v > 0, 'must be > 0') });

/** A tensor dimension: a fixed size, or a symbol (a string) for a dynamic axis such as the batch. */
const dim = z.union([z.number().int().nonnegative(), z.string()]);
const tensorSpec = z.object({ name: z.string().min(1), dtype: z.literal('float32'), shape: z.array(dim) });

const calibration = z
  .object({ x: z.array(finite).min(2), y: z.array(finite.refine((v) => v >= 0 && v <= 1, 'must lie in [0, 1]')) })
  .superRefine((c, ctx) => {
    if (c.y.length !== c.x.length) {
      ctx.addIssue({ code: 'custom', path: ['y'], message: `has ${c.y.length} values; x has ${c.x.length}` });
    }
    for (let i = 1; i < c.x.length; i++) {
      if (!(c.x[i] > c.x[i - 1])) {
        ctx.addIssue({ code: 'custom', path: ['x', i], message: 'x must increase strictly' });
        return;
      }
    }
    for (let i = 1; i < c.y.length; i++) {
      if (c.y[i] < c.y[i - 1]) {
        ctx.addIssue({ code: 'custom', path: ['y', i], message: 'y must not decrease (an isotonic map)' });
        return;
      }
    }
  });

const cardSchema = z
  .object({
    name: z.string().min(1),
    version: z.string().min(1),
    purpose: z.enum(['default', 'test-only', 'user']),
    description: z.string().optional(),
    /** Free-form: backbone, hidden size, parameter count... */
    architecture: z.record(z.string(), z.unknown()).optional(),
    input: z.object({
      size: z.number().int().min(8).max(4096),
      channels: z.literal(IMAGE_CHANNELS),
      ct_window: z.tuple([finite, finite]).refine(([lo, hi]) => lo < hi, 'the window must be [low, high] with low < high'),
      ct_normalise: normalisation,
      mask_normalise: normalisation,
      crop_margin: z.number().int().nonnegative(),
      max_slices: z.number().int().positive(),
    }),
    embedding: z.object({ set: z.literal(EMBEDDING_SET), dim: z.literal(EMBEDDING_DIM) }),
    output: z.object({ name: z.string().min(1), range: z.tuple([z.literal(0), z.literal(1)]) }),
    training: z.looseObject({ data: z.string(), licences: z.array(z.string()) }),
    metrics: z.record(z.string(), z.unknown()),
    onnx: z.object({
      file: z.string().regex(/^[^/\\]+\.onnx$/, 'must be the file name of the .onnx beside the card'),
      sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits'),
      opset: z.number().int().min(7),
      inputs: z.array(tensorSpec),
      outputs: z.array(tensorSpec),
    }),
    calibration: calibration.optional(),
  })
  .superRefine((card, ctx) => {
    // The card's own tensor list must describe the contract at this card's input size.
    const s = card.input.size;
    const want: Array<{ list: 'inputs' | 'outputs'; name: string; shape: number[] }> = [
      { list: 'inputs', name: 'image', shape: [IMAGE_CHANNELS, s, s] },
      { list: 'inputs', name: 'embedding', shape: [EMBEDDING_DIM] },
      { list: 'outputs', name: card.output.name, shape: [1] },
    ];
    for (const w of want) {
      const specs = card.onnx[w.list];
      const i = specs.findIndex((t) => t.name === w.name);
      if (i < 0) {
        ctx.addIssue({ code: 'custom', path: ['onnx', w.list], message: `has no tensor named "${w.name}"` });
        continue;
      }
      const bad = shapeProblem(specs[i].shape, w.shape);
      if (bad) ctx.addIssue({ code: 'custom', path: ['onnx', w.list, i, 'shape'], message: bad });
    }
    if (card.onnx.inputs.length !== 2) {
      ctx.addIssue({ code: 'custom', path: ['onnx', 'inputs'], message: 'must list exactly "image" and "embedding"' });
    }
  });

export type ModelCard = z.infer<typeof cardSchema>;
export type CalibrationTable = NonNullable<ModelCard['calibration']>;
export type TensorSpec = z.infer<typeof tensorSpec>;

/** Why `shape` is not [batch, ...rest] with a dynamic batch axis; undefined when it is. */
export function shapeProblem(shape: ReadonlyArray<number | string>, rest: readonly number[]): string | undefined {
  const want = `[N, ${rest.join(', ')}]`;
  if (shape.length !== rest.length + 1) return `has rank ${shape.length}; expected ${want}`;
  if (typeof shape[0] !== 'string') return `has a fixed batch axis ${shape[0]}; expected ${want} with a dynamic N`;
  for (let i = 0; i < rest.length; i++) {
    if (shape[i + 1] !== rest[i]) return `is [${shape.join(', ')}]; expected ${want}`;
  }
  return undefined;
}

/** The card that belongs to a model: `name.onnx` -> `name.card.json` in the same folder. */
export function modelCardPath(modelPath: string): string {
  return /\.onnx$/i.test(modelPath) ? modelPath.replace(/\.onnx$/i, '.card.json') : `${modelPath}.card.json`;
}

/** Validates parsed JSON as a model card; a SentinelError('model') names `file` and the first bad field. */
export function parseModelCard(value: unknown, file: string): ModelCard {
  const r = cardSchema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = issue.path.length ? issue.path.map(String).join('.') : '(the card itself)';
  throw new SentinelError('model', `invalid model card: field "${field}": ${issue.message}`, file);
}

/** Reads and validates a model card; every failure is a SentinelError('model') naming the card's file. */
export async function loadModelCard(path: string): Promise<ModelCard> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'model card not found' : `model card unreadable (${code ?? String(err)})`;
    throw new SentinelError('model', `${why}; every .onnx needs its <name>.card.json beside it`, path, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SentinelError('model', `model card is not valid JSON (${(err as Error).message})`, path, { cause: err });
  }
  return parseModelCard(json, path);
}

/** The card must describe this very file, not another model's. */
export function checkCardNamesModel(card: ModelCard, cardFile: string, modelPath: string): void {
  if (card.onnx.file !== basename(modelPath)) {
    throw new SentinelError(
      'model',
      `invalid model card: field "onnx.file": names "${card.onnx.file}", but the model is "${basename(modelPath)}"`,
      cardFile,
    );
  }
}
