/** Small synthetic masks for the degradation tests. */
import type { BinaryMask } from '../../../src/core/eval/degrade';

type V3 = [number, number, number];

/** A grid of `dims` with the box lo..hi (inclusive) inside. */
export function boxMask(dims: V3, lo: V3, hi: V3): BinaryMask {
  const [nx, ny, nz] = dims;
  const data = new Uint8Array(nx * ny * nz);
  for (let k = lo[2]; k <= hi[2]; k++) for (let j = lo[1]; j <= hi[1]; j++) for (let i = lo[0]; i <= hi[0]; i++) data[i + j * nx + k * nx * ny] = 1;
  return { data, dims };
}

/** A grid with the voxels within `radius` (Euclidean) of `centre` inside. */
export function ballMask(dims: V3, centre: V3, radius: number): BinaryMask {
  return fromPredicate(dims, (i, j, k) => (i - centre[0]) ** 2 + (j - centre[1]) ** 2 + (k - centre[2]) ** 2 <= radius * radius);
}

export function fromPredicate(dims: V3, inside: (i: number, j: number, k: number) => boolean): BinaryMask {
  const [nx, ny, nz] = dims;
  const data = new Uint8Array(nx * ny * nz);
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) if (inside(i, j, k)) data[i + j * nx + k * nx * ny] = 1;
  return { data, dims };
}

export function count(m: BinaryMask): number {
  let n = 0;
  for (const v of m.data) if (v) n++;
  return n;
}

export function at(m: BinaryMask, i: number, j: number, k: number): number {
  return m.data[i + j * m.dims[0] + k * m.dims[0] * m.dims[1]];
}

/** Every voxel (i, j, k) of a grid with its flat index. */
export function* voxels(dims: readonly number[]): Generator<[number, number, number, number]> {
  const [nx, ny, nz] = dims;
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) yield [i, j, k, i + j * nx + k * nx * ny];
}
