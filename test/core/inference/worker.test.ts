import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SentinelError } from '../../../src/core/errors';
import { InferenceClient } from '../../../src/core/inference/client';
import { createSession, type SentinelSession } from '../../../src/core/inference/session';
import { defaultWorkerScript } from '../../../src/core/inference/worker-script';
import { loadParity, syntheticInputs, TINY } from './helpers';

const S = 128;

describe('inference worker', () => {
  let client: InferenceClient;
  let direct: SentinelSession;
  beforeAll(async () => {
    client = new InferenceClient();
    direct = await createSession(TINY, { executionProviders: ['cpu'], threads: 1 });
  });
  afterAll(async () => {
    await client.close();
    await direct.release();
  });

  it('runs the TypeScript worker from source by default', () => {
    const script = defaultWorkerScript();
    expect(String(script.path)).toMatch(/src\/core\/inference\/worker-from-source\.mjs$/);
  });

  it('loads the model in the worker and reports the session', async () => {
    const info = await client.start({ modelPath: TINY, executionProviders: ['cpu'], threads: 1, batchSize: 16 });
    expect(info.provider).toBe('cpu');
    expect(info.card.name).toBe('tiny-random');
    expect(info.batchSize).toBe(16);
    expect(client.info?.modelPath).toBe(TINY);
  });

  it('returns what the session returns in this thread, across chunk boundaries', async () => {
    const n = 37;
    const a = syntheticInputs(n, S, 11);
    const b = syntheticInputs(n, S, 11);
    const want = await direct.run(a.images, a.embeddings, n);
    const got = await client.infer(b.images, b.embeddings, n);
    expect(got.length).toBe(n);
    for (let i = 0; i < n; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-6);
    // The inputs were transferred, not copied: the caller's arrays are now detached.
    expect(b.images.length).toBe(0);
    expect(b.embeddings.length).toBe(0);
  });

  it('matches the torch parity fixture through the worker', async () => {
    const p = await loadParity();
    const got = await client.infer(p.images, p.embeddings, p.n);
    for (let i = 0; i < p.n; i++) expect(Math.abs(got[i] - p.dsc[i])).toBeLessThan(p.tolerance);
  });

  it('copies a view into a larger buffer instead of detaching it', async () => {
    const { images, embeddings } = syntheticInputs(3, S, 5);
    const one = images.subarray(0, 2 * S * S);
    const got = await client.infer(one, embeddings.subarray(0, 512), 1);
    expect(got.length).toBe(1);
    expect(images.length).toBe(3 * 2 * S * S);
  });

  it('runs concurrent requests and keeps each answer with its request', async () => {
    const a = syntheticInputs(4, S, 21);
    const b = syntheticInputs(6, S, 22);
    const wantA = await direct.run(a.images, a.embeddings, 4);
    const wantB = await direct.run(b.images, b.embeddings, 6);
    const [gotA, gotB] = await Promise.all([client.infer(a.images, a.embeddings, 4), client.infer(b.images, b.embeddings, 6)]);
    expect(Array.from(gotA)).toEqual(Array.from(wantA));
    expect(Array.from(gotB)).toEqual(Array.from(wantB));
  });

  it('returns errors inside the worker as SentinelErrors, and keeps working', async () => {
    const err = await client.infer(new Float32Array(10), new Float32Array(512), 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SentinelError);
    expect(err).toMatchObject({ code: 'invalid_argument', file: TINY });
    const { images, embeddings } = syntheticInputs(1, S, 1);
    expect((await client.infer(images, embeddings, 1)).length).toBe(1);
  });

  it('reports a missing model with its file name', async () => {
    const c = new InferenceClient();
    try {
      const missing = '/nonexistent/qs.onnx';
      const err = await c.start({ modelPath: missing, executionProviders: ['cpu'] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SentinelError);
      expect(err).toMatchObject({ code: 'model', file: missing });
      expect((err as Error).message).toBe(`${missing}: model file not found; check the model path in the settings, or reinstall the app to restore its default model`);
    } finally {
      await c.close();
    }
  });

  it('rejects a request made before start', async () => {
    const c = new InferenceClient();
    await expect(c.infer(new Float32Array(0), new Float32Array(0), 0)).rejects.toMatchObject({ code: 'model', message: expect.stringContaining('call start first') });
  });

  it('rejects pending calls with a clear message when the worker crashes', async () => {
    const c = new InferenceClient();
    const worker = { path: fileURLToPath(new URL('./fixtures/crashing-worker.mjs', import.meta.url)), execArgv: [] };
    const err = await c.start({ modelPath: TINY, executionProviders: ['cpu'], worker }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SentinelError);
    expect((err as Error).message).toContain('the inference worker crashed: simulated native crash');
    // The client is usable again: a later call says the worker is gone instead of hanging.
    await expect(c.infer(new Float32Array(0), new Float32Array(0), 0)).rejects.toMatchObject({ message: expect.stringContaining('not running') });
    await c.close();
  });
});
