/**
 * Which other label of the case touches a label: the source for the "leak" and "swap" degradations.
 * Contact = voxels of the other label within `distance` voxels (26-connected) of the label. A label's box has a
 * margin of at least `distance`, so its dilation is never clipped by the box.
 */
import type { BinaryMask } from './degrade/mask';
import { dilate } from './degrade/morphology';
import { reframe, type Box, type BoxedMask } from './box';

function boxesMeet(a: Box, b: Box, gap: number): boolean {
  for (let x = 0; x < 3; x++) {
    if (a.origin[x] > b.origin[x] + b.dims[x] - 1 + gap) return false;
    if (b.origin[x] > a.origin[x] + a.dims[x] - 1 + gap) return false;
  }
  return true;
}

function overlap(near: BinaryMask, label: BoxedMask, other: BoxedMask): number {
  const o = reframe(other, label.box).data;
  let n = 0;
  for (let p = 0; p < o.length; p++) if (near.data[p] !== 0 && o[p] !== 0) n++;
  return n;
}

export function contactCount(label: BoxedMask, other: BoxedMask, distance = 2): number {
  if (!boxesMeet(label.box, other.box, distance)) return 0;
  return overlap(dilate(label.mask, distance, 26), label, other);
}

/** For each label, the index of the label it touches most (ties: the first), or null when it touches none. */
export function closestNeighbours(labels: readonly BoxedMask[], distance = 2): (number | null)[] {
  return labels.map((label, i) => {
    let near: BinaryMask | null = null;
    let best: number | null = null;
    let bestCount = 0;
    labels.forEach((other, j) => {
      if (j === i || !boxesMeet(label.box, other.box, distance)) return;
      near ??= dilate(label.mask, distance, 26);
      const n = overlap(near, label, other);
      if (n > bestCount) {
        best = j;
        bestCount = n;
      }
    });
    return best;
  });
}
