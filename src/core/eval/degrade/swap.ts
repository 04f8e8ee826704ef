/**
 * A swapped label: the file holds a neighbouring organ's mask instead of its own (a mix-up of names or values).
 * The result is the neighbour's mask, on the label's grid.
 */
import { checkSameDims, type BinaryMask } from './mask';

export function swapWith(mask: BinaryMask, neighbour: BinaryMask): BinaryMask {
  checkSameDims(mask, neighbour, 'swapWith');
  const out = new Uint8Array(neighbour.data.length);
  for (let p = 0; p < out.length; p++) out[p] = neighbour.data[p] !== 0 ? 1 : 0;
  return { data: out, dims: [mask.dims[0], mask.dims[1], mask.dims[2]] };
}
