/** Shapes shared by the editor's views and their parent; plain data, no vtk.js. */
import type { SliceAxis, SlicePoint } from '../tools';

export type { SliceAxis, SlicePoint };

/** The three slice positions (the crosshair): sagittal i, coronal j, axial k, in voxels. */
export interface SliceIndices {
  i: number;
  j: number;
  k: number;
}

/** A view of the editor: one of the three slice views, or the 3D view. */
export type EditorViewName = SliceAxis | '3d';

/** CT display window in HU. */
export interface CtWindow {
  width: number;
  level: number;
}

/** How the edited mask is drawn over the CT. */
export interface MaskDisplay {
  /** 0..1: fill opacity, or in outline mode the outline's opacity. */
  opacity: number;
  outline: boolean;
  /** The other organs of the case, drawn faintly. */
  showContext: boolean;
}

/**
 * What the left button does in a slice view: move the crosshair, or paint (the view reports pointer positions and
 * the parent's tool writes voxels).
 */
export type PointerMode = 'navigate' | 'paint';

/**
 * Pointer samples of a paint stroke on one slice, in the tools' slice coordinates (`SliceFrame`: axial u = i,
 * v = j; coronal u = i, v = k; sagittal u = j, v = k; continuous, voxel centres at integers).
 */
export interface PaintSample {
  axis: SliceAxis;
  slice: number;
  points: SlicePoint[];
}

/** The voxel under the pointer and what it holds. */
export interface VoxelProbe {
  ijk: [number, number, number];
  hu: number;
  mask: number;
  /** Name of the context organ there, or null. */
  organ: string | null;
}
