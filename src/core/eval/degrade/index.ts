/** Label degradations for the evaluation: small pure functions on binary masks (see each file). */
export type { BinaryMask } from './mask';
export { checkMask, copyMask, countInside, emptyMask } from './mask';
export { erode, dilate, type Connectivity } from './morphology';
export { shiftMask } from './shift';
export { planeCut } from './plane-cut';
export { punchHoles } from './holes';
export { dropSlices } from './drop-slices';
export { leakInto } from './leak';
export { swapWith } from './swap';
export { boundaryNoise } from './boundary-noise';
