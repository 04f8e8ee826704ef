/**
 * The caller's side of the inference worker: starts it, sends batches, and returns predictions as promises, so the
 * caller's event loop stays free while the model runs. Input buffers are transferred to the worker, not copied:
 * after `infer`, the caller's arrays are detached (empty) unless they were views into a larger buffer.
 */
import { Worker } from 'node:worker_threads';
import { SentinelError } from '../errors';
import type { SessionInfo } from './session';
import { defaultWorkerScript, type WorkerScript } from './worker-script';
import {
  fromWireError,
  transferablesOf,
  type StartOptions,
  type WorkerRequest,
  type WorkerResponse,
} from './worker-protocol';

export interface InferenceClientOptions extends StartOptions {
  /** The worker's code; default: defaultWorkerScript(). */
  worker?: WorkerScript;
}

interface Pending {
  resolve: (msg: WorkerResponse) => void;
  reject: (err: SentinelError) => void;
}

export class InferenceClient {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private sessionInfo: SessionInfo | null = null;

  /** The running model's card, provider and thread count (null before start). */
  get info(): SessionInfo | null {
    return this.sessionInfo;
  }

  /** Starts the worker (once) and loads the model in it; rejects with the SentinelError the worker reported. */
  async start(opts: InferenceClientOptions): Promise<SessionInfo> {
    const { worker: script, ...options } = opts;
    if (!this.worker) this.spawn(script ?? defaultWorkerScript());
    const msg = await this.request({ type: 'start', id: this.nextId++, options });
    if (msg.type !== 'started') throw unexpected(msg);
    this.sessionInfo = msg.info;
    return msg.info;
  }

  /** Predicts `n` slices' DSC; images [n, 2, S, S] and embeddings [n, 512] are transferred to the worker. */
  async infer(images: Float32Array, embeddings: Float32Array, n: number): Promise<Float32Array> {
    const img = whole(images);
    const emb = whole(embeddings, img.buffer);
    const msg = await this.request({ type: 'infer', id: this.nextId++, images: img, embeddings: emb, n }, transferablesOf(img, emb));
    if (msg.type !== 'result') throw unexpected(msg);
    return msg.dsc;
  }

  /** Releases the session and ends the worker; safe to call twice. */
  async close(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    try {
      await this.request({ type: 'close', id: this.nextId++ });
    } catch {
      // A worker that cannot close cleanly is ended anyway.
    }
    this.worker = null;
    this.sessionInfo = null;
    await w.terminate();
  }

  private spawn(script: WorkerScript): void {
    const w = new Worker(script.path, { execArgv: script.execArgv });
    w.unref(); // an idle worker must not keep the process alive; pending requests ref it
    w.on('message', (msg: WorkerResponse) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.settle(msg.id);
      if (msg.type === 'error') p.reject(fromWireError(msg.error));
      else p.resolve(msg);
    });
    w.on('error', (err) => this.fail(w, `the inference worker crashed: ${err.message}`));
    w.on('exit', (code) => this.fail(w, `the inference worker exited (code ${code})`));
    this.worker = w;
  }

  private request(req: WorkerRequest, transfer: ArrayBuffer[] = []): Promise<WorkerResponse> {
    const w = this.worker;
    if (!w) return Promise.reject(new SentinelError('model', 'the inference worker is not running (call start first)'));
    return new Promise((resolve, reject) => {
      this.pending.set(req.id, { resolve, reject });
      if (this.pending.size === 1) w.ref();
      try {
        w.postMessage(req, transfer);
      } catch (err) {
        this.settle(req.id);
        reject(new SentinelError('invalid_argument', `could not send to the inference worker: ${(err as Error).message}`));
      }
    });
  }

  private settle(id: number): void {
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker?.unref();
  }

  /** A crash or exit rejects every call still waiting, with the reason. */
  private fail(w: Worker, reason: string): void {
    if (this.worker === w) {
      this.worker = null;
      this.sessionInfo = null;
    }
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const p of waiting) p.reject(new SentinelError('model', reason));
  }
}

/**
 * An array that owns its whole buffer, so transferring the buffer sends exactly these values.
 * A view into a larger (or a shared, or an already-sent) buffer is copied instead.
 */
function whole(a: Float32Array, other?: ArrayBufferLike): Float32Array {
  const owns = a.buffer instanceof ArrayBuffer && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength;
  return owns && a.buffer !== other ? a : a.slice();
}

function unexpected(msg: WorkerResponse): SentinelError {
  return new SentinelError('model', `the inference worker answered "${msg.type}" out of turn`);
}
