/**
 * Per-voxel conditions the tools consult: which voxels a threshold brush may paint, which voxels are locked.
 * Predicates are built once per stroke (lookup tables, no closures per voxel) and called per candidate voxel.
 */
import { ToolError } from './tool-error';

export type VoxelPredicate = (index: number) => boolean;

/** True where the CT value (HU) lies in [lo, hi]: the threshold-limited brush paints only there. */
export function huRange(ct: Int16Array, lo: number, hi: number): VoxelPredicate {
  if (!(lo <= hi)) throw new ToolError('invalid_argument', `threshold range [${lo}, ${hi}] is empty`);
  return (index) => {
    const hu = ct[index];
    return hu >= lo && hu <= hi;
  };
}

/**
 * True where a context label map holds one of the locked label values, so a stroke never paints over a
 * neighbouring organ the annotator has locked (value 0 is background and cannot be locked).
 */
export function lockedLabels(context: Uint8Array, locked: Iterable<number>): VoxelPredicate {
  const table = new Uint8Array(256);
  let any = false;
  for (const v of locked) {
    if (!Number.isInteger(v) || v < 1 || v > 255) throw new ToolError('invalid_argument', `label value ${v} cannot be locked`);
    table[v] = 1;
    any = true;
  }
  if (!any) return () => false;
  return (index) => table[context[index]] === 1;
}

/** True where every given predicate is; `undefined` entries are ignored. */
export function allOf(...predicates: (VoxelPredicate | undefined)[]): VoxelPredicate | undefined {
  const list = predicates.filter((p): p is VoxelPredicate => p !== undefined);
  if (list.length === 0) return undefined;
  if (list.length === 1) return list[0];
  return (index) => {
    for (const p of list) if (!p(index)) return false;
    return true;
  };
}

/** True where any given predicate is; `undefined` entries are ignored. */
export function anyOf(...predicates: (VoxelPredicate | undefined)[]): VoxelPredicate | undefined {
  const list = predicates.filter((p): p is VoxelPredicate => p !== undefined);
  if (list.length === 0) return undefined;
  if (list.length === 1) return list[0];
  return (index) => {
    for (const p of list) if (p(index)) return true;
    return false;
  };
}
