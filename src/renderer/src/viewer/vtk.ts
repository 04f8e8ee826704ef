/**
 * The vtk.js classes the editor uses, in one place, with the WebGL implementations registered. Only the OpenGL
 * profiles: the WebGPU ones would double the bundle for a backend the app does not use. Importing vtk.js only from
 * here keeps the registration from being forgotten by a new view.
 */
import '@kitware/vtk.js/Rendering/OpenGL/Profiles/Geometry';
import '@kitware/vtk.js/Rendering/OpenGL/Profiles/Volume';

export { default as vtkDataArray } from '@kitware/vtk.js/Common/Core/DataArray';
export { default as vtkImageData } from '@kitware/vtk.js/Common/DataModel/ImageData';
export { default as vtkPiecewiseFunction } from '@kitware/vtk.js/Common/DataModel/PiecewiseFunction';
export { default as vtkPlane } from '@kitware/vtk.js/Common/DataModel/Plane';
export type { default as vtkPolyData } from '@kitware/vtk.js/Common/DataModel/PolyData';
export { default as vtkImageMarchingCubes } from '@kitware/vtk.js/Filters/General/ImageMarchingCubes';
export { default as vtkInteractorStyleTrackballCamera } from '@kitware/vtk.js/Interaction/Style/InteractorStyleTrackballCamera';
export { default as vtkActor } from '@kitware/vtk.js/Rendering/Core/Actor';
export { default as vtkColorTransferFunction } from '@kitware/vtk.js/Rendering/Core/ColorTransferFunction';
export { default as vtkImageMapper } from '@kitware/vtk.js/Rendering/Core/ImageMapper';
export type { SlicingMode } from '@kitware/vtk.js/Rendering/Core/ImageMapper/Constants';
export { default as vtkImageResliceMapper } from '@kitware/vtk.js/Rendering/Core/ImageResliceMapper';
export { default as vtkImageSlice } from '@kitware/vtk.js/Rendering/Core/ImageSlice';
export { default as vtkMapper } from '@kitware/vtk.js/Rendering/Core/Mapper';
export { default as vtkRenderer } from '@kitware/vtk.js/Rendering/Core/Renderer';
export { default as vtkRenderWindow } from '@kitware/vtk.js/Rendering/Core/RenderWindow';
export { default as vtkRenderWindowInteractor } from '@kitware/vtk.js/Rendering/Core/RenderWindowInteractor';
export { default as vtkOpenGLRenderWindow } from '@kitware/vtk.js/Rendering/OpenGL/RenderWindow';
export type { Extent } from '@kitware/vtk.js/types';
