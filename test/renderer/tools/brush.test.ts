import { describe, expect, it } from 'vitest';
import {
  BRUSH_RADII_MM,
  BrushStroke,
  EditRecorder,
  huRange,
  indexOf,
  lockedLabels,
  sliceFrame,
  stampDisc,
  stepBrushRadius,
} from '../../../src/renderer/src/tools';
import { count, distanceToSegment, emptyMask, grid, pixel, rng, slicePixels } from './helpers';

describe('brush disc', () => {
  it('paints the pixels within the radius: 29 lattice points for r = 3 on 1 mm pixels', () => {
    const g = grid(32, 32, 4);
    const mask = emptyMask(g);
    const rec = new EditRecorder(mask, g);
    const f = sliceFrame(g, 'axial', 2);
    expect(stampDisc(f, { u: 10, v: 12 }, { radiusMm: 3, value: 1 }, rec)).toBe(29);
    const got = slicePixels(mask, g, 'axial', 2);
    for (let v = 0; v < 32; v++) {
      for (let u = 0; u < 32; u++) expect(got.has(`${u},${v}`)).toBe((u - 10) ** 2 + (v - 12) ** 2 <= 9);
    }
    expect(count(mask)).toBe(29);
  });

  it('is a circle in mm, an ellipse in pixels, with anisotropic spacing', () => {
    const g = grid(40, 30, 20, [0.5, 2, 3]);
    for (const axis of ['axial', 'coronal', 'sagittal'] as const) {
      const mask = emptyMask(g);
      const f = sliceFrame(g, axis, 5);
      const at = { u: f.width / 2 - 0.3, v: f.height / 2 + 0.2 };
      stampDisc(f, at, { radiusMm: 4.5, value: 1 }, new EditRecorder(mask, g));
      let uMin = Infinity;
      let uMax = -Infinity;
      for (let v = 0; v < f.height; v++) {
        for (let u = 0; u < f.width; u++) {
          const inside = ((u - at.u) * f.spacingU) ** 2 + ((v - at.v) * f.spacingV) ** 2 <= 4.5 ** 2;
          expect(pixel(mask, f, u, v), `${axis} ${u},${v}`).toBe(inside ? 1 : 0);
          if (inside) {
            uMin = Math.min(uMin, u);
            uMax = Math.max(uMax, u);
          }
        }
      }
      // Only this slice is touched.
      expect(count(mask)).toBe(slicePixels(mask, g, axis, 5).size);
      expect(uMax - uMin + 1).toBeLessThanOrEqual(Math.floor((2 * 4.5) / f.spacingU) + 1);
    }
  });

  it('writes the voxel of each orientation at i + j*nx + k*nx*ny', () => {
    const g = grid(7, 6, 5);
    const cases = [
      { axis: 'axial' as const, s: 3, u: 2, v: 4, ijk: [2, 4, 3] },
      { axis: 'coronal' as const, s: 1, u: 5, v: 2, ijk: [5, 1, 2] },
      { axis: 'sagittal' as const, s: 6, u: 3, v: 4, ijk: [6, 3, 4] },
    ];
    for (const c of cases) {
      const mask = emptyMask(g);
      stampDisc(sliceFrame(g, c.axis, c.s), { u: c.u, v: c.v }, { radiusMm: 0.4, value: 1 }, new EditRecorder(mask, g));
      const expected = c.ijk[0] + c.ijk[1] * 7 + c.ijk[2] * 7 * 6;
      expect([...mask.keys()].filter((i) => mask[i] === 1)).toEqual([expected]);
      expect(indexOf(c.ijk[0], c.ijk[1], c.ijk[2], g.dims)).toBe(expected);
    }
  });

  it('paints the pixel under the pointer even when the brush is smaller than a pixel', () => {
    const g = grid(8, 8, 1, [2, 2, 2]);
    const mask = emptyMask(g);
    stampDisc(sliceFrame(g, 'axial', 0), { u: 3.4, v: 5.6 }, { radiusMm: 0.1, value: 1 }, new EditRecorder(mask, g));
    expect([...slicePixels(mask, g, 'axial', 0)]).toEqual(['3,6']);
  });

  it('clips at the slice edges', () => {
    const g = grid(16, 16, 2);
    const mask = emptyMask(g);
    stampDisc(sliceFrame(g, 'axial', 1), { u: 0, v: 0 }, { radiusMm: 3, value: 1 }, new EditRecorder(mask, g));
    // The quarter of the 29-point disc with u >= 0 and v >= 0: points with u, v in 0..3 and u² + v² <= 9.
    let expected = 0;
    for (let u = 0; u <= 3; u++) for (let v = 0; v <= 3; v++) if (u * u + v * v <= 9) expected++;
    expect(count(mask)).toBe(expected);
  });

  it('erases only inside the disc', () => {
    const g = grid(20, 20, 3);
    const mask = emptyMask(g).fill(1);
    const rec = new EditRecorder(mask, g);
    const n = stampDisc(sliceFrame(g, 'axial', 1), { u: 10, v: 10 }, { radiusMm: 3, value: 0 }, rec);
    expect(n).toBe(29);
    expect(count(mask)).toBe(20 * 20 * 3 - 29);
    expect(rec.finish()?.size).toBe(29);
  });
});

describe('brush stroke', () => {
  it('leaves no gap between two distant pointer samples', () => {
    const g = grid(160, 120, 3, [0.8, 0.8, 2]);
    const mask = emptyMask(g);
    const f = sliceFrame(g, 'axial', 1);
    const stroke = new BrushStroke(f, { radiusMm: 2, value: 1 }, new EditRecorder(mask, g));
    stroke.addPoint({ u: 5, v: 5 });
    stroke.addPoint({ u: 140, v: 100 });
    const wrong: string[] = [];
    for (let v = 0; v < f.height; v++) {
      for (let u = 0; u < f.width; u++) {
        const dMm = distanceToSegment(u * 0.8, v * 0.8, 5 * 0.8, 5 * 0.8, 140 * 0.8, 100 * 0.8);
        // Discs centred on the path at most r apart cover a band of at least r·√3/2 around it, and nothing beyond r.
        const got = pixel(mask, f, u, v);
        if ((dMm <= 2 * 0.85 && got !== 1) || (dMm > 2 + 1e-9 && got !== 0)) wrong.push(`${u},${v}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(stroke.changed).toBe(count(mask));
  });

  it('draws a connected line with a one-pixel brush however fast the drag', () => {
    const g = grid(200, 200, 1);
    const mask = emptyMask(g);
    const f = sliceFrame(g, 'axial', 0);
    const stroke = new BrushStroke(f, { radiusMm: 0.3, value: 1 }, new EditRecorder(mask, g));
    const points = [{ u: 3, v: 190 }, { u: 180, v: 7 }, { u: 150, v: 160 }, { u: 10.5, v: 60.2 }];
    for (const p of points) stroke.addPoint(p);
    // Flood the painted pixels with 8-connectivity from the first sample: every painted pixel is reached.
    const painted = slicePixels(mask, g, 'axial', 0);
    const seen = new Set<string>(['3,190']);
    const queue = ['3,190'];
    while (queue.length) {
      const [u, v] = (queue.pop() as string).split(',').map(Number);
      for (let dv = -1; dv <= 1; dv++) {
        for (let du = -1; du <= 1; du++) {
          const key = `${u + du},${v + dv}`;
          if (painted.has(key) && !seen.has(key)) {
            seen.add(key);
            queue.push(key);
          }
        }
      }
    }
    expect(seen.size).toBe(painted.size);
    expect(painted.has('180,7') && painted.has('150,160') && painted.has('11,60')).toBe(true);
  });

  it('touches only the bounding box of the brush on a 512×512 slice', () => {
    const g = grid(512, 512, 3);
    const target = emptyMask(g);
    const touched: number[] = [];
    const watched = new Proxy(target, {
      get(t, key) {
        if (typeof key === 'string' && /^\d+$/.test(key)) touched.push(Number(key));
        return Reflect.get(t, key);
      },
      set(t, key, value) {
        if (typeof key === 'string' && /^\d+$/.test(key)) touched.push(Number(key));
        return Reflect.set(t, key, value);
      },
    });
    const f = sliceFrame(g, 'axial', 1);
    const stroke = new BrushStroke(f, { radiusMm: 5, value: 1 }, new EditRecorder(watched, g));
    stroke.addPoint({ u: 100, v: 200 });
    stroke.addPoint({ u: 130, v: 210 });
    expect(touched.length).toBeGreaterThan(0);
    for (const idx of touched) {
      const k = Math.floor(idx / (512 * 512));
      const j = Math.floor((idx % (512 * 512)) / 512);
      const i = idx % 512;
      expect(k).toBe(1);
      expect(i >= 95 && i <= 135 && j >= 195 && j <= 215, `${i},${j}`).toBe(true);
    }
  });
});

describe('threshold-limited brush and locked labels', () => {
  it('paints only voxels whose HU lies in [lo, hi]', () => {
    const g = grid(24, 24, 2);
    const ct = new Int16Array(24 * 24 * 2);
    const rand = rng(7);
    for (let i = 0; i < ct.length; i++) ct[i] = Math.round(rand() * 400 - 200);
    const mask = emptyMask(g);
    const f = sliceFrame(g, 'axial', 1);
    stampDisc(f, { u: 12, v: 12 }, { radiusMm: 6, value: 1, allow: huRange(ct, -50, 80) }, new EditRecorder(mask, g));
    for (let v = 0; v < 24; v++) {
      for (let u = 0; u < 24; u++) {
        const idx = f.origin + u + v * 24;
        const want = (u - 12) ** 2 + (v - 12) ** 2 <= 36 && ct[idx] >= -50 && ct[idx] <= 80;
        expect(mask[idx]).toBe(want ? 1 : 0);
      }
    }
    expect(count(mask)).toBeGreaterThan(0);
  });

  it('never paints over a locked label of the context map', () => {
    const g = grid(20, 20, 1);
    const context = new Uint8Array(400);
    for (let v = 0; v < 20; v++) for (let u = 0; u < 20; u++) context[u + v * 20] = u < 10 ? 2 : u < 12 ? 3 : 0;
    const mask = emptyMask(g);
    const rec = new EditRecorder(mask, g, { protect: lockedLabels(context, [2]) });
    stampDisc(sliceFrame(g, 'axial', 0), { u: 10, v: 10 }, { radiusMm: 4, value: 1 }, rec);
    for (let v = 0; v < 20; v++) {
      for (let u = 0; u < 20; u++) {
        const want = (u - 10) ** 2 + (v - 10) ** 2 <= 16 && context[u + v * 20] !== 2;
        expect(mask[u + v * 20], `${u},${v}`).toBe(want ? 1 : 0);
      }
    }
    // Label 3 is not locked, so the brush went over it.
    expect(mask[11 + 10 * 20]).toBe(1);
  });

  it('rejects a lock on background and an empty threshold range', () => {
    expect(() => lockedLabels(new Uint8Array(1), [0])).toThrow(/cannot be locked/);
    expect(() => huRange(new Int16Array(1), 10, -10)).toThrow(/empty/);
  });
});

describe('brush radius steps', () => {
  it('steps up and down the table and stays within it', () => {
    expect(stepBrushRadius(3, 1)).toBe(4);
    expect(stepBrushRadius(3, -1)).toBe(2);
    expect(stepBrushRadius(3.5, 1)).toBe(4);
    expect(stepBrushRadius(3.5, -1)).toBe(3);
    expect(stepBrushRadius(BRUSH_RADII_MM[0], -1)).toBe(BRUSH_RADII_MM[0]);
    const max = BRUSH_RADII_MM[BRUSH_RADII_MM.length - 1];
    expect(stepBrushRadius(max, 1)).toBe(max);
    expect([...BRUSH_RADII_MM].sort((a, b) => a - b)).toEqual(BRUSH_RADII_MM);
  });

  it('rejects a radius that is not a positive size', () => {
    const g = grid(4, 4, 1);
    const rec = new EditRecorder(emptyMask(g), g);
    expect(() => stampDisc(sliceFrame(g, 'axial', 0), { u: 1, v: 1 }, { radiusMm: 0, value: 1 }, rec)).toThrow(/radius/);
    expect(() => stampDisc(sliceFrame(g, 'axial', 0), { u: 1, v: 1 }, { radiusMm: 1, value: 256 }, rec)).toThrow(/value/);
  });
});
