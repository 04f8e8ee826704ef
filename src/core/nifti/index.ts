/** NIfTI-1/2 reading and writing, header scans, label tables, and lossless reorientation to closest-canonical. */
export type { NiftiHeader, NiftiExtension, NiftiImage, NiftiHeaderInfo, LabelInfo, LabelTable, ReadNiftiOptions } from './types';
export type { NiftiDatatypeName } from './datatypes';
export { parseNiftiHeader } from './header-parse';
export { parseNiftiExtensions } from './extensions';
export { findLabelTable, parseLabelTableXml, labelTableExtension } from './label-table';
export { niftiAffine, niftiGrid, type AffineSource } from './geometry';
export { readNifti, readNiftiHeader } from './read';
export { encodeNifti, writeNifti, type NiftiWriteInput, type EncodeNiftiOptions } from './write';
export {
  closestCanonical,
  reorient,
  reorientGrid,
  inverseOrientation,
  toCanonical,
  isIdentityOrientation,
  IDENTITY_ORIENTATION,
  canonicalGrid,
  sameGrid,
  type GridTolerance,
} from './orientation';
export { checkDims, checkVolumeLayout, type VolumeLayout } from './header-check';
