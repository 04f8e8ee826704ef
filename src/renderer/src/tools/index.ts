/** Editing tools on typed-array volumes: pure functions and small classes, no DOM and no vtk.js. */
export { ToolError, type ToolErrorCode } from './tool-error';
export {
  AXIS_OF_SLICE,
  SLICE_AXES,
  checkVolume,
  ijkOf,
  indexOf,
  readSlice,
  sliceCount,
  sliceFrame,
  voxelCount,
  type SliceAxis,
  type SliceFrame,
  type Vec3,
  type VoxelGrid,
} from './voxel-grid';
export { allOf, anyOf, huRange, lockedLabels, type VoxelPredicate } from './predicates';
export { VoxelDiff, unionExtent, type VoxelExtent } from './voxel-diff';
export { EditRecorder, type RecorderOptions } from './edit-recorder';
export { DEFAULT_HISTORY_LIMITS, EditHistory, type HistoryLimits } from './edit-history';
export {
  BRUSH_RADII_MM,
  BrushStroke,
  discRadiusPixels,
  stampDisc,
  stampSegment,
  stepBrushRadius,
  type BrushSettings,
  type SlicePoint,
} from './brush';
export { fillHolesInSlice } from './fill-holes';
export { signedDistance, squaredDistanceTransform, type FeatureSide } from './distance-transform';
export { interpolateSlices, type InterpolationResult } from './interpolate-slices';
export {
  SHORTCUT_ACTIONS,
  SHORTCUT_TABLE,
  chordOf,
  parseChord,
  resolveShortcuts,
  scopesOverlap,
  type KeyInput,
  type ShortcutAction,
  type ShortcutConflict,
  type ShortcutMap,
  type ShortcutProblem,
  type ShortcutScope,
  type ShortcutSpec,
} from './shortcuts';
export {
  SHORTCUT_STORAGE_KEY,
  isCustomised,
  readOverrides,
  rebind,
  resetAction,
  writeOverrides,
  type KeyValueStore,
  type RebindResult,
  type ShortcutOverrides,
  type StoredOverrides,
} from './shortcut-overrides';
export { WINDOW_PRESETS, nextWindowPreset, windowRange, type WindowPreset } from './window-presets';
