import { readFile, rm, writeFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SentinelError } from '../../../src/core/errors';
import { calibrateValue } from '../../../src/core/inference/calibration';
import { sha256Hex } from '../../../src/core/inference/model-file';
import { createSession, openOrtSession, type OpenOrtSession, type SentinelSession } from '../../../src/core/inference/session';
import { loadParity, readTinyCard, scratchCopy, syntheticInputs, TINY, writeJson } from './helpers';

const S = 128;
const IMG = 2 * S * S;

describe('ONNX Runtime session of the tiny model', () => {
  let session: SentinelSession;
  beforeAll(async () => {
    session = await createSession(TINY, { executionProviders: ['cpu'], threads: 2 });
  });
  afterAll(async () => {
    await session.release();
  });

  it('matches torch on the parity fixture within its tolerance', async () => {
    const p = await loadParity();
    expect(p.tolerance).toBeLessThanOrEqual(1e-4);
    const dsc = await session.run(p.images, p.embeddings, p.n);
    expect(dsc.length).toBe(p.n);
    for (let i = 0; i < p.n; i++) expect(Math.abs(dsc[i] - p.dsc[i])).toBeLessThan(p.tolerance);
    // The fixture's inputs give different outputs, so the check can tell a wrong input apart.
    expect(Math.max(...p.dsc) - Math.min(...p.dsc)).toBeGreaterThan(0.05);
  });

  it('reports the card, the provider and the thread count', () => {
    expect(session.info.provider).toBe('cpu');
    expect(session.info.attempts).toEqual([{ provider: 'cpu', ok: true }]);
    expect(session.info.threads).toBe(2);
    expect(session.info.batchSize).toBe(32);
    expect(session.info.card.name).toBe('tiny-random');
  });

  it('gives the same values whatever the chunking (n = 70 across 32-slice chunks)', async () => {
    const n = 70;
    const { images, embeddings } = syntheticInputs(n, S, 7);
    const chunked = await session.run(images, embeddings, n);
    const one = await createSession(TINY, { executionProviders: ['cpu'], threads: 2, batchSize: 1 });
    const whole = await createSession(TINY, { executionProviders: ['cpu'], threads: 2, batchSize: 128 });
    try {
      const single = await one.run(images, embeddings, n);
      const all = await whole.run(images, embeddings, n);
      for (let i = 0; i < n; i++) {
        expect(Math.abs(chunked[i] - single[i])).toBeLessThan(1e-6);
        expect(Math.abs(chunked[i] - all[i])).toBeLessThan(1e-6);
      }
      // Each slice's value belongs to that slice: running slice 40 alone gives chunked[40].
      const alone = await one.run(images.slice(40 * IMG, 41 * IMG), embeddings.slice(40 * 512, 41 * 512), 1);
      expect(Math.abs(alone[0] - chunked[40])).toBeLessThan(1e-6);
    } finally {
      await one.release();
      await whole.release();
    }
  });

  it('returns an empty result for zero slices and rejects inconsistent lengths', async () => {
    expect((await session.run(new Float32Array(0), new Float32Array(0), 0)).length).toBe(0);
    await expect(session.run(new Float32Array(IMG), new Float32Array(512), 2)).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(session.run(new Float32Array(IMG), new Float32Array(511), 1)).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});

describe('execution provider fallback', () => {
  it('falls back to cpu when cuda fails, keeping the reason', async () => {
    const seen: Array<{ provider: string; options: ort.InferenceSession.SessionOptions }> = [];
    const open: OpenOrtSession = async (bytes, options, provider) => {
      seen.push({ provider, options });
      if (provider === 'cuda') throw new Error('simulated: libcudart.so.12: cannot open shared object file');
      return openOrtSession(bytes, options, provider);
    };
    const session = await createSession(TINY, { executionProviders: ['cuda', 'cpu'], threads: 2, openOrtSession: open });
    try {
      expect(session.info.provider).toBe('cpu');
      expect(session.info.attempts).toEqual([
        { provider: 'cuda', ok: false, error: 'simulated: libcudart.so.12: cannot open shared object file' },
        { provider: 'cpu', ok: true },
      ]);
      expect(session.info.providerNote).toContain('cuda unavailable (simulated: libcudart.so.12');
      expect(seen.map((s) => s.provider)).toEqual(['cuda', 'cpu']);
      expect(seen[1].options.executionProviders).toEqual(['cpu']);
      // Threads explicit and spinning off on every attempt.
      for (const s of seen) {
        expect(s.options.intraOpNumThreads).toBe(2);
        expect(s.options.extra).toMatchObject({ 'session.intra_op.allow_spinning': '0' });
      }
      const p = await loadParity();
      const dsc = await session.run(p.images, p.embeddings, p.n);
      expect(Math.abs(dsc[0] - p.dsc[0])).toBeLessThan(p.tolerance);
    } finally {
      await session.release();
    }
  });

  it('appends cpu when the user lists only accelerators, and tries them in order', async () => {
    const tried: string[] = [];
    const open: OpenOrtSession = async (bytes, options, provider) => {
      tried.push(provider);
      if (provider !== 'cpu') throw new Error(`${provider} is not here`);
      return openOrtSession(bytes, options, provider);
    };
    const session = await createSession(TINY, { executionProviders: ['dml', 'coreml', 'cuda'], threads: 1, openOrtSession: open });
    await session.release();
    expect(tried).toEqual(['dml', 'coreml', 'cuda', 'cpu']);
    expect(session.info.attempts.filter((a) => !a.ok).map((a) => a.error)).toEqual(['dml is not here', 'coreml is not here', 'cuda is not here']);
  });

  it('uses the real providers: cuda where it loads, else cpu with the reason', async () => {
    const session = await createSession(TINY, { executionProviders: ['cuda'], threads: 2 });
    try {
      expect(['cuda', 'cpu']).toContain(session.info.provider);
      if (session.info.provider === 'cpu') {
        expect(session.info.attempts[0].provider).toBe('cuda');
        expect(session.info.attempts[0].error).toBeTruthy();
      }
    } finally {
      await session.release();
    }
  });

  it('is a model error naming the file when even the cpu fails', async () => {
    const open: OpenOrtSession = async () => {
      throw new Error('simulated failure');
    };
    const err = await createSession(TINY, { executionProviders: ['cpu'], openOrtSession: open }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'model', file: TINY });
    expect((err as Error).message).toContain('cpu: simulated failure');
  });
});

describe('model file errors', () => {
  it('names a missing model file, with a hint', async () => {
    const missing = '/nonexistent/models/qs.onnx';
    const err = await createSession(missing, { executionProviders: ['cpu'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SentinelError);
    expect(err).toMatchObject({ code: 'model', file: missing });
    expect((err as Error).message).toMatch(/model file not found; check the model path/);
  });

  it('names a model whose card is missing', async () => {
    const s = await scratchCopy();
    try {
      await rm(s.card);
      await expect(createSession(s.model, { executionProviders: ['cpu'] })).rejects.toMatchObject({ code: 'model', file: s.card });
    } finally {
      await s.cleanup();
    }
  });

  it('names a corrupt model file (card hash matching the damaged bytes)', async () => {
    const s = await scratchCopy();
    try {
      const bytes = await readFile(s.model);
      const damaged = bytes.subarray(0, bytes.length >> 1);
      await writeFile(s.model, damaged);
      const card = await readTinyCard();
      (card.onnx as Record<string, unknown>).sha256 = sha256Hex(damaged);
      await writeJson(s.card, card);
      const err = await createSession(s.model, { executionProviders: ['cpu'] }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'model', file: s.model });
      expect((err as Error).message).toMatch(/ONNX Runtime could not load the model \(cpu: .+\).*restore it or re-export it/);
    } finally {
      await s.cleanup();
    }
  });

  it('rejects a model whose graph does not match the card (input size)', async () => {
    const s = await scratchCopy();
    try {
      const card = await readTinyCard();
      (card.input as Record<string, unknown>).size = 64;
      const onnx = card.onnx as { inputs: Array<{ shape: unknown[] }> };
      onnx.inputs[0].shape = ['N', 2, 64, 64];
      await writeJson(s.card, card);
      const err = await createSession(s.model, { executionProviders: ['cpu'] }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'model', file: s.model });
      expect((err as Error).message).toContain('"image" is [N, 2, 128, 128]; expected [N, 2, 64, 64]');
    } finally {
      await s.cleanup();
    }
  });
});

describe('calibration', () => {
  const table = { x: [0.2, 0.6, 0.8], y: [0.1, 0.5, 0.9] };

  it('interpolates between knots and holds the ends', () => {
    expect(calibrateValue(0, table)).toBe(0.1);
    expect(calibrateValue(0.2, table)).toBe(0.1);
    expect(calibrateValue(0.4, table)).toBeCloseTo(0.3, 12); // halfway from (0.2, 0.1) to (0.6, 0.5)
    expect(calibrateValue(0.7, table)).toBeCloseTo(0.7, 12); // halfway from (0.6, 0.5) to (0.8, 0.9)
    expect(calibrateValue(0.95, table)).toBe(0.9);
  });

  it('is applied by the session after the model', async () => {
    const s = await scratchCopy();
    try {
      const card = await readTinyCard();
      card.calibration = table;
      await writeJson(s.card, card);
      const { images, embeddings } = syntheticInputs(5, S, 3);
      const plain = await createSession(TINY, { executionProviders: ['cpu'], threads: 1 });
      const calibrated = await createSession(s.model, { executionProviders: ['cpu'], threads: 1 });
      try {
        const raw = await plain.run(images, embeddings, 5);
        const cal = await calibrated.run(images, embeddings, 5);
        for (let i = 0; i < 5; i++) expect(cal[i]).toBeCloseTo(Math.fround(calibrateValue(raw[i], table)), 6);
      } finally {
        await plain.release();
        await calibrated.release();
      }
    } finally {
      await s.cleanup();
    }
  });
});
