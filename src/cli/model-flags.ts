/**
 * The model flags every scoring command takes (--model, --ep, --threads, --batch, --quiet), checked before anything
 * is read or written, and the one way to say which model runs.
 */
import { resolve } from 'node:path';
import { isExecutionProvider, type ExecutionProvider } from '../core/inference/providers';
import { defaultModelPath } from '../core/resources/paths';
import type { Scorer } from '../core/scoring/scorer';
import { positiveInt, UsageError } from './args';

export class FatalError extends Error {}

export const MODEL_FLAGS = {
  model: { type: 'string' },
  ep: { type: 'string' },
  threads: { type: 'string' },
  batch: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
} as const;

export interface ModelFlagValues {
  model?: string;
  ep?: string;
  threads?: string;
  batch?: string;
  quiet?: boolean;
}

export interface ModelChoice {
  modelPath: string;
  executionProviders: ExecutionProvider[];
  threads?: number;
  batchSize?: number;
  quiet: boolean;
}

/** Validates the flags and finds the model (the bundled default unless --model); a missing model is fatal. */
export function modelChoice(values: ModelFlagValues): ModelChoice {
  const executionProviders = parseEps(values.ep);
  const threads = values.threads ? positiveInt(values.threads, 'threads', 1) : undefined;
  const batchSize = values.batch ? positiveInt(values.batch, 'batch', 32) : undefined;
  const modelPath = values.model ? resolve(values.model) : defaultModelPath();
  if (!modelPath) {
    throw new FatalError(
      'no default model is bundled yet (resources/models/default.onnx is missing).\n' +
        'Pass one with --model path/to/model.onnx (its model card, model.card.json, must sit beside it).\n' +
        'For a pipeline check only: --model test/fixtures/models/tiny-random.onnx (random weights, not a quality model).',
    );
  }
  return { modelPath, executionProviders, threads, batchSize, quiet: values.quiet === true };
}

/** One line on stderr naming the model, warning loudly when it is a test model, and the execution provider. */
export function announceModel(scorer: Scorer, quiet: boolean): void {
  if (quiet) return;
  const purpose = scorer.info.card.purpose === 'test-only' ? ' (TEST MODEL: random weights, scores mean nothing)' : '';
  process.stderr.write(`model ${scorer.settings.modelTag}${purpose}; ${scorer.info.providerNote}\n`);
}

function parseEps(v: string | undefined): ExecutionProvider[] {
  if (!v) return ['cpu'];
  const list = v.split(',').map((s) => s.trim().toLowerCase());
  for (const ep of list) {
    if (!isExecutionProvider(ep)) throw new UsageError(`--ep: unknown execution provider "${ep}" (cpu, cuda, dml, coreml)`);
  }
  return list as ExecutionProvider[];
}
