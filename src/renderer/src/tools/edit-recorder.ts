/**
 * The one write path of every tool: writes a voxel unless it is protected or already has the value, and remembers
 * its old value so the whole stroke becomes one `VoxelDiff`. Buffers grow by doubling, so a stroke allocates a
 * handful of times in total, never per voxel.
 */
import type { VoxelPredicate } from './predicates';
import { VoxelDiff } from './voxel-diff';
import { checkVolume, type VoxelGrid } from './voxel-grid';

export interface RecorderOptions {
  /**
   * Voxels where this is true are never painted (locked labels of the context). Erasing (writing 0) is not
   * blocked: it takes nothing from a locked neighbour.
   */
  protect?: VoxelPredicate;
  /** Initial capacity in voxels (grows as needed). */
  capacity?: number;
}

export class EditRecorder {
  readonly volume: Uint8Array;
  readonly grid: VoxelGrid;
  private readonly protect: VoxelPredicate | undefined;
  private indices: Uint32Array;
  private olds: Uint8Array;
  private n = 0;

  constructor(volume: Uint8Array, grid: VoxelGrid, options: RecorderOptions = {}) {
    checkVolume(volume, grid, 'mask');
    this.volume = volume;
    this.grid = grid;
    this.protect = options.protect;
    const capacity = Math.max(16, options.capacity ?? 4096);
    this.indices = new Uint32Array(capacity);
    this.olds = new Uint8Array(capacity);
  }

  /** Writes `value` at `index`; false when the voxel already holds it, or is protected and `value` paints. */
  write(index: number, value: number): boolean {
    const old = this.volume[index];
    if (old === value) return false;
    if (value !== 0 && this.protect !== undefined && this.protect(index)) return false;
    if (this.n === this.indices.length) this.grow();
    this.indices[this.n] = index;
    this.olds[this.n] = old;
    this.n++;
    this.volume[index] = value;
    return true;
  }

  /** Writes recorded so far (a voxel written twice counts twice). */
  get writes(): number {
    return this.n;
  }

  /**
   * Ends the stroke: the diff of every voxel whose value differs from before the stroke, or null when none does.
   * The recorder is empty again afterwards and can record the next stroke.
   */
  finish(): VoxelDiff | null {
    const n = this.n;
    this.n = 0;
    if (n === 0) return null;
    const idx = this.indices;
    const olds = this.olds;
    let ascending = true;
    for (let a = 1; a < n && ascending; a++) ascending = idx[a] > idx[a - 1];
    // Order of first writes by voxel; a stable tie-break keeps the earliest write, whose old value predates the stroke.
    const order = new Uint32Array(n);
    for (let a = 0; a < n; a++) order[a] = a;
    if (!ascending) order.sort((a, b) => idx[a] - idx[b] || a - b);
    let kept = 0;
    const outIdx = new Uint32Array(n);
    const outOld = new Uint8Array(n);
    for (let a = 0; a < n; a++) {
      const first = order[a];
      const voxel = idx[first];
      if (a > 0 && idx[order[a - 1]] === voxel) continue;
      // A voxel painted and erased within one stroke is unchanged: it is not part of the diff.
      if (this.volume[voxel] === olds[first]) continue;
      outIdx[kept] = voxel;
      outOld[kept] = olds[first];
      kept++;
    }
    if (kept === 0) return null;
    return new VoxelDiff(outIdx.slice(0, kept), outOld.slice(0, kept), this.grid.dims);
  }

  /** Drops what was recorded and restores the old values (a cancelled stroke). */
  cancel(): void {
    for (let a = this.n - 1; a >= 0; a--) this.volume[this.indices[a]] = this.olds[a];
    this.n = 0;
  }

  private grow(): void {
    const indices = new Uint32Array(this.indices.length * 2);
    indices.set(this.indices);
    const olds = new Uint8Array(this.olds.length * 2);
    olds.set(this.olds);
    this.indices = indices;
    this.olds = olds;
  }
}
