/**
 * The ONNX Runtime session of one Quality Sentinel model: checked against its card on creation, opened on the
 * first execution provider that works, and run in fixed-size chunks so memory stays bounded for any batch.
 */
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import { SentinelError } from '../errors';
import { calibrateInPlace } from './calibration';
import { EMBEDDING_DIM, IMAGE_CHANNELS, type ModelCard } from './model-card';
import { readVerifiedModel } from './model-file';
import {
  AllProvidersFailed,
  describeProviderChoice,
  openWithFallback,
  providerOrder,
  type ExecutionProvider,
  type ProviderAttempt,
} from './providers';
import { checkGraphSignature } from './signature';

export const DEFAULT_BATCH_SIZE = 32;

/** Opens an ORT session on one provider. Tests pass their own to simulate a provider that fails. */
export type OpenOrtSession = (
  model: Uint8Array,
  options: ort.InferenceSession.SessionOptions,
  provider: ExecutionProvider,
) => Promise<ort.InferenceSession>;

export const openOrtSession: OpenOrtSession = (model, options) => ort.InferenceSession.create(model, options);

export interface CreateSessionOptions {
  /** Providers to try, best first; the CPU is always tried last. */
  executionProviders: readonly ExecutionProvider[];
  /** Intra-op threads (default: every available core). */
  threads?: number;
  /** Slices per ONNX Runtime call (default 32). */
  batchSize?: number;
  openOrtSession?: OpenOrtSession;
}

export interface SessionInfo {
  modelPath: string;
  card: ModelCard;
  provider: ExecutionProvider;
  /** Every provider tried, in order, with the reason each failed one could not be used. */
  attempts: ProviderAttempt[];
  /** One line for logs and the UI, e.g. "running on cpu; cuda unavailable (...)". */
  providerNote: string;
  threads: number;
  batchSize: number;
}

export interface SentinelSession {
  readonly info: SessionInfo;
  /**
   * Predicts the DSC of `n` slices: images float32 [n, 2, S, S], embeddings float32 [n, 512]; returns [n] values,
   * calibrated when the card has a calibration table.
   */
  run(images: Float32Array, embeddings: Float32Array, n: number): Promise<Float32Array>;
  release(): Promise<void>;
}

/** Session options for one provider. Spinning is off: idle intra-op threads would burn a desktop's CPU. */
export function ortSessionOptions(provider: ExecutionProvider, threads: number): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [provider],
    // ORT's default ran like one thread on these machines, so the count is always explicit.
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
    // The Node binding passes `extra` entries to AddSessionConfigEntry.
    extra: { 'session.intra_op.allow_spinning': '0', 'session.inter_op.allow_spinning': '0' },
  };
}

function positiveInt(v: number | undefined, fallback: number, what: string, file: string): number {
  if (v === undefined) return fallback;
  if (!Number.isInteger(v) || v < 1) throw new SentinelError('invalid_argument', `${what} must be a positive integer, not ${v}`, file);
  return v;
}

export async function createSession(modelPath: string, options: CreateSessionOptions): Promise<SentinelSession> {
  const threads = positiveInt(options.threads, availableParallelism(), 'threads', modelPath);
  const batchSize = positiveInt(options.batchSize, DEFAULT_BATCH_SIZE, 'batchSize', modelPath);
  const model = await readVerifiedModel(modelPath);
  const open = options.openOrtSession ?? openOrtSession;

  let opened;
  try {
    opened = await openWithFallback(providerOrder(options.executionProviders), (p) =>
      open(model.bytes, ortSessionOptions(p, threads), p),
    );
  } catch (err) {
    const why = err instanceof AllProvidersFailed ? err.message : String(err);
    throw new SentinelError(
      'model',
      `ONNX Runtime could not load the model (${why}); the file may be damaged or not an ONNX model: ` +
        'restore it or re-export it with tools/train/export_onnx.py',
      modelPath,
      { cause: err },
    );
  }
  const session = opened.value;
  try {
    checkGraphSignature(session, model.card, modelPath);
  } catch (err) {
    await session.release();
    throw err;
  }
  const info: SessionInfo = {
    modelPath,
    card: model.card,
    provider: opened.provider,
    attempts: opened.attempts,
    providerNote: describeProviderChoice(opened.provider, opened.attempts),
    threads,
    batchSize,
  };
  return new OrtSentinelSession(session, info);
}

class OrtSentinelSession implements SentinelSession {
  /** Calls run one after another: concurrent runs would only split the same intra-op threads. */
  private tail: Promise<unknown> = Promise.resolve();
  private released = false;

  constructor(
    private readonly session: ort.InferenceSession,
    readonly info: SessionInfo,
  ) {}

  run(images: Float32Array, embeddings: Float32Array, n: number): Promise<Float32Array> {
    const next = this.tail.then(() => this.runNow(images, embeddings, n));
    this.tail = next.catch(() => undefined);
    return next;
  }

  private async runNow(images: Float32Array, embeddings: Float32Array, n: number): Promise<Float32Array> {
    const { modelPath, card, batchSize } = this.info;
    if (this.released) throw new SentinelError('model', 'the inference session was already released', modelPath);
    const s = card.input.size;
    const imageLen = IMAGE_CHANNELS * s * s;
    if (!Number.isInteger(n) || n < 0) throw new SentinelError('invalid_argument', `slice count ${n} is not a count`, modelPath);
    if (images.length !== n * imageLen) {
      throw new SentinelError('invalid_argument', `images hold ${images.length} values; ${n} slices of [2, ${s}, ${s}] need ${n * imageLen}`, modelPath);
    }
    if (embeddings.length !== n * EMBEDDING_DIM) {
      throw new SentinelError('invalid_argument', `embeddings hold ${embeddings.length} values; ${n} slices need ${n * EMBEDDING_DIM}`, modelPath);
    }
    const out = new Float32Array(n);
    for (let start = 0; start < n; start += batchSize) {
      const m = Math.min(batchSize, n - start);
      const feeds = {
        image: new ort.Tensor('float32', images.subarray(start * imageLen, (start + m) * imageLen), [m, IMAGE_CHANNELS, s, s]),
        embedding: new ort.Tensor('float32', embeddings.subarray(start * EMBEDDING_DIM, (start + m) * EMBEDDING_DIM), [m, EMBEDDING_DIM]),
      };
      let result: ort.InferenceSession.OnnxValueMapType;
      try {
        result = await this.session.run(feeds);
      } catch (err) {
        throw new SentinelError('model', `inference failed: ${err instanceof Error ? err.message : String(err)}`, modelPath, { cause: err });
      }
      const dsc = result[card.output.name];
      if (!dsc || dsc.type !== 'float32' || dsc.data.length !== m) {
        throw new SentinelError('model', `output "${card.output.name}" is not float32 [${m}, 1]`, modelPath);
      }
      out.set(dsc.data as Float32Array, start);
    }
    return card.calibration ? calibrateInPlace(out, card.calibration) : out;
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.tail;
    await this.session.release();
  }
}
