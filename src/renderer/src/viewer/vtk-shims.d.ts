/** vtk.js 37 ships no type declarations for its image marching cubes filter; this is the part the editor uses. */
declare module '@kitware/vtk.js/Filters/General/ImageMarchingCubes' {
  import type vtkImageData from '@kitware/vtk.js/Common/DataModel/ImageData';
  import type vtkPolyData from '@kitware/vtk.js/Common/DataModel/PolyData';

  export interface vtkImageMarchingCubes {
    setInputData(image: vtkImageData): void;
    setContourValue(value: number): boolean;
    setComputeNormals(on: boolean): boolean;
    setMergePoints(on: boolean): boolean;
    update(): void;
    getOutputData(): vtkPolyData;
    delete(): void;
  }

  export function newInstance(initialValues?: { contourValue?: number; computeNormals?: boolean; mergePoints?: boolean }): vtkImageMarchingCubes;

  const vtkImageMarchingCubes: { newInstance: typeof newInstance };
  export default vtkImageMarchingCubes;
}
