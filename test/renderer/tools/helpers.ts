/** Small volumes and brute-force references for the tool tests. */
import { sliceFrame, type SliceAxis, type SliceFrame, type VoxelGrid } from '../../../src/renderer/src/tools';

export function grid(nx: number, ny: number, nz: number, spacing: [number, number, number] = [1, 1, 1]): VoxelGrid {
  return { dims: [nx, ny, nz], spacing };
}

export function emptyMask(g: VoxelGrid): Uint8Array {
  return new Uint8Array(g.dims[0] * g.dims[1] * g.dims[2]);
}

/** Value at pixel (u, v) of a slice. */
export function pixel(volume: ArrayLike<number>, f: SliceFrame, u: number, v: number): number {
  return volume[f.origin + u * f.strideU + v * f.strideV];
}

/** The slice as "u,v" keys of its nonzero pixels. */
export function slicePixels(volume: ArrayLike<number>, g: VoxelGrid, axis: SliceAxis, s: number): Set<string> {
  const f = sliceFrame(g, axis, s);
  const out = new Set<string>();
  for (let v = 0; v < f.height; v++) for (let u = 0; u < f.width; u++) if (pixel(volume, f, u, v) !== 0) out.add(`${u},${v}`);
  return out;
}

export function count(volume: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < volume.length; i++) if (volume[i] !== 0) n++;
  return n;
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so failures reproduce. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Distance from point p to segment ab (2D, in the units given). */
export function distanceToSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** Typed arrays equal element by element (fast, unlike a deep equality on large arrays). */
export function sameArray(a: ArrayLike<number>, b: ArrayLike<number> | undefined): boolean {
  if (!b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
