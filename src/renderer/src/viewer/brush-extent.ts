/**
 * The region a brush stroke can have touched since the last upload, for `refreshMask`: the box around the samples
 * grown by the brush radius. The tools stamp the segment from the previous sample to the next one, so the caller
 * passes the previous batch's last sample too.
 */
import { AXIS_OF_SLICE, type SliceAxis, type SlicePoint, type VoxelExtent } from '../tools';
import { VIEW_AXES, type GridGeometry } from './slice-geometry';

export function brushExtent(grid: GridGeometry, axis: SliceAxis, slice: number, points: readonly SlicePoint[], radiusMm: number): VoxelExtent | null {
  if (points.length === 0) return null;
  const { uAxis, vAxis } = VIEW_AXES[axis];
  // One pixel more than the radius: the brush also takes the pixel under the pointer, whatever its size.
  const ru = Math.ceil(radiusMm / grid.spacing[uAxis]) + 1;
  const rv = Math.ceil(radiusMm / grid.spacing[vAxis]) + 1;
  let uMin = Infinity;
  let uMax = -Infinity;
  let vMin = Infinity;
  let vMax = -Infinity;
  for (const p of points) {
    uMin = Math.min(uMin, Math.floor(p.u) - ru);
    uMax = Math.max(uMax, Math.ceil(p.u) + ru);
    vMin = Math.min(vMin, Math.floor(p.v) - rv);
    vMax = Math.max(vMax, Math.ceil(p.v) + rv);
  }
  const lo = [0, 0, 0];
  const hi = [0, 0, 0];
  lo[uAxis] = Math.max(0, uMin);
  hi[uAxis] = Math.min(grid.dims[uAxis] - 1, uMax);
  lo[vAxis] = Math.max(0, vMin);
  hi[vAxis] = Math.min(grid.dims[vAxis] - 1, vMax);
  const n = AXIS_OF_SLICE[axis];
  lo[n] = slice;
  hi[n] = slice;
  if (lo[uAxis] > hi[uAxis] || lo[vAxis] > hi[vAxis]) return null;
  return [lo[0], hi[0], lo[1], hi[1], lo[2], hi[2]];
}
