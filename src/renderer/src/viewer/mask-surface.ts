/**
 * The mask's surface for the 3D view: marching cubes (vtkImageMarchingCubes) on the mask's bounding box only,
 * padded with one voxel of background on every side so the surface is closed even where the mask touches the edge
 * of the volume. A liver mask is a small part of a CT; meshing just its box is what keeps "update 3D" quick.
 */
import { vtkImageData, vtkDataArray, vtkImageMarchingCubes, type vtkPolyData } from './vtk';
import type { VoxelExtent } from '../tools';
import type { GridGeometry } from './slice-geometry';

/** Smallest extent [iMin, iMax, jMin, jMax, kMin, kMax] holding every non-zero voxel, or null for an empty mask. */
export function maskBoundingBox(mask: Uint8Array, dims: readonly [number, number, number]): VoxelExtent | null {
  const [nx, ny, nz] = dims;
  let iMin = nx;
  let iMax = -1;
  let jMin = ny;
  let jMax = -1;
  let kMin = nz;
  let kMax = -1;
  let idx = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, idx++) {
        if (mask[idx] === 0) continue;
        if (i < iMin) iMin = i;
        if (i > iMax) iMax = i;
        if (j < jMin) jMin = j;
        if (j > jMax) jMax = j;
        if (k < kMin) kMin = k;
        kMax = k;
      }
    }
  }
  return iMax < 0 ? null : [iMin, iMax, jMin, jMax, kMin, kMax];
}

/** The mask's voxels inside `box`, with one voxel of zeros around, as an image placed where the box is. */
function paddedCrop(mask: Uint8Array, grid: GridGeometry, box: VoxelExtent): vtkImageData {
  const [nx, ny] = grid.dims;
  const w = box[1] - box[0] + 3;
  const h = box[3] - box[2] + 3;
  const d = box[5] - box[4] + 3;
  const out = new Uint8Array(w * h * d);
  for (let k = box[4]; k <= box[5]; k++) {
    for (let j = box[2]; j <= box[3]; j++) {
      const src = box[0] + nx * (j + ny * k);
      const dst = 1 + w * (j - box[2] + 1 + h * (k - box[4] + 1));
      out.set(mask.subarray(src, src + box[1] - box[0] + 1), dst);
    }
  }
  const image = vtkImageData.newInstance();
  image.setDimensions([w, h, d]);
  image.setSpacing([...grid.spacing]);
  image.setOrigin([(box[0] - 1) * grid.spacing[0], (box[2] - 1) * grid.spacing[1], (box[4] - 1) * grid.spacing[2]]);
  image.getPointData().setScalars(vtkDataArray.newInstance({ name: 'mask', numberOfComponents: 1, values: out }));
  return image;
}

/** The mask's surface in display space (voxel index × spacing), or null for an empty mask. The caller deletes it. */
export function buildMaskSurface(mask: Uint8Array, grid: GridGeometry): vtkPolyData | null {
  const box = maskBoundingBox(mask, grid.dims);
  if (!box) return null;
  const crop = paddedCrop(mask, grid, box);
  const cubes = vtkImageMarchingCubes.newInstance({ contourValue: 0.5, computeNormals: true, mergePoints: true });
  cubes.setInputData(crop);
  cubes.update();
  const surface = cubes.getOutputData();
  cubes.delete();
  crop.delete();
  return surface;
}
