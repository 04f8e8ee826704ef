/**
 * The inference worker (worker_threads): owns one ONNX Runtime session, so preprocessing and the UI's event loop
 * never wait on the model. Requests run one at a time in arrival order; every failure goes back as a value.
 */
import { parentPort, type MessagePort } from 'node:worker_threads';
import { asSentinelError, SentinelError } from '../errors';
import { createSession, type SentinelSession } from './session';
import { toWireError, transferablesOf, type WorkerRequest, type WorkerResponse } from './worker-protocol';

function workerPort(): MessagePort {
  if (!parentPort) throw new Error('src/core/inference/worker.ts runs only as a worker thread');
  return parentPort;
}
const port = workerPort();

let session: SentinelSession | null = null;
let queue: Promise<void> = Promise.resolve();

function reply(msg: WorkerResponse, transfer: ArrayBuffer[] = []): void {
  port.postMessage(msg, transfer);
}

async function handle(req: WorkerRequest): Promise<void> {
  try {
    switch (req.type) {
      case 'start': {
        if (session) await session.release();
        session = null;
        const { modelPath, ...rest } = req.options;
        session = await createSession(modelPath, rest);
        reply({ type: 'started', id: req.id, info: session.info });
        return;
      }
      case 'infer': {
        if (!session) throw new SentinelError('model', 'the inference worker has no model loaded (call start first)');
        const dsc = await session.run(req.images, req.embeddings, req.n);
        reply({ type: 'result', id: req.id, dsc }, transferablesOf(dsc));
        return;
      }
      case 'close': {
        if (session) await session.release();
        session = null;
        reply({ type: 'closed', id: req.id });
        return;
      }
    }
  } catch (err) {
    const file = req.type === 'start' ? req.options.modelPath : session?.info.modelPath;
    reply({ type: 'error', id: req.id, error: toWireError(asSentinelError(err, file)) });
  }
}

port.on('message', (req: WorkerRequest) => {
  queue = queue.then(() => handle(req));
});
