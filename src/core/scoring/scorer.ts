/**
 * A loaded model ready to score: the inference worker, the batcher in front of it, the preprocessing settings from
 * its card and the organ embeddings. One per process (CLI run, Electron main, web host).
 */
// The client only: importing the inference index would load ONNX Runtime's native library into this process,
// which never runs the model itself (the worker does).
import { InferenceClient } from '../inference/client';
import type { ExecutionProvider, SessionInfo, WorkerScript } from '../inference';
import { loadOrganEmbeddings, type OrganEmbeddings } from '../organs';
import { SliceBatcher } from './batcher';
import { defaultPrepWorkerScript, PrepPool } from './prep-pool';
import type { ScoringSettings } from './score-case';

export interface ScorerOptions {
  modelPath: string;
  executionProviders: readonly ExecutionProvider[];
  threads?: number;
  /** Slices per model call. */
  batchSize?: number;
  worker?: WorkerScript;
  resourcesDir?: string;
  /** Masks decoded at once per case (default 3: enough to keep two cores busy inflating). */
  decodeConcurrency?: number;
  /** Cap on slices per label (default: the model card's). */
  maxSlices?: number;
  /** The mask-preparation worker's code (an Electron build passes its bundled file); false: prepare on this thread. */
  prepWorker?: WorkerScript | false;
}

export interface Scorer {
  readonly info: SessionInfo;
  readonly settings: ScoringSettings;
  readonly batcher: SliceBatcher;
  /** Decodes and preprocesses mask files off the caller's thread; null when disabled. */
  readonly prepPool: PrepPool | null;
  embedding(dapId: number): Float32Array;
  close(): Promise<void>;
}

export async function openScorer(opts: ScorerOptions): Promise<Scorer> {
  const organs: OrganEmbeddings = await loadOrganEmbeddings(opts.resourcesDir);
  const client = new InferenceClient();
  let info: SessionInfo;
  try {
    info = await client.start({
      modelPath: opts.modelPath,
      executionProviders: opts.executionProviders,
      threads: opts.threads,
      batchSize: opts.batchSize,
      worker: opts.worker,
    });
  } catch (err) {
    await client.close();
    throw err;
  }
  const card = info.card;
  const settings: ScoringSettings = {
    size: card.input.size,
    maxSlices: opts.maxSlices ?? card.input.max_slices,
    ctWindow: [card.input.ct_window[0], card.input.ct_window[1]],
    cropMargin: card.input.crop_margin,
    ctNormalise: card.input.ct_normalise,
    maskNormalise: card.input.mask_normalise,
    decodeConcurrency: opts.decodeConcurrency ?? 3,
    modelTag: `${card.name}@${card.version}`,
    ep: info.provider,
  };
  const batcher = new SliceBatcher((images, embeddings, n) => client.infer(images, embeddings, n), card.input.size, 512, info.batchSize);
  const prepPool = opts.prepWorker === false ? null : new PrepPool(opts.prepWorker ?? defaultPrepWorkerScript());
  return {
    info,
    settings,
    batcher,
    prepPool,
    embedding: (id) => organs.embedding(id),
    close: async () => {
      await prepPool?.close();
      await client.close();
    },
  };
}
