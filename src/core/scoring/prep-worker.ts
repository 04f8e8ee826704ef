/**
 * A mask-preparation worker (worker_threads): inflating a full-size mask and scanning it take ~150 ms of CPU each;
 * doing that here keeps the caller's event loop free and lets several masks decode on several cores.
 */
import { parentPort, type MessagePort } from 'node:worker_threads';
import { asSentinelError } from '../errors';
import { readNifti, sameGrid, toCanonical } from '../nifti';
import { preprocessLabel } from '../sentinel/preprocess';
import { viewShared, type PrepRequest, type PrepResponse } from './prep-protocol';

function workerPort(): MessagePort {
  if (!parentPort) throw new Error('src/core/scoring/prep-worker.ts runs only as a worker thread');
  return parentPort;
}
const port = workerPort();

async function prepare(req: PrepRequest): Promise<PrepResponse> {
  let mask;
  try {
    mask = toCanonical((await readNifti(req.path)).volume).volume;
  } catch (err) {
    const e = asSentinelError(err, req.displayPath);
    return { id: req.id, status: 'error', message: e.file ? e.message.replace(req.path, req.displayPath) : e.message };
  }
  const grid = sameGrid(req.ct.grid, mask.grid);
  if (!grid.same) return { id: req.id, status: 'grid_mismatch', message: `${req.displayPath}: ${grid.reason ?? 'grid differs from the CT'}` };
  const ct = { grid: req.ct.grid, data: viewShared(req.ct) };
  const s = req.settings;
  const prep = preprocessLabel(ct, mask, {
    size: s.size,
    maxSlices: s.maxSlices,
    window: s.window,
    margin: s.margin,
    ctNormalise: s.ctNormalise,
    maskNormalise: s.maskNormalise,
  });
  if (prep.slices.length === 0) return { id: req.id, status: 'empty', message: 'the mask has no voxel' };
  return { id: req.id, status: 'ok', slices: prep.slices, tensors: prep.tensors };
}

port.on('message', (req: PrepRequest) => {
  void prepare(req).then(
    (res) => port.postMessage(res, res.status === 'ok' ? [res.tensors.buffer as ArrayBuffer] : []),
    (err) => port.postMessage({ id: req.id, status: 'error', message: asSentinelError(err, req.displayPath).message } satisfies PrepResponse),
  );
});
