/**
 * The 3D view as a composable: the mask's surface (marching cubes) over the axial CT slice of the crosshair,
 * turned with the mouse (trackball). The surface is rebuilt on demand (after a save, or when asked), never per
 * stroke: meshing is the one heavy step of the editor. Every vtk.js object made here is deleted with the view.
 */
import { onMounted, ref, watch, type Ref } from 'vue';
import { vtkActor, vtkMapper, vtkImageMapper, vtkImageSlice, vtkRenderWindowInteractor, vtkInteractorStyleTrackballCamera, type vtkPolyData, type SlicingMode } from './vtk';
import { MASK_RGB } from './label-colors';
import { buildMaskSurface } from './mask-surface';
import { volumeCenter } from './slice-geometry';
import type { CtWindow, SliceIndices } from './types';
import type { EditorImages } from './useEditorImages';
import { useVtkRenderWindow, type VtkWindow } from './useVtkRenderWindow';

const PLANE_OPACITY = 0.75;

export interface SurfaceViewInputs {
  images: Ref<EditorImages | null>;
  slices: Ref<SliceIndices>;
  ctWindow: Ref<CtWindow>;
}

export interface SurfaceView {
  window: VtkWindow;
  /** Triangles of the current surface (0 for an empty mask). */
  triangles: Ref<number>;
  /** Re-meshes the mask as it is now. */
  rebuildSurface(): void;
  /** Looks at the volume from the front again. */
  resetCamera(): void;
}

export function useVtkSurfaceView(container: Ref<HTMLElement | null>, inputs: SurfaceViewInputs): SurfaceView {
  const win = useVtkRenderWindow(container, [0.08, 0.09, 0.11]);
  const interactor = vtkRenderWindowInteractor.newInstance();
  const style = vtkInteractorStyleTrackballCamera.newInstance();
  interactor.setInteractorStyle(style);
  interactor.setView(win.openGL);
  interactor.initialize();
  onMounted(() => {
    if (container.value) interactor.bindEvents(container.value);
  });

  // The axial CT slice of the crosshair, translucent: it shows where the edited slice cuts the organ without hiding
  // the part of the surface below it (three opaque planes would hide most of the surface behind them).
  const planeMapper = vtkImageMapper.newInstance();
  planeMapper.setSlicingMode(2 as SlicingMode);
  const plane = vtkImageSlice.newInstance();
  plane.setMapper(planeMapper);
  plane.getProperty().setOpacity(PLANE_OPACITY);
  win.renderer.addActor(plane);

  const surfaceMapper = vtkMapper.newInstance();
  const surfaceActor = vtkActor.newInstance();
  surfaceActor.setMapper(surfaceMapper);
  const prop = surfaceActor.getProperty();
  prop.setColor(MASK_RGB[0], MASK_RGB[1], MASK_RGB[2]);
  prop.setSpecular(0.3);
  prop.setSpecularPower(20);
  win.renderer.addActor(surfaceActor);
  let surface: vtkPolyData | null = null;
  const triangles = ref(0);

  function rebuildSurface(): void {
    const images = inputs.images.value;
    const mask = images?.mask.getPointData().getScalars().getData();
    const next = images && mask instanceof Uint8Array ? buildMaskSurface(mask, images.grid) : null;
    surfaceMapper.setInputData(next);
    surfaceActor.setVisibility(next !== null);
    surface?.delete();
    surface = next;
    triangles.value = next ? next.getPolys().getNumberOfCells() : 0;
    win.requestRender();
  }

  function resetCamera(): void {
    const images = inputs.images.value;
    if (!images) return;
    const c = win.renderer.getActiveCamera();
    const f = volumeCenter(images.grid);
    // From the front and a little above and to the patient's right, head up: the axial plane is seen at an angle.
    c.setParallelProjection(false);
    c.setFocalPoint(f[0], f[1], f[2]);
    c.setPosition(f[0] + 0.35, f[1] + 1, f[2] + 0.5);
    c.setViewUp(0, 0, 1);
    win.renderer.resetCamera();
    // resetCamera fits the bounding sphere, which leaves the slab-shaped scene small in the view.
    c.zoom(1.4);
    win.requestRender();
  }

  watch(
    inputs.images,
    (images) => {
      planeMapper.setInputData(images?.ct ?? null);
      rebuildSurface();
      resetCamera();
    },
    { immediate: true },
  );

  watch(
    [inputs.images, () => inputs.slices.value.k],
    ([images, k]) => {
      if (!images) return;
      planeMapper.setSlice(k);
      win.requestRender();
    },
    { immediate: true },
  );

  watch(
    inputs.ctWindow,
    (w) => {
      plane.getProperty().setColorWindow(Math.max(1, w.width));
      plane.getProperty().setColorLevel(w.level);
      win.requestRender();
    },
    { immediate: true, deep: true },
  );

  win.onDispose(() => {
    interactor.unbindEvents();
    interactor.delete();
    style.delete();
    win.renderer.removeActor(plane);
    plane.delete();
    planeMapper.delete();
    win.renderer.removeActor(surfaceActor);
    surfaceActor.delete();
    surfaceMapper.delete();
    surface?.delete();
  });

  return { window: win, triangles, rebuildSurface, resetCamera };
}
