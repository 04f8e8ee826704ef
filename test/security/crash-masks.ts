/** The label the crash test saves: its grid and its two alternating masks (RAS, so file order = canonical order). */
import type { Grid } from '../../src/core/volume';

export const CRASH_DIMS: [number, number, number] = [32, 32, 32];
export const CRASH_GRID: Grid = { dims: CRASH_DIMS, spacing: [1, 1, 1], affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] };

/** A sphere ('a') or a box ('b') with a noisy edge, so the two files differ in size and bytes. */
export function crashMask(which: 'a' | 'b'): Uint8Array {
  const [nx, ny, nz] = CRASH_DIMS;
  const out = new Uint8Array(nx * ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const n = i + j * nx + k * nx * ny;
        const wobble = ((n * 2654435761) >>> 0) % 3 === 0 ? 1 : 0;
        const inside = which === 'a' ? (i - 16) ** 2 + (j - 16) ** 2 + (k - 16) ** 2 < 10 ** 2 + wobble * 12 : Math.max(Math.abs(i - 13), Math.abs(j - 18), Math.abs(k - 15)) < 8 + wobble;
        out[n] = inside ? 1 : 0;
      }
  return out;
}
