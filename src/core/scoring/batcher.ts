/**
 * Gathers the slices of many labels into model batches, so one inference call serves several small labels.
 * Each `add` resolves with that request's own predictions once the batch holding it has run.
 */
/** A request's predictions and its share of the batch's inference time (by slice count). */
export interface BatchResult {
  dsc: Float32Array;
  seconds: number;
}

export type InferFn = (images: Float32Array, embeddings: Float32Array, n: number) => Promise<Float32Array>;

interface Pending {
  images: Float32Array;
  embedding: Float32Array;
  n: number;
  resolve: (v: BatchResult) => void;
  reject: (e: unknown) => void;
}

export class SliceBatcher {
  private pending: Pending[] = [];
  private pendingSlices = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly inflight = new Set<Promise<void>>();

  constructor(
    private readonly infer: InferFn,
    private readonly sliceSize: number,
    private readonly embeddingDim: number,
    private readonly batchSlices = 32,
    /** How long a part-filled batch waits for more slices before it runs anyway. */
    private readonly maxWaitMs = 15,
  ) {}

  /** Queues `n` slices (images [n,2,S,S]) of one organ; resolves with their n predictions. */
  add(images: Float32Array, embedding: Float32Array, n: number): Promise<BatchResult> {
    return new Promise((resolve, reject) => {
      this.pending.push({ images, embedding, n, resolve, reject });
      this.pendingSlices += n;
      if (this.pendingSlices >= this.batchSlices) this.flush();
      else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.maxWaitMs);
    });
  }

  /** Runs whatever is queued now. */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.pending.length === 0) return;
    const batch = this.pending;
    const total = this.pendingSlices;
    this.pending = [];
    this.pendingSlices = 0;
    const sliceLen = 2 * this.sliceSize * this.sliceSize;
    const images = new Float32Array(total * sliceLen);
    const embeddings = new Float32Array(total * this.embeddingDim);
    let at = 0;
    for (const p of batch) {
      images.set(p.images.subarray(0, p.n * sliceLen), at * sliceLen);
      for (let s = 0; s < p.n; s++) embeddings.set(p.embedding, (at + s) * this.embeddingDim);
      at += p.n;
    }
    const started = performance.now();
    const run = this.infer(images, embeddings, total).then(
      (out) => {
        const seconds = (performance.now() - started) / 1000;
        let from = 0;
        for (const p of batch) {
          p.resolve({ dsc: out.slice(from, from + p.n), seconds: (seconds * p.n) / total });
          from += p.n;
        }
      },
      (err) => {
        for (const p of batch) p.reject(err);
      },
    );
    const tracked = run.finally(() => this.inflight.delete(tracked));
    this.inflight.add(tracked);
  }
}
