import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BrushStroke,
  EditHistory,
  EditRecorder,
  VoxelDiff,
  ijkOf,
  sliceFrame,
  unionExtent,
  type SliceAxis,
} from '../../../src/renderer/src/tools';
import { emptyMask, grid, rng, sameArray } from './helpers';

/** A random stroke of a few samples on a random slice; returns its diff (null when it changed nothing). */
function randomStroke(mask: Uint8Array, g: ReturnType<typeof grid>, rand: () => number, history?: EditHistory): VoxelDiff | null {
  const axis = (['axial', 'coronal', 'sagittal'] as SliceAxis[])[Math.floor(rand() * 3)];
  const f = sliceFrame(g, axis, Math.floor(rand() * g.dims[axis === 'axial' ? 2 : axis === 'coronal' ? 1 : 0]));
  const rec = new EditRecorder(mask, g, { capacity: 16 });
  const stroke = new BrushStroke(f, { radiusMm: 0.5 + rand() * 3, value: rand() < 0.7 ? 1 : 0 }, rec);
  for (let s = 0; s < 3; s++) stroke.addPoint({ u: rand() * f.width, v: rand() * f.height });
  const diff = rec.finish();
  if (diff && history) history.push(diff);
  return diff;
}

describe('edit recorder and diffs', () => {
  it('records each changed voxel once, ascending, with the value before the stroke', () => {
    const g = grid(10, 10, 10);
    const mask = emptyMask(g);
    mask[5] = 1;
    const before = mask.slice();
    const rec = new EditRecorder(mask, g);
    expect(rec.write(70, 1)).toBe(true);
    expect(rec.write(3, 2)).toBe(true);
    expect(rec.write(5, 1)).toBe(false); // unchanged
    expect(rec.write(3, 3)).toBe(true); // second write: the diff keeps the value from before the stroke
    expect(rec.write(40, 1)).toBe(true);
    expect(rec.write(40, 0)).toBe(true); // back to its old value: not part of the diff
    const diff = rec.finish() as VoxelDiff;
    expect([...diff.indices]).toEqual([3, 70]);
    expect([...diff.oldValues(mask)]).toEqual([before[3], before[70]]);
    expect([...diff.newValues(mask)]).toEqual([3, 1]);
    diff.revert(mask);
    expect(sameArray(mask, before)).toBe(true);
    expect([...diff.newValues(mask)]).toEqual([3, 1]);
    expect([...diff.oldValues(mask)]).toEqual([0, 0]);
    diff.apply(mask);
    expect(mask[3]).toBe(3);
    expect(mask[70]).toBe(1);
    expect(rec.finish()).toBeNull();
  });

  it('never paints a protected voxel but may erase it, and cancels a stroke', () => {
    const g = grid(4, 4, 4);
    const mask = emptyMask(g);
    mask[8] = 1;
    const rec = new EditRecorder(mask, g, { protect: (i) => i === 9 || i === 8 });
    expect(rec.write(9, 1)).toBe(false);
    expect(rec.write(8, 0)).toBe(true);
    rec.write(10, 1);
    rec.write(11, 1);
    rec.cancel();
    expect([...mask.keys()].filter((i) => mask[i] !== 0)).toEqual([8]);
    expect(rec.finish()).toBeNull();
  });

  it('reports the changed extent (min/max i, j, k) of every diff', () => {
    const g = grid(23, 17, 11, [0.7, 0.9, 2.5]);
    const mask = emptyMask(g);
    const rand = rng(3);
    let seen = 0;
    for (let n = 0; n < 40; n++) {
      const diff = randomStroke(mask, g, rand);
      if (!diff) continue;
      seen++;
      const ijk = [...diff.indices].map((i) => ijkOf(i, g.dims));
      const lo = [0, 1, 2].map((a) => Math.min(...ijk.map((p) => p[a])));
      const hi = [0, 1, 2].map((a) => Math.max(...ijk.map((p) => p[a])));
      expect(diff.extent).toEqual([lo[0], hi[0], lo[1], hi[1], lo[2], hi[2]]);
      expect(diff.byteLength).toBe(diff.size * 5);
    }
    expect(seen).toBeGreaterThan(20);
    expect(unionExtent([1, 2, 3, 4, 5, 6], [0, 1, 4, 9, 5, 5])).toEqual([0, 2, 3, 9, 5, 6]);
  });

  it('refuses unsorted indices and double reverts', () => {
    expect(() => new VoxelDiff(Uint32Array.of(4, 2), Uint8Array.of(0, 0), [8, 1, 1])).toThrow(/ascending/);
    const d = new VoxelDiff(Uint32Array.of(2, 4), Uint8Array.of(0, 0), [8, 1, 1]);
    const vol = Uint8Array.of(0, 0, 1, 0, 1, 0, 0, 0);
    d.revert(vol);
    expect([...vol]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(() => d.revert(vol)).toThrow(/already reverted/);
  });
});

describe('edit history', () => {
  it('undoes at least 50 strokes back to the exact earlier state, and redoes them', () => {
    const g = grid(30, 30, 12, [0.8, 0.8, 2]);
    const mask = emptyMask(g);
    const history = new EditHistory({ maxSteps: 50 });
    const rand = rng(11);
    const states: Uint8Array[] = [mask.slice()];
    while (states.length < 61) {
      if (randomStroke(mask, g, rand, history)) states.push(mask.slice());
    }
    expect(history.undoDepth).toBe(50);
    for (let n = 59; n >= 10; n--) {
      expect(history.undo(mask)).not.toBeNull();
      expect(sameArray(mask, states[n])).toBe(true);
    }
    expect(history.canUndo).toBe(false);
    expect(history.undo(mask)).toBeNull();
    for (let n = 11; n <= 60; n++) {
      history.redo(mask);
      expect(sameArray(mask, states[n])).toBe(true);
    }
    expect(history.redo(mask)).toBeNull();
  });

  it('clears redo on a new stroke', () => {
    const g = grid(20, 20, 4);
    const mask = emptyMask(g);
    const history = new EditHistory();
    const rand = rng(5);
    while (history.undoDepth < 3) randomStroke(mask, g, rand, history);
    history.undo(mask);
    history.undo(mask);
    expect(history.redoDepth).toBe(2);
    while (!randomStroke(mask, g, rand, history));
    expect(history.canRedo).toBe(false);
    expect(history.undoDepth).toBe(2);
  });

  it('drops the oldest steps past the byte cap, but always keeps the newest', () => {
    const g = grid(100, 1, 1);
    const mask = emptyMask(g);
    const history = new EditHistory({ maxBytes: 50 });
    const write = (from: number, n: number): VoxelDiff => {
      const rec = new EditRecorder(mask, g);
      for (let i = from; i < from + n; i++) rec.write(i, 1);
      return rec.finish() as VoxelDiff;
    };
    history.push(write(0, 4)); // 20 bytes
    history.push(write(10, 4)); // 40
    expect(history.undoDepth).toBe(2);
    history.push(write(20, 4)); // 60 > 50: the first goes
    expect(history.undoDepth).toBe(2);
    expect(history.bytes).toBe(40);
    history.push(write(30, 20)); // 100 bytes alone
    expect(history.undoDepth).toBe(1);
    expect(history.bytes).toBe(100);
    history.undo(mask);
    expect(mask.slice(30, 50).every((v) => v === 0)).toBe(true);
    expect(mask[20]).toBe(1);
    expect(() => new EditHistory({ maxSteps: 0 })).toThrow(/at least one/);
  });

  it('matches a model of saved states for any sequence of strokes, undos and redos (property)', () => {
    const g = grid(12, 10, 6, [1, 1.5, 3]);
    fc.assert(
      fc.property(fc.array(fc.constantFrom('stroke', 'undo', 'redo'), { maxLength: 40 }), fc.integer(), (ops, seed) => {
        const mask = emptyMask(g);
        const rand = rng(seed);
        const history = new EditHistory({ maxSteps: 8 });
        // Model: the states reachable by undo (oldest first) and by redo (next first).
        const past: Uint8Array[] = [];
        const future: Uint8Array[] = [];
        for (const op of ops) {
          const now = mask.slice();
          if (op === 'stroke') {
            if (randomStroke(mask, g, rand, history)) {
              past.push(now);
              if (past.length > 8) past.shift();
              future.length = 0;
            }
          } else if (op === 'undo') {
            const d = history.undo(mask);
            expect(d !== null).toBe(past.length > 0);
            if (d) {
              future.push(now);
              expect(sameArray(mask, past.pop())).toBe(true);
            }
          } else {
            const d = history.redo(mask);
            expect(d !== null).toBe(future.length > 0);
            if (d) {
              past.push(now);
              expect(sameArray(mask, future.pop())).toBe(true);
            }
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});
