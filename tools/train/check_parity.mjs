#!/usr/bin/env node
// Checks an exported model the way the app loads it, against torch's outputs: the app's own session code reads
// the card (schema, sha256, file name), opens ONNX Runtime on the CPU and checks the graph's signature; then the
// parity fixture's inputs must give torch's outputs within 1e-4. Python has no ONNX Runtime here, so the Python
// exporters' tests call this.
//
//   node tools/train/check_parity.mjs <model.onnx> [<model.parity.json>]
//
// The fixture comes from `export_onnx.py --parity` or `export_official.py --parity` (default: beside the model).
// Exit 0: parity holds; 1: it does not, or the model, card or fixture is unusable; 2: usage.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { register } from 'tsx/esm/api';

const TOLERANCE = 1e-4;
const EMBEDDING_DIM = 512;

register();
const { createSession } = await import('../../src/core/inference/session.ts');
const { calibrateValue } = await import('../../src/core/inference/calibration.ts');

function fail(message, code = 1) {
  console.error(`check_parity: ${message}`);
  process.exit(code);
}

const [modelArg, parityArg] = process.argv.slice(2);
if (!modelArg || !modelArg.endsWith('.onnx') || process.argv.length > 4) {
  fail('usage: node tools/train/check_parity.mjs <model.onnx> [<model.parity.json>]', 2);
}
const modelPath = resolve(modelArg);
const parityPath = resolve(parityArg ?? modelPath.replace(/\.onnx$/, '.parity.json'));

/** The fixture's inputs and torch's outputs; the .bin holds images [n,2,S,S] then embeddings [n,512], float32 LE. */
async function readFixture(path) {
  const meta = JSON.parse(await readFile(path, 'utf8'));
  const { n, size, dsc } = meta;
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(size) || !Array.isArray(dsc) || dsc.length !== n) {
    throw new Error(`${path}: expected integer "n" and "size" and "dsc" with n values`);
  }
  const binPath = resolve(dirname(path), meta.bin);
  const bytes = await readFile(binPath);
  const imageLen = n * 2 * size * size;
  if (bytes.length !== 4 * (imageLen + n * EMBEDDING_DIM)) {
    throw new Error(`${binPath}: ${bytes.length} bytes; n=${n}, size=${size} need ${4 * (imageLen + n * EMBEDDING_DIM)}`);
  }
  // Copy into an aligned buffer (a Buffer may start at any offset of a shared pool); the machine is little-endian.
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  const tolerance = Math.min(TOLERANCE, typeof meta.tolerance === 'number' ? meta.tolerance : TOLERANCE);
  return { n, size, dsc, tolerance, images: all.subarray(0, imageLen), embeddings: all.subarray(imageLen) };
}

let fixture;
try {
  fixture = await readFixture(parityPath);
} catch (err) {
  fail(`parity fixture unusable: ${err.message}`);
}

let session;
try {
  session = await createSession(modelPath, { executionProviders: ['cpu'], threads: 2 });
} catch (err) {
  fail(err.message);
}
const { card } = session.info;
try {
  if (card.input.size !== fixture.size) {
    fail(`${parityPath}: inputs of size ${fixture.size}, but the card says the model takes ${card.input.size}`);
  }
  const got = await session.run(fixture.images, fixture.embeddings, fixture.n);
  // The session applies the card's calibration after the model; torch's outputs are the model's alone.
  const want = fixture.dsc.map((v) => (card.calibration ? calibrateValue(v, card.calibration) : v));
  let worst = 0;
  for (let i = 0; i < fixture.n; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
  const summary =
    `${card.name}@${card.version} (${card.purpose}), n=${fixture.n}, size ${fixture.size}: ` +
    `max |onnx - torch| = ${worst.toExponential(2)} (tolerance ${fixture.tolerance})`;
  if (!(worst <= fixture.tolerance)) {
    fail(`parity FAILED: ${summary}\n  onnx:  ${Array.from(got).join(', ')}\n  torch: ${want.join(', ')}`);
  }
  console.log(`parity ok: ${summary}`);
  if (Math.max(...want) === Math.min(...want)) {
    console.log('note: every torch output is the same value, so this fixture cannot tell inputs apart');
  }
} finally {
  await session.release();
}
