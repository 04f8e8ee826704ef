/**
 * A mask-preparation worker (worker_threads): decoding a full-size mask (any format) and scanning it take ~150 ms of CPU each;
 * doing that here keeps the caller's event loop free and lets several masks decode on several cores.
 */
import { parentPort, type MessagePort } from 'node:worker_threads';
import { asSentinelError } from '../errors';
import { preprocessLabel } from '../sentinel/preprocess';
import { fitToCt } from '../dataset/grid-rule';
import { readMaskVolume } from '../dataset/read-volume';
import { viewShared, type PrepRequest, type PrepResponse } from './prep-protocol';
import { maskValueNote } from './voxel-checks';

function workerPort(): MessagePort {
  if (!parentPort) throw new Error('src/core/scoring/prep-worker.ts runs only as a worker thread');
  return parentPort;
}
const port = workerPort();

async function prepare(req: PrepRequest): Promise<PrepResponse> {
  let mask;
  try {
    mask = await readMaskVolume(req.path, req.referenceGrid ? { referenceGrid: req.referenceGrid } : {});
  } catch (err) {
    const e = asSentinelError(err, req.displayPath);
    return { id: req.id, status: 'error', message: e.file ? e.message.replace(req.path, req.displayPath) : e.message };
  }
  // A binary mask file that holds other values is scored (> 0 is inside) with a note (scoring/voxel-checks.ts).
  const valueNote = maskValueNote(mask.volume.data);
  const fitted = fitToCt(mask.volume, req.ct.grid, mask.fileGrid);
  if (!fitted.ok) return { id: req.id, status: 'grid_mismatch', message: `${req.displayPath}: ${fitted.reason}` };
  const ct = { grid: req.ct.grid, data: viewShared(req.ct) };
  const s = req.settings;
  const prep = preprocessLabel(ct, fitted.volume, {
    size: s.size,
    maxSlices: s.maxSlices,
    window: s.window,
    margin: s.margin,
    ctNormalise: s.ctNormalise,
    maskNormalise: s.maskNormalise,
  });
  if (prep.slices.length === 0) return { id: req.id, status: 'empty', message: 'the mask has no voxel' };
  const warning = [fitted.warning, valueNote].filter(Boolean).join('; ');
  return { id: req.id, status: 'ok', slices: prep.slices, tensors: prep.tensors, ...(warning ? { warning } : {}) };
}

port.on('message', (req: PrepRequest) => {
  void prepare(req).then(
    (res) => port.postMessage(res, res.status === 'ok' ? [res.tensors.buffer as ArrayBuffer] : []),
    (err) => port.postMessage({ id: req.id, status: 'error', message: asSentinelError(err, req.displayPath).message } satisfies PrepResponse),
  );
});
