/**
 * A small pool of mask-preparation workers. Each request goes to the least busy worker; a worker that dies
 * fails its pending requests with a clear message and is replaced on the next request.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { workerScriptNear, type WorkerScript } from '../inference/worker-script';
import type { PrepRequest, PrepResponse } from './prep-protocol';

/** The prep worker when running from source, else a `prep-worker.js` built beside this module. */
export function defaultPrepWorkerScript(): WorkerScript {
  return workerScriptNear(import.meta.url, 'prep-worker');
}

interface Slot {
  worker: Worker;
  pending: Map<number, (r: PrepResponse) => void>;
}

export class PrepPool {
  private readonly slots: (Slot | null)[];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly script: WorkerScript = defaultPrepWorkerScript(),
    size = Math.max(1, Math.min(4, availableParallelism())),
  ) {
    this.slots = Array.from({ length: size }, () => null);
  }

  get size(): number {
    return this.slots.length;
  }

  prepare(req: Omit<PrepRequest, 'id'>): Promise<PrepResponse> {
    if (this.closed) return Promise.resolve({ id: 0, status: 'error', message: 'scoring was closed' });
    const slot = this.leastBusy();
    const id = this.nextId++;
    return new Promise((resolve) => {
      slot.pending.set(id, resolve);
      slot.worker.postMessage({ ...req, id } satisfies PrepRequest);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s?.worker.terminate()));
    this.slots.fill(null);
  }

  private leastBusy(): Slot {
    let best = 0;
    for (let i = 0; i < this.slots.length; i++) {
      const s = this.slots[i];
      if (!s) return this.spawn(i);
      if (s.pending.size < (this.slots[best]?.pending.size ?? Infinity)) best = i;
    }
    return this.slots[best] as Slot;
  }

  private spawn(i: number): Slot {
    const worker = new Worker(this.script.path, { execArgv: this.script.execArgv });
    const slot: Slot = { worker, pending: new Map() };
    worker.unref();
    worker.on('message', (r: PrepResponse) => {
      const done = slot.pending.get(r.id);
      slot.pending.delete(r.id);
      done?.(r);
    });
    const fail = (why: string): void => {
      for (const [id, done] of slot.pending) done({ id, status: 'error', message: `mask preparation worker stopped: ${why}` });
      slot.pending.clear();
      if (this.slots[i] === slot) this.slots[i] = null;
    };
    worker.on('error', (e) => fail(e.message));
    worker.on('exit', (code) => fail(`exit code ${code}`));
    this.slots[i] = slot;
    return slot;
  }
}
