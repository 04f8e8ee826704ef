/**
 * The Engine with the random-weight test model on a scratch copy of the bundled sample: scoring every label,
 * pause/resume, cancel, and the priority classes. One Engine (one model load) serves the whole file.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../src/core/engine/engine';
import { SentinelError } from '../../../src/core/errors';
import type { EngineEvent, ScoringProgress } from '../../../src/shared/api';
import type { LabelScore } from '../../../src/shared/scores';
import { copySample, listMasks, scratchDir, sleep, TINY, waitFor, type SampleMask, type Scratch } from './fixtures';

/** Everything one listener saw, with helpers over it. */
class Recorder {
  readonly events: EngineEvent[] = [];
  constructor(private readonly root: string) {}
  listen = (e: EngineEvent): void => {
    this.events.push(e);
  };
  get scores(): LabelScore[] {
    return this.events.flatMap((e) => (e.type === 'score' && e.root === this.root ? [e.score] : []));
  }
  get progress(): ScoringProgress[] {
    return this.events.flatMap((e) => (e.type === 'progress' && e.progress.root === this.root ? [e.progress] : []));
  }
  get lastProgress(): ScoringProgress | undefined {
    return this.progress.at(-1);
  }
}

describe('Engine', () => {
  let tmp: Scratch;
  let root: string;
  let masks: SampleMask[];
  let engine: Engine;
  const stops: (() => void)[] = [];

  /** Opens (re-opens: counters restart) the project and records what follows. */
  async function fresh(): Promise<Recorder> {
    await engine.openProject(root);
    const rec = new Recorder(root);
    stops.push(engine.subscribe(rec.listen));
    return rec;
  }

  beforeAll(async () => {
    tmp = await scratchDir('engine');
    root = await copySample(join(tmp.dir, 'sample'));
    masks = await listMasks(root);
    engine = new Engine({ modelPath: TINY, executionProviders: ['cpu'], threads: 1 });
  });

  afterAll(async () => {
    for (const stop of stops) stop();
    await engine?.close();
    await tmp?.cleanup();
  });

  it('reports the loaded test model', async () => {
    const info = await engine.engineInfo();
    expect(info).toMatchObject({ model: 'tiny-random@0.1.0', modelPurpose: 'test-only', ep: 'cpu', modelError: null });
  });

  it('refuses to score a project that is not open', async () => {
    await expect(engine.score({ root: join(tmp.dir, 'elsewhere') })).rejects.toBeInstanceOf(SentinelError);
  });

  it('opens a project and scores every label: one event each, progress ends at done=81, idle', async () => {
    const rec = new Recorder(root);
    stops.push(engine.subscribe(rec.listen));
    const snap = await engine.openProject(root);
    expect(snap.root).toBe(root);
    expect(snap.layout).toBe('totalsegmentator');
    expect(snap.cases.map((c) => c.id).sort()).toEqual(['s0001', 's0001_fast']);
    expect(snap.labels.map((l) => l.labelPath).sort()).toEqual(masks.map((m) => m.labelPath));
    expect(snap.labels.every((l) => l.status === 'ok' && l.organId !== null)).toBe(true);
    const scans = rec.events.filter((e) => e.type === 'scan');
    expect(scans.length).toBeGreaterThan(0);
    const lastScan = scans.at(-1) as Extract<EngineEvent, { type: 'scan' }>;
    expect(lastScan.scanned).toBe(lastScan.total);

    expect(await engine.score({ root })).toEqual({ queued: masks.length });
    await waitFor(() => rec.lastProgress?.done === masks.length && rec.lastProgress.state === 'idle', 'progress done=81, idle');
    const final = rec.lastProgress as ScoringProgress;
    expect(final).toMatchObject({ root, state: 'idle', queued: 0, done: masks.length, failed: 0 });

    const scores = rec.scores;
    expect(scores.map((s) => s.labelPath).sort()).toEqual(masks.map((m) => m.labelPath));
    for (const s of scores) {
      expect(s.status, s.labelPath).toBe('ok');
      expect(s.model).toBe('tiny-random@0.1.0');
      expect(s.sliceDsc.length).toBe(s.slices.length);
      expect(s.slices.length).toBeGreaterThan(0);
      for (const v of s.sliceDsc) expect(v >= 0 && v <= 1, s.labelPath).toBe(true);
      expect(s.worstSliceDsc).toBe(Math.min(...s.sliceDsc));
      expect(s.slices).toContain(s.worstSlice);
      const mean = s.sliceDsc.reduce((a, b) => a + b, 0) / s.sliceDsc.length;
      expect(Math.abs((s.predictedDsc as number) - mean)).toBeLessThan(1e-9);
    }
    // Progress counted up as scores arrived.
    const dones = rec.progress.map((p) => p.done);
    expect(dones).toEqual([...dones].sort((a, b) => a - b));
  });

  it('pause stops further work within the labels already in flight; resume finishes every label once', async () => {
    const rec = await fresh();
    let atPause = -1;
    const stop = engine.subscribe((e) => {
      if (e.type === 'score' && atPause < 0 && rec.scores.length >= 5) {
        atPause = rec.scores.length;
        void engine.controlScoring({ root, action: 'pause' });
      }
    });
    stops.push(stop);
    await engine.score({ root });
    await waitFor(() => atPause > 0, 'five scores');
    // The case in flight winds down and puts its unscored labels back: then the queue holds all the rest.
    await waitFor(() => rec.lastProgress?.state === 'paused' && rec.lastProgress.queued + rec.scores.length === masks.length, 'the pause to settle');
    const paused = rec.scores.length;
    // Only labels that were already being decoded (3 at a time per case) may still finish.
    expect(paused - atPause).toBeLessThanOrEqual(3);
    expect(paused).toBeLessThan(masks.length);
    await sleep(500);
    expect(rec.scores.length).toBe(paused);

    const resumed = await engine.controlScoring({ root, action: 'resume' });
    expect(resumed.state).toBe('running');
    await waitFor(() => rec.lastProgress?.state === 'idle', 'idle after resume');
    const paths = rec.scores.map((s) => s.labelPath);
    expect(paths).toHaveLength(masks.length);
    expect([...new Set(paths)].sort()).toEqual(masks.map((m) => m.labelPath));
    expect(rec.lastProgress).toMatchObject({ done: masks.length, queued: 0 });
  });

  it('cancel empties the queue, stops the case in flight, and scoring works again afterwards', async () => {
    // Cancel while paused: everything queued goes, nothing runs on resume.
    let rec = await fresh();
    await engine.controlScoring({ root, action: 'pause' });
    expect((await engine.score({ root })).queued).toBe(masks.length);
    const cancelled = await engine.controlScoring({ root, action: 'cancel' });
    expect(cancelled.queued).toBe(0);
    await engine.controlScoring({ root, action: 'resume' });
    await sleep(400);
    expect(rec.scores).toHaveLength(0);
    expect(rec.lastProgress).toMatchObject({ state: 'idle', queued: 0 });

    // Cancel mid-run.
    rec = await fresh();
    let atCancel = -1;
    stops.push(
      engine.subscribe((e) => {
        if (e.type === 'score' && atCancel < 0 && rec.scores.length >= 3) {
          atCancel = rec.scores.length;
          void engine.controlScoring({ root, action: 'cancel' });
        }
      }),
    );
    await engine.score({ root });
    await waitFor(() => atCancel > 0, 'three scores');
    await waitFor(() => rec.lastProgress?.state === 'idle', 'idle after cancel');
    expect(rec.lastProgress?.queued).toBe(0);
    const after = rec.scores.length;
    expect(after - atCancel).toBeLessThanOrEqual(3);
    expect(after).toBeLessThan(masks.length);
    await sleep(400);
    expect(rec.scores.length).toBe(after);

    // The engine still scores what is asked next.
    const two = [masks[0].labelPath, masks[masks.length - 1].labelPath];
    expect(await engine.score({ root, labelPaths: two })).toEqual({ queued: 2 });
    await waitFor(() => rec.scores.length === after + 2 && rec.lastProgress?.state === 'idle', 'two more scores');
    expect(rec.scores.slice(after).map((s) => s.labelPath).sort()).toEqual([...two].sort());
  });

  it('an interactive label jumps ahead of a case queued earlier as unscored', async () => {
    const rec = await fresh();
    const caseA = masks.filter((m) => m.caseId === 's0001').map((m) => m.labelPath);
    const fromB = masks.find((m) => m.caseId === 's0001_fast' && m.organ === 'liver')?.labelPath as string;
    expect(caseA.length).toBeGreaterThan(0);
    // Paused, so the order is decided by the queue alone, not by how fast the first job starts.
    await engine.controlScoring({ root, action: 'pause' });
    expect(await engine.score({ root, labelPaths: caseA, priority: 'unscored' })).toEqual({ queued: caseA.length });
    expect(await engine.score({ root, labelPaths: [fromB], priority: 'interactive' })).toEqual({ queued: 1 });
    expect(rec.lastProgress).toMatchObject({ state: 'paused', queued: caseA.length + 1 });
    await engine.controlScoring({ root, action: 'resume' });
    await waitFor(() => rec.scores.length === caseA.length + 1 && rec.lastProgress?.state === 'idle', 'all queued scores');
    const order = rec.scores.map((s) => s.labelPath);
    expect(order[0]).toBe(fromB);
    expect(order.slice(1).sort()).toEqual([...caseA].sort());
  });

  it('without a usable model: engineInfo says why, and scoring reports an error event', async () => {
    const broken = new Engine({ modelPath: join(tmp.dir, 'missing-model.onnx'), executionProviders: ['cpu'] });
    try {
      const info = await broken.engineInfo();
      expect(info.model).toBeNull();
      expect(info.modelError).toContain('missing-model.onnx');
      const events: EngineEvent[] = [];
      broken.subscribe((e) => events.push(e));
      await broken.openProject(root);
      await broken.score({ root, labelPaths: [masks[0].labelPath] });
      await waitFor(() => events.some((e) => e.type === 'error'), 'an error event');
      const err = events.find((e) => e.type === 'error') as Extract<EngineEvent, { type: 'error' }>;
      expect(err.message).toContain('missing-model.onnx');
      expect(events.some((e) => e.type === 'score')).toBe(false);
    } finally {
      await broken.close();
    }
  });
});
