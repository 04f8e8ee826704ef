/**
 * MaskSession on a small synthetic label (no DOM): strokes as undo steps, the threshold brush, protected organs,
 * fill holes, the interpolation pair and interpolation, and the unsaved-change bookkeeping.
 */
import { describe, expect, it } from 'vitest';
import type { LabelVolumes } from '../../../src/shared/api';
import { MaskSession, type StrokeSettings } from '../../../src/renderer/src/workstation/mask-session';

const [NX, NY, NZ] = [24, 20, 10];
const at = (i: number, j: number, k: number): number => i + j * NX + k * NX * NY;

/**
 * CT: 100 HU where i < 12, -500 HU elsewhere. Mask: the box i 4..9, j 4..9, k 2..5. Context: another organ
 * (value 1) in the box i 14..19, j 4..9 on every slice.
 */
function volumes(withContext = true): LabelVolumes {
  const n = NX * NY * NZ;
  const ct = new Int16Array(n);
  const mask = new Uint8Array(n);
  const context = new Uint8Array(n);
  for (let k = 0; k < NZ; k++) {
    for (let j = 0; j < NY; j++) {
      for (let i = 0; i < NX; i++) {
        ct[at(i, j, k)] = i < 12 ? 100 : -500;
        if (i >= 4 && i <= 9 && j >= 4 && j <= 9 && k >= 2 && k <= 5) mask[at(i, j, k)] = 1;
        if (i >= 14 && i <= 19 && j >= 4 && j <= 9) context[at(i, j, k)] = 1;
      }
    }
  }
  return {
    caseId: 'c1',
    labelPath: 'c1/segmentations/organ.nii.gz',
    organ: 'organ',
    geometry: { dims: [NX, NY, NZ], spacing: [1, 1, 2], affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1] },
    ct,
    mask,
    ...(withContext ? { context, contextNames: ['neighbour'] } : {}),
    version: 'v1',
    readOnlyDataset: false,
  };
}

const brush = (tool: StrokeSettings['tool'], radiusMm: number, huMin = -1000, huMax = 1000): StrokeSettings => ({ tool, radiusMm, huMin, huMax });

/** One stroke of `points` (slice pixel coordinates) on an axial slice; returns the changed extent. */
function stroke(s: MaskSession, k: number, settings: StrokeSettings, points: { u: number; v: number }[]) {
  s.beginStroke('axial', k, settings);
  s.addPoints(points);
  return s.endStroke();
}

function count(mask: Uint8Array, k?: number): number {
  let n = 0;
  for (let idx = 0; idx < mask.length; idx++) if (mask[idx] && (k === undefined || Math.floor(idx / (NX * NY)) === k)) n++;
  return n;
}

describe('MaskSession', () => {
  it('a brush stroke paints a disc on its slice only, as one undo step', () => {
    const s = new MaskSession(volumes());
    const before = s.mask.slice();
    const extent = stroke(s, 7, brush('brush', 2), [{ u: 5, v: 5 }, { u: 8, v: 5 }]);
    expect(extent).not.toBeNull();
    expect(extent![4]).toBe(7);
    expect(extent![5]).toBe(7);
    // Every pixel centre within 2 mm of the segment (5,5)-(8,5) is painted, nothing further away, nothing elsewhere.
    for (let idx = 0; idx < s.mask.length; idx++) {
      const k = Math.floor(idx / (NX * NY));
      const i = idx % NX;
      const j = Math.floor(idx / NX) % NY;
      const d = Math.hypot(i < 5 ? 5 - i : i > 8 ? i - 8 : 0, j - 5);
      const expected = k === 7 ? (d <= 2 ? 1 : 0) : before[idx];
      expect(s.mask[idx], `voxel ${i},${j},${k}`).toBe(expected);
    }
    expect(s.history.undoDepth).toBe(1);
    expect(s.dirty).toBe(true);
    expect(s.changedSinceSave()).toBe(count(s.mask, 7));
  });

  it('undo and redo move the mask back and forth and count as unsaved changes', () => {
    const s = new MaskSession(volumes());
    const original = s.mask.slice();
    stroke(s, 7, brush('brush', 2), [{ u: 5, v: 5 }]);
    const painted = s.mask.slice();
    s.markSaved();
    expect(s.dirty).toBe(false);
    expect(s.undo()).not.toBeNull();
    expect(s.mask).toEqual(original);
    expect(s.dirty).toBe(true);
    expect(s.changedSinceSave()).toBe(count(painted) - count(original));
    expect(s.redo()).not.toBeNull();
    expect(s.mask).toEqual(painted);
    // Back at the saved content, yet two changes were made since the save: still something to save.
    expect(s.changedSinceSave()).toBe(0);
    expect(s.changesSinceSave).toBe(2);
    expect(s.redo()).toBeNull();
  });

  it('a stroke that changes nothing is no undo step', () => {
    const s = new MaskSession(volumes());
    // Inside the mask already (box i 4..9, j 4..9 on slice 3).
    expect(stroke(s, 3, brush('brush', 1), [{ u: 6, v: 6 }])).toBeNull();
    expect(s.history.undoDepth).toBe(0);
    expect(s.dirty).toBe(false);
  });

  it('the eraser removes the voxels under the stroke', () => {
    const s = new MaskSession(volumes());
    const before = count(s.mask, 3);
    stroke(s, 3, brush('eraser', 1), [{ u: 6, v: 6 }]);
    expect(s.mask[at(6, 6, 3)]).toBe(0);
    expect(s.mask[at(7, 6, 3)]).toBe(0);
    expect(s.mask[at(6, 7, 3)]).toBe(0);
    expect(s.mask[at(8, 8, 3)]).toBe(1);
    expect(count(s.mask, 3)).toBe(before - 5);
    expect(count(s.mask, 4)).toBe(36);
  });

  it('the threshold brush paints only voxels inside its HU range (bounds in either order)', () => {
    const s = new MaskSession(volumes());
    // A disc across the CT edge at i = 11.5 on an empty slice: only i < 12 (100 HU) is in [0, 200].
    stroke(s, 8, brush('threshold', 3, 200, 0), [{ u: 12, v: 14 }]);
    let inRange = 0;
    for (let j = 0; j < NY; j++) {
      for (let i = 0; i < NX; i++) {
        if (s.mask[at(i, j, 8)]) {
          expect(i).toBeLessThan(12);
          inRange++;
        }
      }
    }
    // Pixels of the disc (radius 3 around (12,14)) with i < 12: every one of them.
    let expected = 0;
    for (let j = 11; j <= 17; j++) for (let i = 9; i <= 11; i++) if (Math.hypot(i - 12, j - 14) <= 3) expected++;
    expect(inRange).toBe(expected);
  });

  it('with protectOthers the tools skip the other organs; erasing is never blocked', () => {
    const s = new MaskSession(volumes());
    s.protectOthers = true;
    // A stroke from free voxels (i 11..13) into the neighbour (i >= 14) on slice 7.
    stroke(s, 7, brush('brush', 1), [{ u: 11, v: 6 }, { u: 16, v: 6 }]);
    for (let i = 10; i <= 17; i++) expect(s.mask[at(i, 6, 7)], `i ${i}`).toBe(i <= 13 ? 1 : 0);
    s.protectOthers = false;
    stroke(s, 7, brush('brush', 1), [{ u: 16, v: 6 }]);
    expect(s.mask[at(16, 6, 7)]).toBe(1);
    s.protectOthers = true;
    stroke(s, 7, brush('eraser', 1), [{ u: 16, v: 6 }]);
    expect(s.mask[at(16, 6, 7)]).toBe(0);
  });

  it('protectOthers changes nothing when the case has no other labels', () => {
    const s = new MaskSession(volumes(false));
    s.protectOthers = true;
    stroke(s, 7, brush('brush', 1), [{ u: 16, v: 6 }]);
    expect(s.mask[at(16, 6, 7)]).toBe(1);
  });

  it('fill holes fills a hole erased inside the mask, and reports when there is none', () => {
    const s = new MaskSession(volumes());
    const original = s.mask.slice();
    expect(s.fillHoles('axial', 3)).toBeNull();
    stroke(s, 3, brush('eraser', 1), [{ u: 6, v: 6 }]);
    expect(s.mask[at(6, 6, 3)]).toBe(0);
    const extent = s.fillHoles('axial', 3);
    expect(extent).not.toBeNull();
    expect(s.mask).toEqual(original);
    expect(s.history.undoDepth).toBe(2);
  });

  it('interpolation needs two edited slices of one orientation at least one slice apart', () => {
    const s = new MaskSession(volumes());
    expect(s.interpolationPair()).toBeNull();
    expect(s.interpolate()).toBeNull();
    stroke(s, 1, brush('brush', 1), [{ u: 16, v: 15 }]);
    expect(s.interpolationPair()).toBeNull();
    stroke(s, 2, brush('brush', 1), [{ u: 16, v: 15 }]);
    // Neighbouring slices: nothing in between.
    expect(s.interpolationPair()).toBeNull();
    stroke(s, 6, brush('brush', 1), [{ u: 16, v: 15 }]);
    expect(s.interpolationPair()).toEqual({ axis: 'axial', from: 2, to: 6 });
    // A slice edited again moves to the end of the list.
    stroke(s, 2, brush('brush', 1), [{ u: 1, v: 1 }]);
    expect(s.interpolationPair()).toEqual({ axis: 'axial', from: 2, to: 6 });
  });

  it('interpolate fills the slices between the pair as one undo step', () => {
    const s = new MaskSession(volumes());
    // Same disc on slices 0 and 8, outside the mask box (which spans slices 2..5 at i 4..9).
    stroke(s, 0, brush('brush', 2), [{ u: 18, v: 15 }]);
    stroke(s, 8, brush('brush', 2), [{ u: 18, v: 15 }]);
    const depth = s.history.undoDepth;
    const res = s.interpolate();
    expect(res?.slices).toBe(7);
    expect(s.history.undoDepth).toBe(depth + 1);
    const disc = count(s.mask, 0);
    for (let k = 1; k <= 7; k++) {
      expect(s.mask[at(18, 15, k)], `slice ${k}`).toBe(1);
      // The slices in between are replaced: the box's cross-section (absent on both ends) is gone, the disc is there.
      expect(count(s.mask, k)).toBe(disc);
    }
    s.undo();
    expect(count(s.mask, 3)).toBe(36);
  });

  it('markSaved makes the current mask the reference for changes', () => {
    const s = new MaskSession(volumes());
    stroke(s, 7, brush('brush', 2), [{ u: 5, v: 5 }]);
    s.markSaved();
    expect(s.changedSinceSave()).toBe(0);
    expect(s.dirty).toBe(false);
    stroke(s, 7, brush('eraser', 2), [{ u: 5, v: 5 }]);
    // Slice 7 held no mask before the first stroke: erasing it again differs from the save by the whole disc
    // (radius 2 around a pixel centre: 13 pixels).
    expect(s.changedSinceSave()).toBe(13);
  });
});
