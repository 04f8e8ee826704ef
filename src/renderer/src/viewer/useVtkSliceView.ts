/**
 * One slice view (axial, coronal or sagittal) in vtk.js, as a composable: the CT, the faint context organs and the
 * edited mask on one slice, under a parallel camera that fits the slice with its physical aspect.
 *
 * The CT and the context map use vtkImageMapper, which uploads only the shown 2D slice (a CT never sits on the GPU
 * three times, once per view). The mask uses vtkImageResliceMapper, which holds it as a 3D texture: changing slice
 * moves a plane, and after a stroke only the changed region is re-uploaded (`setUpdatedExtents`). Every vtk.js
 * object made here is deleted with the view.
 */
import { computed, watch, type ComputedRef, type Ref } from 'vue';
import { vtkImageMapper, vtkImageResliceMapper, vtkImageSlice, vtkPlane, type SlicingMode, type Extent } from './vtk';
import { unionExtent, type SliceAxis, type VoxelExtent } from '../tools';
import { CONTEXT_OPACITY } from './label-colors';
import { sliceCamera, sliceOf, slicePosition, VIEW_AXES, type SliceCamera, type ViewZoom } from './slice-geometry';
import { contextFunctions, maskFunctions, type LabelFunctions } from './transfer-functions';
import type { CtWindow, MaskDisplay, SliceIndices } from './types';
import type { EditorImages } from './useEditorImages';
import { useVtkRenderWindow, type VtkWindow } from './useVtkRenderWindow';

export interface SliceViewInputs {
  view: SliceAxis;
  images: Ref<EditorImages | null>;
  slices: Ref<SliceIndices>;
  ctWindow: Ref<CtWindow>;
  display: Ref<MaskDisplay>;
  zoom: Ref<ViewZoom>;
}

export interface SliceView {
  window: VtkWindow;
  /** The camera the view draws with, for mapping the pointer and placing overlays; null before layout. */
  camera: ComputedRef<SliceCamera | null>;
  /** The mask changed inside `extent`: upload that region at the next frame. */
  markMaskUpdated(extent: VoxelExtent): void;
}

/** Thickness of the mask outline in pixels of the slice, in outline mode. */
const OUTLINE_THICKNESS = 1;

export function useVtkSliceView(container: Ref<HTMLElement | null>, inputs: SliceViewInputs): SliceView {
  const win = useVtkRenderWindow(container);
  const axes = VIEW_AXES[inputs.view];
  const axis = axes.normalAxis;

  const ctMapper = vtkImageMapper.newInstance();
  ctMapper.setSlicingMode(axis as SlicingMode);
  const ctActor = vtkImageSlice.newInstance();
  ctActor.setMapper(ctMapper);
  // Nearest, like the labels: a linearly interpolated CT edge lies half a voxel off the mask's edge, which would make
  // a correct mask look too small in a tool made for judging mask edges.
  ctActor.getProperty().setInterpolationTypeToNearest();

  const contextMapper = vtkImageMapper.newInstance();
  contextMapper.setSlicingMode(axis as SlicingMode);
  const contextActor = vtkImageSlice.newInstance();
  contextActor.setMapper(contextMapper);
  let contextFns: LabelFunctions | null = null;

  const plane = vtkPlane.newInstance();
  plane.setNormal(axes.directionOfProjection[0], axes.directionOfProjection[1], axes.directionOfProjection[2]);
  const maskMapper = vtkImageResliceMapper.newInstance();
  maskMapper.setSlicePlane(plane);
  const maskActor = vtkImageSlice.newInstance();
  maskActor.setMapper(maskMapper);
  const maskFns = maskFunctions();
  const maskProp = maskActor.getProperty();
  maskProp.setRGBTransferFunction(0, maskFns.color);
  maskProp.setPiecewiseFunction(0, maskFns.opacity);
  maskProp.setUseLookupTableScalarRange(true);
  maskProp.setInterpolationTypeToNearest();
  maskProp.setLabelOutlineThickness(OUTLINE_THICKNESS);
  // Regions changed since the last frame, merged: one upload per frame however many strokes arrived.
  let pendingExtent: VoxelExtent | null = null;

  for (const actor of [ctActor, contextActor, maskActor]) win.renderer.addActor(actor);

  const camera = computed<SliceCamera | null>(() => {
    const images = inputs.images.value;
    const { width, height } = win.size.value;
    if (!images || width === 0 || height === 0) return null;
    return sliceCamera(images.grid, inputs.view, sliceOf(inputs.slices.value, axis), width, height, inputs.zoom.value);
  });

  watch(
    inputs.images,
    (images) => {
      ctMapper.setInputData(images?.ct ?? null);
      maskMapper.setInputData(images?.mask ?? null);
      maskProp.setUpdatedExtents([]);
      pendingExtent = null;
      contextFns?.delete();
      contextFns = null;
      if (images?.context) {
        contextFns = contextFunctions(images.contextCount);
        const p = contextActor.getProperty();
        p.setRGBTransferFunction(0, contextFns.color);
        p.setPiecewiseFunction(0, contextFns.opacity);
        p.setUseLookupTableScalarRange(true);
        p.setInterpolationTypeToNearest();
        contextMapper.setInputData(images.context);
      } else {
        contextMapper.setInputData(null);
      }
      if (images) {
        // Overlays sit on the slice plane; the CT and the context are nudged away from the camera by a fraction of
        // a voxel so the three coincident planes draw in a fixed order instead of fighting over depth.
        const nudge = images.grid.spacing[axis] * 0.05;
        const d = axes.directionOfProjection;
        ctActor.setPosition(d[0] * 2 * nudge, d[1] * 2 * nudge, d[2] * 2 * nudge);
        contextActor.setPosition(d[0] * nudge, d[1] * nudge, d[2] * nudge);
      }
      win.requestRender();
    },
    { immediate: true },
  );

  watch(
    [inputs.images, () => sliceOf(inputs.slices.value, axis)],
    ([images, slice]) => {
      if (!images) return;
      ctMapper.setSlice(slice);
      contextMapper.setSlice(slice);
      const origin = [0, 0, 0];
      origin[axis] = slicePosition(images.grid, axis, slice);
      plane.setOrigin(origin[0], origin[1], origin[2]);
      win.requestRender();
    },
    { immediate: true },
  );

  watch(
    inputs.ctWindow,
    (w) => {
      const p = ctActor.getProperty();
      p.setColorWindow(Math.max(1, w.width));
      p.setColorLevel(w.level);
      win.requestRender();
    },
    { immediate: true, deep: true },
  );

  watch(
    inputs.display,
    (d) => {
      maskProp.setUseLabelOutline(d.outline);
      // Outline mode: the border carries the opacity and the inside is left clear, so the CT under it shows.
      maskProp.setLabelOutlineOpacity(d.opacity);
      maskProp.setOpacity(d.outline ? 0 : d.opacity);
      contextActor.setVisibility(d.showContext && inputs.images.value?.context != null);
      contextActor.getProperty().setOpacity(CONTEXT_OPACITY);
      win.requestRender();
    },
    { immediate: true, deep: true },
  );

  watch(camera, () => win.requestRender());

  win.beforeRender(() => {
    // vtk.js can update a region only of a texture it has made; until then the first upload takes the whole mask.
    if (pendingExtent && maskTextureExists()) maskProp.setUpdatedExtents([...maskProp.getUpdatedExtents(), [...pendingExtent] as Extent]);
    pendingExtent = null;
    const cam = camera.value;
    if (!cam) return;
    const c = win.renderer.getActiveCamera();
    const d = cam.axes.directionOfProjection;
    const f = cam.focalPoint;
    // Far enough back that nothing of the volume is behind the camera; the clipping range is reset below.
    const distance = 1000 + cam.parallelScale * 4;
    c.setParallelProjection(true);
    c.setFocalPoint(f[0], f[1], f[2]);
    c.setPosition(f[0] - d[0] * distance, f[1] - d[1] * distance, f[2] - d[2] * distance);
    c.setViewUp(cam.axes.viewUp[0], cam.axes.viewUp[1], cam.axes.viewUp[2]);
    c.setParallelScale(cam.parallelScale);
    win.renderer.resetCameraClippingRange();
  });
  function maskTextureExists(): boolean {
    const scalars = inputs.images.value?.mask.getPointData().getScalars();
    return !!scalars && !!win.openGL.getGraphicsResourceForObject(scalars)?.oglObject;
  }

  win.onDispose(() => {
    for (const actor of [ctActor, contextActor, maskActor]) win.renderer.removeActor(actor);
    ctActor.delete();
    ctMapper.delete();
    contextActor.delete();
    contextMapper.delete();
    contextFns?.delete();
    maskActor.delete();
    maskMapper.delete();
    plane.delete();
    maskFns.delete();
  });

  return {
    window: win,
    camera,
    markMaskUpdated(extent) {
      pendingExtent = pendingExtent ? unionExtent(pendingExtent, extent) : [...extent];
      win.requestRender();
    },
  };
}
