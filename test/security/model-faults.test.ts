/**
 * Model faults as the app meets them, through the Engine behind both shells: what engineInfo says (the header of
 * the UI shows modelError and epNotes, e2e/model-faults.spec.ts) and what scoring does. Each fault names the file
 * and says what to do; a GPU provider that cannot load falls back to the CPU with the reason. The session-level
 * checks of each fault are in test/core/inference.
 */
import { appendFile, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/core/engine/engine';
import type { EngineEvent } from '../../src/shared/api';
import { readTinyCard, scratchCopy, TINY, writeJson } from '../core/inference/helpers';
import { copySample, scratchDir, waitFor, type Scratch } from '../core/engine/fixtures';

describe('model faults through the engine', () => {
  let tmp: Scratch;
  let dataset: string;
  beforeAll(async () => {
    tmp = await scratchDir('model-faults');
    dataset = await copySample(join(tmp.dir, 'sample'));
  });
  afterAll(async () => {
    await tmp?.cleanup();
  });

  /** engineInfo of an engine on `modelPath`, and the error event a score request then gives. */
  async function faultOf(modelPath: string): Promise<{ modelError: string | null; scoreError: string }> {
    const engine = new Engine({ modelPath, executionProviders: ['cpu'], threads: 1, workspacesDir: join(tmp.dir, 'ws') });
    try {
      const info = await engine.engineInfo();
      expect(info.model).toBeNull();
      const events: EngineEvent[] = [];
      engine.subscribe((e) => events.push(e));
      const snap = await engine.openProject(dataset);
      await engine.score({ root: dataset, labelPaths: [snap.labels[0].labelPath] });
      await waitFor(() => events.some((e) => e.type === 'error'), 'an error event');
      expect(events.some((e) => e.type === 'score' && e.score.status === 'ok')).toBe(false);
      return { modelError: info.modelError, scoreError: (events.find((e) => e.type === 'error') as { message: string }).message };
    } finally {
      await engine.close();
    }
  }

  it('a missing model file', async () => {
    const missing = join(tmp.dir, 'nowhere', 'model.onnx');
    const f = await faultOf(missing);
    expect(f.modelError).toContain(missing);
    expect(f.modelError).toMatch(/not found/);
    expect(f.scoreError).toContain(missing);
  });

  it('a corrupt model file (its card names the damaged bytes, so only ONNX Runtime can tell)', async () => {
    const s = await scratchCopy();
    try {
      const bytes = await readFile(s.model);
      const damaged = bytes.subarray(0, bytes.length >> 1);
      await writeFile(s.model, damaged);
      const card = await readTinyCard();
      const { createHash } = await import('node:crypto');
      (card.onnx as Record<string, unknown>).sha256 = createHash('sha256').update(damaged).digest('hex');
      await writeJson(s.card, card);
      const f = await faultOf(s.model);
      expect(f.modelError).toContain(s.model);
      expect(f.modelError).toMatch(/could not load the model/);
    } finally {
      await s.cleanup();
    }
  });

  it('a model whose bytes differ from its card (sha256)', async () => {
    const s = await scratchCopy();
    try {
      await appendFile(s.model, Buffer.from([0]));
      const f = await faultOf(s.model);
      expect(f.modelError).toContain(s.model);
      expect(f.modelError).toMatch(/sha256/);
    } finally {
      await s.cleanup();
    }
  });

  it('a model without its card, and a card that is not JSON', async () => {
    const s = await scratchCopy();
    try {
      await rm(s.card);
      expect((await faultOf(s.model)).modelError).toContain(s.card);
      await writeFile(s.card, '{ not json');
      expect((await faultOf(s.model)).modelError).toContain(s.card);
    } finally {
      await s.cleanup();
    }
  });

  it('CUDA that cannot load (no CUDA runtime here): the engine runs on the CPU and says why', async () => {
    const engine = new Engine({ modelPath: TINY, executionProviders: ['cuda', 'cpu'], threads: 1 });
    try {
      const info = await engine.engineInfo();
      expect(info.model).toBe('tiny-random@0.1.0');
      expect(info.modelError).toBeNull();
      expect(['cuda', 'cpu']).toContain(info.ep);
      if (info.ep === 'cpu') {
        expect(info.epNotes).toHaveLength(1);
        expect(info.epNotes[0]).toMatch(/^cuda: \S/);
      } else {
        console.log('CUDA loaded on this machine: the fallback is covered by the simulated failure in test/core/inference/session.test.ts');
      }
    } finally {
      await engine.close();
    }
  });
});
