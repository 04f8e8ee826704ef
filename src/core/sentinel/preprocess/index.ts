/** Quality Sentinel preprocessing, inference path: slice choice, crop, CT window, Pillow bilinear resize, Dice. */
export type { CropBox, Normalisation, PreprocessOptions, SliceBounds, VolumeLike } from './types';
export { REFERENCE_DEFAULTS } from './types';
export { chooseSlices, maskSliceIndices, pickSlices, sliceIndicesByLabel } from './slices';
export { cropBox, sliceBoundingBox } from './crop';
export { applyResizePlan, planBilinearResize, resizeBilinearPillow } from './resize-pillow';
export type { ResizeBox, ResizePlan } from './resize-pillow';
export { maskCrop, normaliseInPlace, windowedCrop } from './window';
export { preprocessLabel, preprocessSlice } from './preprocess';
export type { PreprocessedLabel } from './preprocess';
export { dice } from './dice';
export type { DiceOptions } from './dice';
