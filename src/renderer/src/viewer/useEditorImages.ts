/**
 * The vtk.js images of one label, shared by every view of the editor. They wrap the typed arrays of `LabelVolumes`
 * without copying, so a tool writing into `volumes.mask` writes into what the views draw (the views then upload
 * the changed region). Rebuilt when the volumes change, deleted on unmount.
 */
import { nextTick, onScopeDispose, shallowRef, watch, type Ref, type ShallowRef } from 'vue';
import { vtkImageData, vtkDataArray } from './vtk';
import type { LabelVolumes } from '../../../shared/api';
import type { GridGeometry } from './slice-geometry';

export interface EditorImages {
  grid: GridGeometry;
  ct: vtkImageData;
  mask: vtkImageData;
  /** The case's other organs as one label map, or null when it has none. */
  context: vtkImageData | null;
  /** Number of context labels (values 1..contextCount). */
  contextCount: number;
}

/** Why the volumes cannot be shown, or null when they can. */
export function volumesProblem(v: LabelVolumes): string | null {
  const { dims, spacing } = v.geometry;
  if (dims.length !== 3 || dims.some((n) => !Number.isInteger(n) || n < 1)) return `${v.labelPath}: bad dimensions ${dims.join('×')}`;
  if (spacing.length !== 3 || spacing.some((s) => !(s > 0) || !Number.isFinite(s))) return `${v.labelPath}: bad spacing ${spacing.join('×')}`;
  const n = dims[0] * dims[1] * dims[2];
  if (v.ct.length !== n) return `${v.labelPath}: the CT holds ${v.ct.length} voxels, the grid ${dims.join('×')} needs ${n}`;
  if (v.mask.length !== n) return `${v.labelPath}: the mask holds ${v.mask.length} voxels, the grid ${dims.join('×')} needs ${n}`;
  if (v.context && v.context.length !== n) return `${v.labelPath}: the context map holds ${v.context.length} voxels, the grid needs ${n}`;
  return null;
}

function wrap(name: string, values: Int16Array | Uint8Array, grid: GridGeometry): vtkImageData {
  const image = vtkImageData.newInstance();
  image.setDimensions([...grid.dims]);
  image.setSpacing([...grid.spacing]);
  image.setOrigin([0, 0, 0]);
  image.getPointData().setScalars(vtkDataArray.newInstance({ name, numberOfComponents: 1, values }));
  return image;
}

function contextCountOf(v: LabelVolumes): number {
  if (!v.context) return 0;
  if (v.contextNames && v.contextNames.length > 0) return v.contextNames.length;
  let max = 0;
  for (let n = 0; n < v.context.length; n++) if (v.context[n] > max) max = v.context[n];
  return max;
}

function build(v: LabelVolumes): EditorImages {
  const grid: GridGeometry = { dims: [...v.geometry.dims], spacing: [...v.geometry.spacing] };
  return {
    grid,
    ct: wrap('ct', v.ct, grid),
    mask: wrap('mask', v.mask, grid),
    context: v.context ? wrap('context', v.context, grid) : null,
    contextCount: contextCountOf(v),
  };
}

function dispose(images: EditorImages | null): void {
  images?.ct.delete();
  images?.mask.delete();
  images?.context?.delete();
}

export function useEditorImages(volumes: Ref<LabelVolumes>): { images: ShallowRef<EditorImages | null>; problem: Ref<string | null> } {
  const images = shallowRef<EditorImages | null>(null);
  const problem = shallowRef<string | null>(null);
  watch(
    volumes,
    (v) => {
      const old = images.value;
      problem.value = volumesProblem(v);
      images.value = problem.value === null ? build(v) : null;
      // The views switch to the new images in their own watchers; the old ones go once nothing draws them.
      void nextTick(() => dispose(old));
    },
    { immediate: true },
  );
  onScopeDispose(() => {
    dispose(images.value);
    images.value = null;
  });
  return { images, problem };
}
