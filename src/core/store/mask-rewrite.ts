/**
 * One label's voxels in a label file, read and rewritten (NIfTI bytes in place, or a decoded volume of another
 * format that is encoded again afterwards). A label is a binary mask file (every voxel > 0, as the
 * scorer reads it) or one value of a multi-label map. Rewriting changes only this label's voxels: voxels of the
 * new mask take the label's value (in a map, taking them from whichever label had them), voxels of the label
 * outside the new mask become 0, every other byte of the file stays as it was.
 */
import { SentinelError } from '../errors';
import { closestCanonical, inverseOrientation, reorient, reorientGrid } from '../nifti';
import { decodeVoxels } from '../nifti/voxels';
import type { Grid, Volume, VoxelArray } from '../volume';
import { editVoxels, type NiftiBytes, type VoxelEditor } from './nifti-bytes';

export type LabelInFile = { kind: 'file' } | { kind: 'multilabel'; value: number };

export interface MaskChange {
  /** Voxels added to the label. */
  added: number;
  /** Voxels removed from the label. */
  removed: number;
  /** Map value → voxels this label took from it (multi-label maps only). */
  takenFrom: Map<number, number>;
}

/** The file's voxel values (scaled as the header says) in the file's voxel order: what readNifti would return. */
export function decodeVolume(n: NiftiBytes): Volume {
  const { layout, header } = n;
  const bytes = n.raw.slice(layout.voxOffset, layout.voxOffset + layout.dataBytes);
  const data = decodeVoxels(bytes, layout.type, layout.voxels, header.littleEndian, header.sclSlope, header.sclInter);
  return { grid: n.grid, data };
}

/** The label as a 0/1 mask in the file's voxel order. */
export function labelMask(volume: Volume, label: LabelInFile): Uint8Array {
  const { data } = volume;
  const out = new Uint8Array(data.length);
  if (label.kind === 'file') {
    for (let i = 0; i < data.length; i++) out[i] = data[i] > 0 ? 1 : 0;
  } else {
    const v = label.value;
    for (let i = 0; i < data.length; i++) out[i] = data[i] === v ? 1 : 0;
  }
  return out;
}

/**
 * A mask in the voxel order closest to RAS (as the editor has it) brought back to the file's own voxel order.
 * Its length must be the file's voxel count.
 */
export function canonicalMaskToFileOrder(n: { grid: Grid; file: string }, mask: Uint8Array): Uint8Array {
  const { grid, file } = n;
  const voxels = grid.dims[0] * grid.dims[1] * grid.dims[2];
  if (mask.length !== voxels) {
    const o = closestCanonical(grid.affine);
    const dims = reorientGrid(grid, o).dims;
    throw new SentinelError('invalid_argument', `the mask has ${mask.length} voxels; this label's grid ${dims.join('x')} has ${voxels}`, file);
  }
  const o = closestCanonical(grid.affine);
  const canonical: Volume = { grid: reorientGrid(grid, o), data: mask };
  return reorient(canonical, inverseOrientation(o)).data as Uint8Array;
}

/** Rewrites the label in `n.raw` to `fileMask` (file voxel order, non-zero = inside). */
export function applyMask(n: NiftiBytes, label: LabelInFile, fileMask: Uint8Array): MaskChange {
  return applyWithEditor(editVoxels(n), label, fileMask, n.file);
}

/** Rewrites the label in a decoded volume (file voxel order) to `fileMask`, in place. */
export function applyMaskToVolume(volume: Volume, label: LabelInFile, fileMask: Uint8Array, file: string): MaskChange {
  return applyWithEditor(volumeEditor(volume.data, file), label, fileMask, file);
}

const INTEGER_RANGE: Record<string, [number, number]> = {
  Uint8Array: [0, 255], Int8Array: [-128, 127], Uint16Array: [0, 65535], Int16Array: [-32768, 32767],
  Uint32Array: [0, 4294967295], Int32Array: [-2147483648, 2147483647],
};

/** Values are stored as they are: only an integer array's range can refuse one. */
function volumeEditor(data: VoxelArray, file: string): VoxelEditor {
  const range = INTEGER_RANGE[data.constructor.name];
  return {
    data,
    scaled: (v) => v,
    toStored(value) {
      if (range && !(Number.isInteger(value) && value >= range[0] && value <= range[1])) {
        throw new SentinelError('unsupported', `the value ${value} cannot be stored in this file's ${data.constructor.name}`, file);
      }
      return value;
    },
    commit: () => undefined,
  };
}

function applyWithEditor(ed: VoxelEditor, label: LabelInFile, fileMask: Uint8Array, file: string): MaskChange {
  const { data } = ed;
  if (fileMask.length !== data.length) {
    throw new SentinelError('invalid_argument', `the mask has ${fileMask.length} voxels, the file ${data.length}`, file);
  }
  const takenFrom = new Map<number, number>();
  let added = 0;
  let removed = 0;
  const zero = ed.toStored(0);
  if (label.kind === 'multilabel') {
    const on = ed.toStored(label.value);
    for (let i = 0; i < data.length; i++) {
      const v = ed.scaled(data[i]);
      const was = v === label.value;
      if (fileMask[i] !== 0) {
        if (was) continue;
        if (v !== 0) takenFrom.set(v, (takenFrom.get(v) ?? 0) + 1);
        data[i] = on;
        added++;
      } else if (was) {
        data[i] = zero;
        removed++;
      }
    }
  } else {
    const on = ed.toStored(foregroundValue(data, ed.scaled));
    for (let i = 0; i < data.length; i++) {
      const was = ed.scaled(data[i]) > 0;
      if (fileMask[i] !== 0) {
        if (!was) {
          data[i] = on;
          added++;
        }
      } else if (was) {
        data[i] = zero;
        removed++;
      }
    }
  }
  if (added > 0 || removed > 0) ed.commit();
  return { added, removed, takenFrom };
}

/** The value a binary mask file marks its voxels with: its most frequent positive value, 1 when it has none. */
function foregroundValue(data: ArrayLike<number>, scaled: (v: number) => number): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < data.length; i++) {
    const v = scaled(data[i]);
    if (v > 0) counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  let best = 1;
  let bestCount = 0;
  for (const [v, c] of counts) {
    if (c > bestCount) {
      best = v;
      bestCount = c;
    }
  }
  return best;
}
