import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signedDistance, squaredDistanceTransform } from '../../../src/renderer/src/tools';

/** O(n²) reference: squared distance in mm² to the nearest feature pixel centre. */
function bruteForce(image: Uint8Array, w: number, h: number, su: number, sv: number, feature: 0 | 1): Float64Array {
  const out = new Float64Array(w * h).fill(Infinity);
  for (let p = 0; p < w * h; p++) {
    for (let q = 0; q < w * h; q++) {
      if ((image[q] !== 0 ? 1 : 0) !== feature) continue;
      const du = ((p % w) - (q % w)) * su;
      const dv = (Math.floor(p / w) - Math.floor(q / w)) * sv;
      out[p] = Math.min(out[p], du * du + dv * dv);
    }
  }
  return out;
}

const imageArb = fc
  .record({ w: fc.integer({ min: 1, max: 14 }), h: fc.integer({ min: 1, max: 14 }), density: fc.double({ min: 0, max: 1, noNaN: true }), seed: fc.integer() })
  .chain(({ w, h, density }) =>
    fc.record({
      w: fc.constant(w),
      h: fc.constant(h),
      pixels: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: w * h, maxLength: w * h }).map((a) => Uint8Array.from(a, (x) => (x < density ? 1 : 0))),
      su: fc.double({ min: 0.3, max: 4, noNaN: true }),
      sv: fc.double({ min: 0.3, max: 4, noNaN: true }),
    }),
  );

describe('2D Euclidean distance transform', () => {
  it('equals the brute-force distance on random images with anisotropic pixels (property)', () => {
    fc.assert(
      fc.property(imageArb, ({ w, h, pixels, su, sv }) => {
        for (const [side, feature] of [['nonzero', 1], ['zero', 0]] as const) {
          const got = squaredDistanceTransform(pixels, w, h, su, sv, side);
          const want = bruteForce(pixels, w, h, su, sv, feature);
          const wrong: number[] = [];
          for (let p = 0; p < w * h; p++) {
            const ok = want[p] === Infinity ? got[p] === Infinity : Math.abs(got[p] - want[p]) <= 1e-9 * (1 + want[p]);
            if (!ok) wrong.push(p);
          }
          expect(wrong).toEqual([]);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('measures in mm: a single point on 0.5 × 2 mm pixels', () => {
    const img = new Uint8Array(5 * 5);
    img[2 + 2 * 5] = 1;
    const d = squaredDistanceTransform(img, 5, 5, 0.5, 2);
    expect(d[2 + 2 * 5]).toBe(0);
    expect(d[4 + 2 * 5]).toBeCloseTo(1, 12); // 2 pixels × 0.5 mm
    expect(d[2 + 3 * 5]).toBeCloseTo(4, 12); // 1 pixel × 2 mm
    expect(d[0]).toBeCloseTo(1 + 16, 12);
  });

  it('signed distance is negative inside, positive outside, and thresholds back to the shape', () => {
    fc.assert(
      fc.property(imageArb, ({ w, h, pixels, su, sv }) => {
        const sd = signedDistance(pixels, w, h, su, sv);
        const hasShape = pixels.includes(1);
        const hasBackground = pixels.includes(0);
        for (let p = 0; p < w * h; p++) {
          if (pixels[p]) expect(sd[p]).toBeLessThan(0);
          else expect(sd[p]).toBeGreaterThan(0);
          if (!hasShape) expect(sd[p]).toBe(Infinity);
          if (!hasBackground) expect(sd[p]).toBe(-Infinity);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('a disc of radius 10 px: the field at a pixel is its distance to the circle, within a pixel', () => {
    const w = 41;
    const img = new Uint8Array(w * w);
    for (let v = 0; v < w; v++) for (let u = 0; u < w; u++) img[u + v * w] = (u - 20) ** 2 + (v - 20) ** 2 <= 100 ? 1 : 0;
    const sd = signedDistance(img, w, w, 1, 1);
    for (let v = 0; v < w; v++) {
      for (let u = 0; u < w; u++) expect(Math.abs(sd[u + v * w] - (Math.hypot(u - 20, v - 20) - 10))).toBeLessThan(1);
    }
  });
});
